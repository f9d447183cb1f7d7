"""Bad input: every fault becomes a PolicyTextError that names the file, quickly and safely."""

from __future__ import annotations

import gzip
import io
import json
import os
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policytext.errors import (
    ConfigurationError,
    CorruptFileError,
    DecodingError,
    EmptyDocumentError,
    FileTooLargeError,
    InputError,
    PolicyTextError,
    RecordError,
    UnsupportedFormatError,
)
from policytext.io import RawText, decode_bytes, iter_records, load_text
from policytext.io.html import extract_html
from tests.test_io import NOTICE, make_docx, make_pdf, write

LINES = NOTICE.rstrip("\n").split("\n")


def assert_names_file(error: PolicyTextError, path: Path) -> None:
    assert error.path == str(path)
    assert str(path) in str(error)
    assert "\n" not in str(error)


# -- files that are not there or not files -----------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.txt"
    with pytest.raises(InputError, match="not found") as caught:
        load_text(path)
    assert_names_file(caught.value, path)


def test_directory(tmp_path: Path) -> None:
    (tmp_path / "folder.txt").mkdir()
    with pytest.raises(InputError, match="directory"):
        load_text(tmp_path / "folder.txt")
    with pytest.raises(InputError, match="directory"):
        iter_records(tmp_path / "folder.txt", format="jsonl")


def test_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    path = tmp_path / "pipe.txt"
    os.mkfifo(path)
    with pytest.raises(InputError, match="not a regular file"):
        load_text(path)


def test_dangling_symlink(tmp_path: Path) -> None:
    link = tmp_path / "gone.txt"
    link.symlink_to(tmp_path / "deleted.txt")
    with pytest.raises(InputError, match="not found"):
        load_text(link)


def test_impossible_paths(tmp_path: Path) -> None:
    inside_file = write(tmp_path / "plain.txt", NOTICE.encode()) / "child.txt"
    for path in (inside_file, tmp_path / ("长" * 300 + ".txt"), str(tmp_path / "nul\x00.txt")):
        with pytest.raises(InputError) as caught:
            load_text(path)
        assert caught.value.path == str(path)


@pytest.mark.skipif(
    hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads files whatever their mode"
)
def test_unreadable_file_in_a_directory(tmp_path: Path) -> None:
    path = write(tmp_path / "secret.txt", NOTICE.encode())
    path.chmod(0)
    try:
        with pytest.raises(InputError, match="permission denied"):
            load_text(path)
    finally:
        path.chmod(0o644)


# -- empty and unsupported -------------------------------------------------------------------


@pytest.mark.parametrize(
    "content", [b"", b"   \n\t\r\n", "\u3000\u3000\n\ufeff\u200b".encode(), b"\xef\xbb\xbf"]
)
def test_empty_or_blank_text(tmp_path: Path, content: bytes) -> None:
    path = write(tmp_path / "blank.txt", content)
    with pytest.raises(EmptyDocumentError) as caught:
        load_text(path)
    assert_names_file(caught.value, path)


def test_html_with_nothing_but_clutter(tmp_path: Path) -> None:
    page = b"<html><body><nav>\xe9\xa6\x96\xe9\xa1\xb5</nav><script>var x;</script></body></html>"
    with pytest.raises(EmptyDocumentError):
        load_text(write(tmp_path / "empty.html", page))


@pytest.mark.parametrize(
    ("name", "hint"),
    [("old.doc", "docx"), ("sheet.xlsx", "csv"), ("x.xyz", "supported"), ("a.json", "jsonl")],
)
def test_unsupported_suffix(tmp_path: Path, name: str, hint: str) -> None:
    path = write(tmp_path / name, NOTICE.encode())
    with pytest.raises(UnsupportedFormatError, match=hint) as caught:
        load_text(path)
    assert_names_file(caught.value, path)


def test_unknown_format_and_encoding_options(tmp_path: Path) -> None:
    path = write(tmp_path / "n.txt", NOTICE.encode())
    with pytest.raises(ConfigurationError, match="unknown format"):
        load_text(path, format="rtf")
    with pytest.raises(ConfigurationError, match="unknown encoding"):
        load_text(path, encoding="no-such-codec")
    with pytest.raises(RecordError, match="record="):
        load_text(path, record=0)
    with pytest.raises(UnsupportedFormatError, match="not a record file"):
        iter_records(path)


def test_legacy_doc_renamed_txt(tmp_path: Path) -> None:
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    with pytest.raises(UnsupportedFormatError, match=r"save it as \.docx"):
        load_text(write(tmp_path / "renamed.txt", ole))


def test_xlsx_renamed_docx(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(UnsupportedFormatError, match="Excel"):
        load_text(write(tmp_path / "table.docx", buffer.getvalue()))


def test_text_renamed_docx(tmp_path: Path) -> None:
    with pytest.raises(CorruptFileError, match="no zip signature"):
        load_text(write(tmp_path / "fake.docx", NOTICE.encode()))


# -- decoding ----------------------------------------------------------------------------------


def test_binary_file(tmp_path: Path) -> None:
    data = bytes(range(256)) * 64
    path = write(tmp_path / "image.txt", data)
    with pytest.raises(DecodingError, match="binary") as caught:
        load_text(path)
    assert_names_file(caught.value, path)


def test_control_bytes_without_nul(tmp_path: Path) -> None:
    data = bytes([1, 2, 3, 4, 5, 6, 0x10, 0x11] * 200) + NOTICE.encode()
    with pytest.raises(DecodingError, match="binary"):
        load_text(write(tmp_path / "weird.txt", data))


def test_gbk_mislabelled_as_utf8_suggests_the_real_encoding(tmp_path: Path) -> None:
    path = write(tmp_path / "gbk.txt", NOTICE.encode("gbk"))
    with pytest.raises(DecodingError, match=r"not valid utf-8.*encoding='gb18030'") as caught:
        load_text(path, encoding="utf-8")
    assert_names_file(caught.value, path)


def test_utf8_with_a_damaged_byte_is_reported(tmp_path: Path) -> None:
    data = bytearray((NOTICE * 5).encode())
    data[600] = 0xFF
    # GB18030 and Big5 refuse 0xFF, so no strict decoder accepts it, and detection is not fooled
    with pytest.raises(DecodingError):
        decode_bytes(bytes(data) + b"\xff\xfe\xff", path="x.txt")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2048))
def test_decode_bytes_never_raises_anything_else(data: bytes) -> None:
    try:
        text, encoding = decode_bytes(data, path="fuzz.txt")
    except PolicyTextError:
        return
    assert isinstance(text, str) and isinstance(encoding, str)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=512), st.sampled_from(["utf-8", "gbk", "big5", "utf-16", "ascii"]))
def test_decode_bytes_with_encoding_never_raises_anything_else(data: bytes, encoding: str) -> None:
    try:
        text, used = decode_bytes(data, encoding=encoding)
    except PolicyTextError:
        return
    assert text == data.decode(used).removeprefix("\ufeff")


HTML_PIECES = st.sampled_from(
    ["<p>", "</p>", "<div class='content'>", "</div>", "<table><tr><td>", "</td><td>", "<br>", "<!--", "-->",
     "<script>", "<html>", "<nav>", "<h1>", "<title>", "&nbsp;", "&#0;", "<?xml version='1.0'?>", "<!DOCTYPE html>",
     "一、", "（一）", "通知", "（牵头单位：市教育局）", "下载", "打印", "相关链接", "\n", " ", "\x00", "<", ">"]
)  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(st.lists(HTML_PIECES, max_size=40).map("".join))
def test_extract_html_never_raises_anything_else(markup: str) -> None:
    try:
        text, metadata, warnings = extract_html(markup, "fuzz.html")
    except PolicyTextError:
        return
    assert isinstance(text, str) and isinstance(metadata, dict) and isinstance(warnings, tuple)


# -- damaged containers ---------------------------------------------------------------------


def test_zero_byte_docx_and_pdf(tmp_path: Path) -> None:
    for name in ("empty.docx", "empty.pdf"):
        path = write(tmp_path / name, b"")
        with pytest.raises(CorruptFileError, match="zero-byte") as caught:
            load_text(path)
        assert_names_file(caught.value, path)


@pytest.mark.parametrize("keep", [0.5, 0.9, 0.99])
def test_truncated_docx(tmp_path: Path, keep: float) -> None:
    full = make_docx(tmp_path / "full.docx").read_bytes()
    path = write(tmp_path / "cut.docx", full[: int(len(full) * keep)])
    with pytest.raises(CorruptFileError) as caught:
        load_text(path)
    assert_names_file(caught.value, path)


@pytest.fixture(scope="module")
def pdf_bytes(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return make_pdf(tmp_path_factory.mktemp("pdf") / "n.pdf", [LINES[:7], LINES[7:]]).read_bytes()


@pytest.mark.parametrize("keep", [0.1, 0.5, 0.95])
def test_truncated_pdf(tmp_path: Path, pdf_bytes: bytes, keep: float) -> None:
    path = write(tmp_path / "cut.pdf", pdf_bytes[: int(len(pdf_bytes) * keep)])
    try:
        raw = load_text(path)
    except (CorruptFileError, EmptyDocumentError) as error:
        assert_names_file(error, path)
    else:  # pdfminer can recover a page from a file cut after its content stream
        assert raw.text.strip()


def test_pdf_without_any_text_layer(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "scan.pdf", [[], []])
    with pytest.raises(EmptyDocumentError, match="no text layer"):
        load_text(path)


def test_not_a_pdf(tmp_path: Path) -> None:
    with pytest.raises(CorruptFileError, match="not a PDF"):
        load_text(write(tmp_path / "n.pdf", NOTICE.encode()))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(position=st.integers(min_value=0), value=st.integers(min_value=0, max_value=255), cut=st.booleans())
def test_mutated_pdf_only_raises_policytext_errors(
    pdf_bytes: bytes, position: int, value: int, cut: bool
) -> None:
    data = bytearray(pdf_bytes)
    index = position % len(data)
    if cut:
        del data[index:]
    else:
        data[index] = value
    from policytext.io.pdf import extract_pdf

    try:
        text, _, _ = extract_pdf(bytes(data), "fuzz.pdf")
    except PolicyTextError:
        return
    assert text.strip()


def _docx_bytes(tmp_path: Path) -> bytes:
    return make_docx(tmp_path / "base.docx").read_bytes()


def _rewrite_member(
    docx: bytes, name: str, content: bytes, *, extra: dict[str, bytes] | None = None
) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(docx))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, content if item.filename == name else source.read(item))
        for extra_name, extra_content in (extra or {}).items():
            target.writestr(extra_name, extra_content)
    return buffer.getvalue()


def test_mutated_docx_only_raises_policytext_errors(tmp_path: Path) -> None:
    import random

    base = _docx_bytes(tmp_path)
    generator = random.Random(20240315)
    for _ in range(60):
        data = bytearray(base)
        for _ in range(generator.randint(1, 8)):
            data[generator.randrange(len(data))] = generator.randrange(256)
        path = write(tmp_path / "m.docx", bytes(data))
        try:
            load_text(path)
        except PolicyTextError as error:
            assert_names_file(error, path)


def test_docx_with_broken_xml(tmp_path: Path) -> None:
    data = _rewrite_member(_docx_bytes(tmp_path), "word/document.xml", b"<w:document><w:body><w:p>")
    with pytest.raises(CorruptFileError, match="damaged docx"):
        load_text(write(tmp_path / "broken.docx", data))


def test_docx_without_text(tmp_path: Path) -> None:
    import docx

    path = tmp_path / "blank.docx"
    document = docx.Document()
    document.add_paragraph("")
    document.save(str(path))
    with pytest.raises(EmptyDocumentError, match="no text"):
        load_text(path)


# -- hostile containers ----------------------------------------------------------------------

#: An exponential entity expansion ("billion laughs"), shared with the hardening tests.
ENTITY_BOMB_DTD = """<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
"""
BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n'
    + ENTITY_BOMB_DTD.encode()
    + b"""<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>
"""
)

XXE = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<!DOCTYPE Types [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">&xxe;</Types>
"""


def test_docx_entity_expansion_is_refused(tmp_path: Path) -> None:
    path = write(
        tmp_path / "laughs.docx", _rewrite_member(_docx_bytes(tmp_path), "word/document.xml", BILLION_LAUGHS)
    )
    with pytest.raises(CorruptFileError, match="DOCTYPE/ENTITY") as caught:
        load_text(path)
    assert_names_file(caught.value, path)


def test_docx_external_entity_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path / "xxe.docx", _rewrite_member(_docx_bytes(tmp_path), "[Content_Types].xml", XXE))
    with pytest.raises(CorruptFileError, match="XXE"):
        load_text(path)


def test_docx_zip_bomb_ratio_is_refused(tmp_path: Path) -> None:
    bomb = _rewrite_member(
        _docx_bytes(tmp_path), "", b"", extra={"word/media/padding.bin": bytes(30 * 1024 * 1024)}
    )
    path = write(tmp_path / "bomb.docx", bomb)
    assert path.stat().st_size < 200_000  # 30 MB of zeros squeezed into a small archive
    with pytest.raises(CorruptFileError, match="zip bomb"):
        load_text(path)


def test_docx_zip_bomb_total_size_is_refused(tmp_path: Path) -> None:
    """Declared sizes above the limit are refused from the zip directory, before inflating."""
    docx = _docx_bytes(tmp_path)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        source = zipfile.ZipFile(io.BytesIO(docx))
        for item in source.infolist():
            archive.writestr(item.filename, source.read(item))
        archive.writestr("word/media/small.bin", b"x" * 64)
    data = bytearray(buffer.getvalue())
    # Forge the central-directory entry of the last member: claim 300 MB uncompressed.
    entry = data.rfind(b"PK\x01\x02")
    data[entry + 24 : entry + 28] = (300 * 1024 * 1024).to_bytes(4, "little")
    path = write(tmp_path / "forged.docx", bytes(data))
    with pytest.raises(CorruptFileError, match=r"inflate|zip bomb"):
        load_text(path)


def test_size_limit_is_checked_before_reading(tmp_path: Path) -> None:
    path = write(tmp_path / "n.txt", NOTICE.encode())
    with pytest.raises(FileTooLargeError, match="limit of 100 bytes") as caught:
        load_text(path, max_bytes=100)
    assert_names_file(caught.value, path)
    huge = tmp_path / "huge.txt"
    with open(huge, "wb") as handle:  # sparse: 4 GB on paper, nothing on disk
        handle.truncate(4 * 1024**3)
    with pytest.raises(FileTooLargeError):
        load_text(huge)
    with pytest.raises(FileTooLargeError):
        iter_records(write(tmp_path / "r.jsonl", b'{"text": "x"}\n' * 20), max_bytes=50)


# -- damaged record files ----------------------------------------------------------------------


def test_truncated_gzip_yields_an_error_at_the_end(tmp_path: Path) -> None:
    data = gzip.compress(
        "".join(json.dumps({"text": f"{NOTICE}{i}"}, ensure_ascii=False) + "\n" for i in range(200)).encode()
    )
    path = write(tmp_path / "cut.jsonl.gz", data[: len(data) // 2])
    items = list(iter_records(path))
    assert isinstance(items[-1], CorruptFileError)
    assert all(isinstance(item, RawText) for item in items[:-1]) and len(items) > 10


def test_gzip_bomb_is_stopped(tmp_path: Path) -> None:
    line = json.dumps({"text": "科" * 1000}, ensure_ascii=False).encode() + b"\n"
    path = write(tmp_path / "bomb.jsonl.gz", gzip.compress(line * 2_000))  # 6 MB inflated
    assert path.stat().st_size < 1_000_000
    items = list(iter_records(path, max_bytes=100_000))
    assert isinstance(items[-1], FileTooLargeError)
    assert len(items) < 10_000


def test_empty_record_file(tmp_path: Path) -> None:
    with pytest.raises(EmptyDocumentError, match="no records"):
        iter_records(write(tmp_path / "e.jsonl", b"\n\n"))
    with pytest.raises(EmptyDocumentError):
        iter_records(write(tmp_path / "e.csv", b""))


def test_non_text_value_in_the_text_column(tmp_path: Path) -> None:
    path = write(
        tmp_path / "n.jsonl",
        b'{"text": "\xe9\x80\x9a\xe7\x9f\xa5"}\n{"text": 42}\n{"text": null}\n{"title": "x"}\n',
    )
    kinds = [type(item).__name__ for item in iter_records(path)]
    assert kinds == ["RawText", "RecordError", "EmptyDocumentError", "RecordError"]


def test_damaged_parquet(tmp_path: Path) -> None:
    with pytest.raises(CorruptFileError, match="Parquet"):
        iter_records(write(tmp_path / "bad.parquet", b"PAR1" + bytes(100)))


def test_invalid_utf8_line_in_jsonl(tmp_path: Path) -> None:
    path = write(tmp_path / "n.jsonl", b'{"text": "ok"}\n{"text": "\xb9\xd8"}\n')
    kinds = [type(item).__name__ for item in iter_records(path)]
    assert kinds == ["RawText", "RecordError"]


def test_json_array_named_jsonl_is_refused_as_a_whole(tmp_path: Path) -> None:
    pretty = json.dumps([{"text": NOTICE}, {"text": NOTICE}], ensure_ascii=False, indent=2)
    with pytest.raises(RecordError, match="JSON Lines") as caught:
        iter_records(write(tmp_path / "array.jsonl", pretty.encode()))
    assert "invalid JSON" in caught.value.reason


def test_record_file_where_only_the_first_line_is_bad(tmp_path: Path) -> None:
    good = json.dumps({"text": NOTICE}, ensure_ascii=False)
    items = list(iter_records(write(tmp_path / "p.jsonl", f"oops\n{good}\n{good}\n".encode())))
    assert [type(item).__name__ for item in items] == ["RecordError", "RawText", "RawText"]


def test_gbk_jsonl_gets_an_encoding_hint(tmp_path: Path) -> None:
    lines = "".join(json.dumps({"text": line}, ensure_ascii=False) + "\n" for line in LINES)
    path = write(tmp_path / "gbk.jsonl", lines.encode("gbk"))
    with pytest.raises(RecordError, match="encoding='gb18030'"):
        iter_records(path)
    items = list(iter_records(path, encoding="gb18030"))
    assert [item.text for item in items if isinstance(item, RawText)] == LINES


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    data=st.one_of(
        st.binary(max_size=1024),
        st.sampled_from(
            [b"PK\x03\x04", b"%PDF-1.7\n", b"\x1f\x8b", b"PAR1", b"<html>", b"\xef\xbb\xbf"]
        ).flatmap(lambda head: st.binary(max_size=512).map(lambda tail: head + tail)),
    ),
    suffix=st.sampled_from(
        [".txt", ".md", ".html", ".docx", ".pdf", ".jsonl", ".jsonl.gz", ".csv", ".parquet"]
    ),
)
def test_load_text_on_arbitrary_bytes_only_raises_policytext_errors(
    tmp_path: Path, data: bytes, suffix: str
) -> None:
    path = write(tmp_path / f"fuzz{suffix}", data)
    try:
        raw = load_text(path)
    except PolicyTextError as error:
        assert error.path == str(path)
        return
    assert isinstance(raw, RawText) and raw.text.strip()
