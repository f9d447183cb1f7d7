"""Untrusted documents: markup stays text, crafted containers are refused, names never become paths.

Reports are opened by people who did not make them, and policy texts come from scrapes.  A
document whose title, measures and unit names carry ``<script>``, ``onerror=`` and
``javascript:`` must reach every HTML output (report, alignment view, notebook views) as
visible text only; this is checked on the parsed DOM, not on strings.  Crafted docx files
(zip bombs, entity expansion in any encoding, external entities) are refused within 5 s and
bounded memory.  Ids and file names taken from the input never steer a write outside OUTDIR.
"""

from __future__ import annotations

import io
import json
import random
import string
import time
import tracemalloc
import zipfile
from pathlib import Path

import lxml.html
import pytest

import policytext
from policytext.cli import main
from policytext.errors import CorruptFileError
from tests.test_io import make_docx
from tests.test_io_faults import ENTITY_BOMB_DTD

MB = 1024 * 1024
PAYLOADS = (
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(2)">',
    '<a href="javascript:alert(3)">点击</a>',
)

HOSTILE_PLAN = f"""关于推进{PAYLOADS[0]}测试工作{PAYLOADS[1]}的实施方案
市测试局
2025年3月1日
一、总体要求
（一）加强组织领导{PAYLOADS[2]}。建立联席会议制度{PAYLOADS[0]}，2025年底前完成。（牵头单位：市<script>alert(4)</script>局；配合单位：市<img src=x onerror=alert(5)>财政局、<a href="javascript:alert(6)">市科技局</a>）
（二）推进产教融合。支持企业与高校共建产业学院{PAYLOADS[1]}。（责任单位：市教育局、市<svg onload=alert(7)>人社局）
二、保障措施
（三）强化经费保障。设立专项资金<iframe src="javascript:alert(8)"></iframe>。（牵头单位：市财政局）
"""
HOSTILE_UPPER = f"""关于加强组织领导{PAYLOADS[0]}的指导意见
一、加强组织领导
（一）建立联席会议制度{PAYLOADS[1]}，加强组织领导{PAYLOADS[2]}。
（二）推进产教融合，支持企业与高校共建产业学院。
（三）设立专项资金，强化经费保障。
"""


@pytest.fixture(scope="module")
def hostile() -> policytext.PolicyDocument:
    doc = policytext.parse_text(HOSTILE_PLAN)
    # the payloads really reach the title, a measure and the unit names (else the test proves nothing)
    assert "<script>" in (doc.header.title or "")
    assert any("javascript:" in m.text for m in doc.measures)
    names = [u.name for u in doc.units]
    assert any("<script>" in n for n in names) and any("onerror" in n for n in names), names
    return doc


#: Attributes a browser follows or runs as a URL (a ``javascript:`` there would execute).
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "srcdoc", "poster", "background", "xlink:href",
                  "{http://www.w3.org/1999/xlink}href"}  # fmt: skip


def assert_inert(html: str, *, our_scripts: int) -> lxml.html.HtmlElement:
    """No markup from the document is live: no foreign script, event handler or javascript: URL.

    Document text inside ordinary attribute values (``title``, ``data-sort``) is inert once
    quoted and escaped, so only URL-bearing attributes are checked for ``javascript:``.
    """
    tree = lxml.html.document_fromstring(html)
    scripts = tree.xpath("//script")
    assert len(scripts) == our_scripts, [lxml.html.tostring(s)[:80] for s in scripts]
    assert not any("alert" in (s.text or "") for s in scripts)
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue  # comments and processing instructions
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), (element.tag, name, value)
            if name.lower() in URL_ATTRIBUTES:
                assert "javascript:" not in value.replace(" ", "").lower(), (element.tag, name, value)
        assert element.tag.lower() not in {"img", "iframe", "object", "embed"}, element.tag
    return tree


def assert_payloads_visible(tree: lxml.html.HtmlElement) -> None:
    """The markup is shown to the reader as text (escaped), not silently dropped."""
    text = tree.text_content()
    assert "<script>alert" in text and "onerror=" in text and "javascript:" in text


def test_html_report_shows_markup_as_text(hostile: policytext.PolicyDocument, tmp_path: Path) -> None:
    upper = policytext.parse_text(HOSTILE_UPPER)
    out = policytext.report(hostile, against=[upper], output=tmp_path / "report.html", embed_font=False)
    html = out.read_text(encoding="utf-8")
    tree = assert_inert(html, our_scripts=1)
    assert_payloads_visible(tree)
    title = tree.xpath("//title")[0].text_content()
    assert "<script>" in title  # the tab title too is text
    # the side-by-side alignment view and the charts also carry document text
    assert "alert(" in "".join(tree.xpath("//svg//text()")) or tree.xpath("//svg")


def test_cli_report_from_a_hostile_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "plan.html"  # a scraped page: the payload survives HTML extraction as text
    escaped = HOSTILE_PLAN.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    source.write_text(f"<html><body><pre>{escaped}</pre></body></html>", encoding="utf-8")
    out = tmp_path / "r.html"
    assert main(["report", str(source), "-o", str(out), "-q"]) == 0
    tree = assert_inert(out.read_text(encoding="utf-8"), our_scripts=1)
    assert_payloads_visible(tree)


def test_notebook_views_show_markup_as_text(hostile: policytext.PolicyDocument) -> None:
    from policytext.report.notebook import alignment_html, document_html, measure_html

    assert_payloads_visible(assert_inert(document_html(hostile), our_scripts=0))
    for measure in hostile.measures:
        assert_inert(measure_html(measure), our_scripts=0)
    from policytext.align import (
        align,
    )  # (policytext.align may be the module here: see test_hardening_properties)

    alignment = align(hostile, [policytext.parse_text(HOSTILE_UPPER)])
    assert_inert(alignment_html(alignment), our_scripts=0)


def test_markdown_report_has_no_live_markup(hostile: policytext.PolicyDocument, tmp_path: Path) -> None:
    text = policytext.report(hostile, output=tmp_path / "r.md").read_text(encoding="utf-8")
    for tag in ("<script", "<img", "<a ", "<svg", "<iframe"):
        assert tag not in text.lower(), tag
    assert "&lt;script&gt;" in text


# -- crafted docx -----------------------------------------------------------------------------

LAUGHS = """<?xml version="1.0" encoding="{encoding}"?>
{dtd}<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>
<w:p><w:r><w:t>start &lol9; end</w:t></w:r></w:p></w:body></w:document>
"""
QUADRATIC = (
    '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "' + "A" * 50_000 + '">]>'
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>'
    + "&a;" * 50_000
    + "</w:t></w:r></w:p></w:body></w:document>"
)
XXE = """<?xml version="1.0" encoding="{encoding}"?>
<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>
<w:p><w:r><w:t>一、总体要求 &xxe; 结束</w:t></w:r></w:p></w:body></w:document>
"""


@pytest.fixture(scope="module")
def base_docx(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = make_docx(tmp_path_factory.mktemp("docx") / "base.docx")
    policytext.read(path)  # warm up: imports and python-docx templates are not the attack's memory
    return path.read_bytes()


def rewrite_member(docx: bytes, name: str, content: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(docx))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, content if item.filename == name else source.read(item))
    return buffer.getvalue()


def forge_size(docx: bytes, name: str, declared: int) -> bytes:
    """Make the zip headers of ``name`` claim ``declared`` uncompressed bytes (a lying zip bomb)."""
    data = bytearray(docx)
    local = zipfile.ZipFile(io.BytesIO(docx)).getinfo(name).header_offset
    data[local + 22 : local + 26] = declared.to_bytes(4, "little")
    entry = data.find(b"PK\x01\x02")
    while entry != -1:
        length = int.from_bytes(data[entry + 28 : entry + 30], "little")
        if data[entry + 46 : entry + 46 + length].decode() == name:
            data[entry + 24 : entry + 28] = declared.to_bytes(4, "little")
        entry = data.find(b"PK\x01\x02", entry + 4)
    return bytes(data)


def refuse_within_bounds(path: Path, *, seconds: float = 5.0, megabytes: float = 64.0) -> CorruptFileError:
    """``read`` refuses ``path`` with CorruptFileError within ``seconds`` and ``megabytes`` of peak memory.

    Time is measured on a plain run (tracemalloc slows allocation-heavy code several times),
    memory on a second, traced run.
    """
    started = time.perf_counter()
    with pytest.raises(CorruptFileError) as caught:
        policytext.read(path)
    elapsed = time.perf_counter() - started
    assert elapsed < seconds, f"refused after {elapsed:.1f} s"
    assert caught.value.path == str(path) and "\n" not in str(caught.value)
    tracemalloc.start()
    try:
        with pytest.raises(CorruptFileError):
            policytext.read(path)
        peak = tracemalloc.get_traced_memory()[1] / MB
    finally:
        tracemalloc.stop()
    assert peak < megabytes, f"refusing it took {peak:.0f} MB"
    return caught.value


@pytest.mark.parametrize("encoding", ["UTF-8", "UTF-16", "UTF-16-LE", "UTF-16-BE", "UTF-32"])
def test_entity_expansion_in_any_encoding_is_refused_quickly(
    base_docx: bytes, tmp_path: Path, encoding: str
) -> None:
    declared = "UTF-16" if encoding.startswith("UTF-16") else encoding
    xml = LAUGHS.format(encoding=declared, dtd=ENTITY_BOMB_DTD).encode(encoding.lower())
    path = tmp_path / "laughs.docx"
    path.write_bytes(rewrite_member(base_docx, "word/document.xml", xml))
    refuse_within_bounds(path)


def test_quadratic_blowup_is_refused(base_docx: bytes, tmp_path: Path) -> None:
    path = tmp_path / "quadratic.docx"
    path.write_bytes(rewrite_member(base_docx, "word/document.xml", QUADRATIC.encode()))
    refuse_within_bounds(path)


def test_external_entity_in_utf16_is_refused(base_docx: bytes, tmp_path: Path) -> None:
    path = tmp_path / "xxe16.docx"
    xml = XXE.format(encoding="UTF-16").encode("utf-16-le")
    path.write_bytes(rewrite_member(base_docx, "word/document.xml", xml))
    error = refuse_within_bounds(path)
    assert "DOCTYPE" in error.reason


@pytest.mark.parametrize("codec", ["utf-8", "utf-16-le", "utf-32-be"])
@pytest.mark.parametrize("shift", [1, 4, 8, 40])
def test_declaration_split_across_read_chunks_is_seen(
    base_docx: bytes, tmp_path: Path, codec: str, shift: int
) -> None:
    """The part is scanned in 1 MiB chunks: a declaration straddling two of them is still refused."""
    from policytext.io.docx import _CHUNK

    head = '<?xml version="1.0"?><!--'
    unit = len("a".encode(codec))
    # Varied padding (it must not compress 100:1, or the zip-bomb check would refuse it first).
    filler_chars = (_CHUNK - shift * unit) // unit - len(head) - len("-->")
    filler = "".join(random.Random(shift).choices(string.ascii_letters, k=filler_chars))
    body = XXE.split("\n", 2)[2]  # one declaration only, so no second keyword can give it away
    xml = (head + filler + '-->\n<!DOCTYPE w:document SYSTEM "file:///etc/passwd">\n' + body).encode(codec)
    path = tmp_path / f"split-{codec}-{shift}.docx"
    path.write_bytes(rewrite_member(base_docx, "word/document.xml", xml))
    with pytest.raises(CorruptFileError, match="DOCTYPE"):
        policytext.read(path)


def test_external_entity_never_leaks_a_local_file(base_docx: bytes, tmp_path: Path) -> None:
    secret = Path("/etc/passwd").read_text(encoding="utf-8", errors="replace").split(":")[0]
    for encoding, codec in [("UTF-8", "utf-8"), ("UTF-16", "utf-16-le"), ("UTF-32", "utf-32")]:
        path = tmp_path / f"xxe-{codec}.docx"
        path.write_bytes(
            rewrite_member(base_docx, "word/document.xml", XXE.format(encoding=encoding).encode(codec))
        )
        try:
            doc = policytext.read(path)
        except CorruptFileError:
            continue
        assert secret not in doc.text and "root:" not in doc.text, encoding


def test_zip_bomb_with_honest_sizes_is_refused(base_docx: bytes, tmp_path: Path) -> None:
    source = zipfile.ZipFile(io.BytesIO(base_docx))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, source.read(item))
        target.writestr("word/media/image1.png", bytes(150 * MB))  # 150 MB of zeros, ~150 KB packed
    path = tmp_path / "bomb.docx"
    path.write_bytes(buffer.getvalue())
    assert path.stat().st_size < 1 * MB
    assert "zip bomb" in refuse_within_bounds(path).reason


def test_zip_bomb_of_many_members_is_refused(base_docx: bytes, tmp_path: Path) -> None:
    source = zipfile.ZipFile(io.BytesIO(base_docx))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as target:
        for item in source.infolist():
            target.writestr(item, source.read(item))
        for index in range(10_001):  # one over MAX_MEMBERS
            target.writestr(f"word/media/{index}.bin", b"")
    path = tmp_path / "members.docx"
    path.write_bytes(buffer.getvalue())
    assert "members" in refuse_within_bounds(path).reason


def test_zip_bomb_that_lies_about_its_size_is_refused_in_bounded_memory(
    base_docx: bytes, tmp_path: Path
) -> None:
    paragraph = b"<w:p><w:r><w:t>x</w:t></w:r></w:p>"
    real = (
        b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        b"<w:body>" + paragraph * (100 * MB // len(paragraph)) + b"</w:body></w:document>"
    )
    forged = forge_size(rewrite_member(base_docx, "word/document.xml", real), "word/document.xml", 2_000)
    del real
    path = tmp_path / "liar.docx"
    path.write_bytes(forged)
    assert path.stat().st_size < 1 * MB
    refuse_within_bounds(path, megabytes=64)


# -- names from the input never become paths -----------------------------------------------------

HOSTILE_IDS = [
    "../../etc/passwd",
    "../../../../../../tmp/escaped",
    "/etc/passwd",
    "/tmp/absolute-escape",
    "C:\\Windows\\System32\\evil",
    "..",
    ".",
    "~/.bashrc",
    "%2e%2e%2f%2e%2e%2fescape",
    "名称\u202egnp.exe",
    "ｆｕｌｌ／ｗｉｄｔｈ／．．",
    "a" * 300,
    "con",
    "-rf",
    "\u200b",
    "line\nbreak",
    "$(touch pwned)",
]
HOSTILE_FILE_NAMES = [  # ("..txt" would be a hidden file: skipped by design)
    "-rf.txt",
    "%2e%2e%2fetc.txt",
    "名称\u202etxt.exe.txt",
    "line\nbreak.txt",
    "$(touch x).txt",
]


def snapshot(root: Path) -> set[Path]:
    return {p for p in root.rglob("*")}


def test_batch_writes_nothing_outside_outdir(tmp_path: Path) -> None:
    plan = "一、总体要求\n（一）加强组织领导。建立工作机制。（牵头单位：市教育局；配合单位：市财政局）\n"
    sandbox = tmp_path / "sandbox"
    inputs, outdir = sandbox / "in", sandbox / "deep" / "out"
    inputs.mkdir(parents=True)
    records = [
        {"id": ident, "title": ident, "source": ident, "text": plan.replace("工作机制", f"工作机制{n}")}
        for n, ident in enumerate(HOSTILE_IDS)
    ]
    with open(inputs / "records.jsonl", "w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    for n, name in enumerate(HOSTILE_FILE_NAMES):
        (inputs / name).write_text(plan.replace("工作机制", f"文件机制{n}"), encoding="utf-8")
    before_sandbox = snapshot(sandbox)
    watched = [Path("/tmp/escaped"), Path("/tmp/absolute-escape"), Path.cwd() / "pwned", Path.cwd() / "x"]
    assert not any(p.exists() for p in watched)

    for fmt in ("parquet", "csv"):
        code = main(["batch", str(inputs), "-o", str(outdir), "--workers", "0", "-q", "--id-column", "id",
                     "--format", fmt])  # fmt: skip
        assert code == 0
    created = snapshot(sandbox) - before_sandbox
    escaped = sorted(
        str(p) for p in created if not (p == outdir or outdir in p.parents or p in outdir.parents)
    )
    assert created and not escaped, escaped
    assert not any(p.exists() for p in watched)
    import pandas as pd

    documents = pd.read_parquet(outdir / "documents.parquet")
    expected = {f"records#{i}" for i in HOSTILE_IDS} | set(HOSTILE_FILE_NAMES)
    assert set(documents["doc_id"]) == expected  # every hostile name analysed, none lost
    assert set(pd.read_csv(outdir / "documents.csv", dtype=str, keep_default_na=False)["doc_id"]) == expected
    names = {p.name for p in outdir.rglob("*")}
    assert not any(".." in name or "passwd" in name for name in names)
