"""The reading layer: every format and encoding into RawText, on fixtures we write ourselves."""

from __future__ import annotations

import functools
import gzip
import hashlib
import io
import json
from pathlib import Path

import pytest

from policytext.errors import EmptyDocumentError, RecordError
from policytext.io import (
    SUPPORTED_SUFFIXES,
    RawText,
    decode_bytes,
    detect_format,
    iter_records,
    load_text,
    looks_traditional,
    to_simplified,
)

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "io"
NOTICE = (FIXTURES / "notice.txt").read_text(encoding="utf-8")
NOTICE_TRADITIONAL = (FIXTURES / "notice_traditional.txt").read_text(encoding="utf-8")
LINES = NOTICE.rstrip("\n").split("\n")
CLAUSE = "（牵头单位：市教育局；配合单位：市财政局、市科技局）"


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


# -- formats by name ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("a.txt", "text"),
        ("A.TXT", "text"),
        ("a.md", "text"),
        ("a.html", "html"),
        ("a.htm", "html"),
        ("a.docx", "docx"),
        ("a.pdf", "pdf"),
        ("a.jsonl", "jsonl"),
        ("laws.jsonl.gz", "jsonl"),
        ("a.csv", "csv"),
        ("a.tsv", "csv"),
        ("a.parquet", "parquet"),
        ("README", "text"),
    ],
)
def test_detect_format_by_suffix(name: str, expected: str) -> None:
    assert detect_format(name) == expected


def test_supported_suffixes_cover_every_format() -> None:
    assert {".txt", ".md", ".html", ".htm", ".docx", ".pdf", ".jsonl", ".jsonl.gz", ".csv", ".parquet"} <= (
        SUPPORTED_SUFFIXES
    )
    assert {detect_format(f"x{suffix}") for suffix in SUPPORTED_SUFFIXES} == {
        "text", "html", "docx", "pdf", "jsonl", "csv", "parquet",
    }  # fmt: skip


# -- plain text in every encoding -----------------------------------------------------------


@pytest.mark.parametrize(
    ("codec", "reported"),
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig"),
        ("gbk", "gb18030"),
        ("gb18030", "gb18030"),
        ("utf-16", "utf-16"),
    ],
)
def test_text_file_in_each_encoding(tmp_path: Path, codec: str, reported: str) -> None:
    data = NOTICE.encode(codec)
    path = write(tmp_path / "notice.txt", data)
    raw = load_text(path)
    assert isinstance(raw, RawText)
    assert raw.text == NOTICE  # BOM removed, text intact
    assert not raw.text.startswith("\ufeff")
    assert raw.source.encoding == reported
    assert raw.source.format == "text"
    assert raw.source.path == str(path)
    assert raw.source.sha256 == hashlib.sha256(data).hexdigest()
    assert raw.source.record is None and raw.source.converted_t2s is False
    assert CLAUSE in raw.text


def test_big5_text_is_not_mistaken_for_gb18030(tmp_path: Path) -> None:
    data = NOTICE_TRADITIONAL.encode("big5")
    data.decode("gb18030")  # the trap: Big5 bytes also decode (into nonsense) as GB18030
    raw = load_text(write(tmp_path / "old.txt", data))
    assert raw.source.encoding == "big5"
    assert raw.text == NOTICE_TRADITIONAL


def test_gbk_text_is_not_mistaken_for_big5() -> None:
    data = NOTICE.encode("gbk")
    text, encoding = decode_bytes(data)
    assert (text, encoding) == (NOTICE, "gb18030")


def test_big5_with_t2s_gives_the_simplified_notice(tmp_path: Path) -> None:
    raw = load_text(write(tmp_path / "old.txt", NOTICE_TRADITIONAL.encode("big5")), t2s=True)
    assert raw.text == NOTICE
    assert raw.source.converted_t2s is True


def test_explicit_encoding_is_used(tmp_path: Path) -> None:
    raw = load_text(write(tmp_path / "n.txt", NOTICE.encode("gbk")), encoding="gbk")
    assert raw.text == NOTICE
    assert raw.source.encoding == "gb18030"  # gbk widened to its superset


def test_utf8_bom_with_explicit_utf8_is_stripped() -> None:
    text, encoding = decode_bytes(NOTICE.encode("utf-8-sig"), encoding="utf-8")
    assert text == NOTICE and encoding == "utf-8-sig"


def test_utf16_without_bom_is_recognised() -> None:
    text, encoding = decode_bytes(NOTICE.encode("utf-16-le"))
    assert text == NOTICE and encoding == "utf-16-le"


def test_strict_decoders_do_not_need_charset_normalizer(monkeypatch: pytest.MonkeyPatch) -> None:
    """UTF-8, GB18030 and Big5 take the strict fast path: the detector is never consulted."""
    import charset_normalizer

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("charset-normalizer called on the fast path")

    monkeypatch.setattr(charset_normalizer, "from_bytes", refuse)
    assert decode_bytes(NOTICE.encode("utf-8"))[1] == "utf-8"
    assert decode_bytes(NOTICE.encode("gbk"))[1] == "gb18030"
    assert decode_bytes(NOTICE_TRADITIONAL.encode("big5"))[1] == "big5"


def test_charset_normalizer_is_the_last_resort() -> None:
    text = "Отчёт о работе правительства: образование, наука и кадры. " * 20
    decoded, encoding = decode_bytes(text.encode("koi8-r"))
    assert decoded == text
    assert encoding.startswith("koi8")


def test_markdown_is_read_as_text(tmp_path: Path) -> None:
    raw = load_text(write(tmp_path / "law.md", ("# 青禾市科普条例\n\n" + NOTICE).encode()))
    assert raw.source.format == "text"
    assert raw.text.startswith("# 青禾市科普条例")


# -- traditional → simplified ---------------------------------------------------------------


def test_to_simplified_and_looks_traditional() -> None:
    assert to_simplified(NOTICE_TRADITIONAL) == NOTICE
    assert to_simplified("") == ""
    assert looks_traditional(NOTICE_TRADITIONAL)
    assert not looks_traditional(NOTICE)
    assert not looks_traditional("短")  # too short to tell


def test_traditional_text_without_t2s_warns(tmp_path: Path) -> None:
    raw = load_text(FIXTURES / "notice_traditional.txt")
    assert raw.text == NOTICE_TRADITIONAL
    assert any("t2s=True" in warning for warning in raw.warnings)
    converted = load_text(FIXTURES / "notice_traditional.txt", t2s=True)
    assert converted.text == NOTICE and converted.source.converted_t2s
    assert not converted.warnings
    assert not load_text(FIXTURES / "notice.txt").warnings


# -- HTML -----------------------------------------------------------------------------------


def test_html_main_text_without_clutter() -> None:
    raw = load_text(FIXTURES / "notice.html")
    text = raw.text
    assert raw.source.format == "html" and raw.source.encoding == "utf-8"
    lines = text.split("\n")
    assert lines[0] == "关于开展校园科普周活动的通知"  # the <h1> outside the container is put back on top
    assert "（牵头单位：市教育局；配合单位：市科协、市财政局）" in text
    assert "2024年3月15日" in lines[-1]
    for clutter in ("不应出现", "脚本输出", "政务公开", "当前位置", "字号", "打印", "收藏", "分享",
                    "相关解读", "一图读懂", "热点专题", "网站标识码", "浏览次数"):  # fmt: skip
        assert clutter not in text, clutter
    # block elements become lines, table rows tab-separated lines, <br> a line break
    assert "序号\t活动名称\t责任单位" in lines
    assert "1\t科普讲座\t市教育局" in lines
    assert "（牵头单位：市科技局）" in lines
    assert raw.metadata["html_title"] == "关于开展校园科普周活动的通知_青禾市人民政府门户网站"
    assert raw.metadata["html_meta"]["PubDate"] == "2024-03-18 09:30"
    assert raw.metadata["html_container"] == "div#zoom"


def test_html_policy_library_page_fields_and_container() -> None:
    """A gov.cn-style 政策文件库 page: 信息公开 table as metadata, toolbar and 相关链接 inside the container."""
    raw = load_text(FIXTURES / "zhengceku.html")
    assert raw.text.split("\n") == LINES
    assert raw.metadata["html_container"] == "div#UCAP-CONTENT"
    assert raw.metadata["html_fields"] == {
        "索引号": "00000000X/2024-00012",
        "主题分类": "教育",
        "发文机关": "青禾市教育局",
        "成文日期": "2024年03月15日",
        "标题": LINES[0],
        "发文字号": "青教发〔2024〕12号",
        "发布日期": "2024年03月18日",
    }
    assert raw.metadata["html_meta"]["ContentSource"] == "青禾市教育局"


def test_html_container_found_by_chinese_text_density(tmp_path: Path) -> None:
    """No telling ids or classes: the block holding most of the Chinese text wins."""
    links = "".join(f"<li><a href='/n{i}'>青禾新闻第{i}条动态信息</a></li>" for i in range(12))
    paragraphs = "".join(f"<p>{line}</p>" for line in LINES)
    page = (
        "<html><head><title>通知</title></head><body>"
        f"<div class='l1'><ul>{links}</ul></div>"
        f"<div class='r2'><div class='x9'>{paragraphs}</div></div>"
        "<div class='b3'>版权所有：青禾市人民政府</div></body></html>"
    )
    raw = load_text(write(tmp_path / "page.htm", page.encode("utf-8")))
    assert raw.text.split("\n") == LINES
    assert raw.metadata["html_container"] == "div.x9"


def test_html_sentence_that_starts_like_a_footer_is_kept(tmp_path: Path) -> None:
    """相关政策… can open a sentence of the 附则; only a short label line ends the page."""
    body = [*LINES, "相关政策与本通知不一致的，以本通知为准。", "本通知自印发之日起施行。"]
    paragraphs = "".join(f"<p>{line}</p>" for line in body)
    page = (
        "<html><head><title>通知</title></head><body>"
        f"<div id='zoom'>{paragraphs}<p>相关链接：</p><p>青禾市人民政府门户网站首页</p></div></body></html>"
    )
    raw = load_text(write(tmp_path / "page.html", page.encode("utf-8")))
    assert raw.text.split("\n") == body


def test_html_table_layout_page() -> None:
    """Old sites lay pages out with tables: the content cell keeps its lines, the td.bt title comes back."""
    raw = load_text(FIXTURES / "table_layout.html")
    assert raw.text.split("\n") == LINES
    assert raw.metadata["html_container"] == "td#zw"


def test_html_layout_cell_without_names_keeps_paragraphs(tmp_path: Path) -> None:
    cells = "".join(f"<p>{line}</p>" for line in LINES[1:])
    page = (
        f"<html><head><title>{LINES[0]}</title></head><body><table><tr><td>菜单</td><td>"
        f"<h2>{LINES[0]}</h2>{cells}<table><tr><td>序号</td><td>任务</td></tr><tr><td>1</td><td>讲座</td></tr></table>"
        "</td></tr></table></body></html>"
    )
    raw = load_text(write(tmp_path / "layout.html", page.encode()))
    lines = raw.text.split("\n")
    assert lines[: len(LINES)] == LINES
    assert lines[len(LINES) :] == ["序号\t任务", "1\t讲座"]


def test_html_declared_gbk_charset(tmp_path: Path) -> None:
    page = f"<html><head><meta http-equiv='Content-Type' content='text/html; charset=gb2312'></head><body><div class='content'><p>{NOTICE}</p></div></body></html>"
    raw = load_text(write(tmp_path / "gbk.html", page.encode("gbk")))
    assert raw.source.encoding == "gb18030"
    assert CLAUSE in raw.text


def test_html_inside_txt_is_read_as_html(tmp_path: Path) -> None:
    page = (FIXTURES / "notice.html").read_bytes()
    raw = load_text(write(tmp_path / "saved_page.txt", page))
    assert raw.source.format == "html"
    assert "不应出现" not in raw.text
    assert any("HTML" in warning for warning in raw.warnings)


def test_text_mentioning_tags_stays_text(tmp_path: Path) -> None:
    text = NOTICE + "附：网页中的<p>标签和<div>标签不影响正文。\n"
    raw = load_text(write(tmp_path / "n.txt", text.encode()))
    assert raw.source.format == "text"
    assert raw.text == text


# -- docx -------------------------------------------------------------------------------------


def make_docx(path: Path, *, with_table: bool = True) -> Path:
    import docx

    document = docx.Document()
    document.core_properties.title = "青禾市科学教育通知"
    lines = LINES
    for line in lines[:6]:
        document.add_paragraph(line)
    if with_table:
        table = document.add_table(rows=3, cols=3)
        for r, row in enumerate(
            [
                ("序号", "任务", "牵头单位"),
                ("1", "开齐科学课程", "市教育局"),
                ("2", "设立专项资金", "市财政局"),
            ]
        ):
            for c, value in enumerate(row):
                table.cell(r, c).text = value
        table.cell(1, 1).add_paragraph("（2025年底前）")
    for line in lines[6:]:
        document.add_paragraph(line)
    document.save(str(path))
    return path


def test_docx_paragraphs_and_tables_in_document_order(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "notice.docx")
    raw = load_text(path)
    lines = raw.text.split("\n")
    assert raw.source.format == "docx" and raw.source.encoding is None
    assert raw.source.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert lines[0] == "关于推进青禾市中小学科学教育提质增效的通知"
    header_row = lines.index("序号\t任务\t牵头单位")
    assert lines[header_row - 1] == LINES[5]  # the table sits where it was placed
    assert lines[header_row + 1] == "1\t开齐科学课程 （2025年底前）\t市教育局"
    assert lines[header_row + 3] == LINES[6]
    assert CLAUSE in raw.text
    assert raw.metadata["docx_title"] == "青禾市科学教育通知"


def test_docx_named_txt_is_read_as_docx(tmp_path: Path) -> None:
    make_docx(tmp_path / "n.docx")
    renamed = write(tmp_path / "n.txt", (tmp_path / "n.docx").read_bytes())
    raw = load_text(renamed)
    assert raw.source.format == "docx"
    assert CLAUSE in raw.text
    assert any("docx" in warning for warning in raw.warnings)


def _numbered_docx(path: Path) -> Path:
    """A docx whose 一、/（一） labels come from Word's multilevel list, not from the text."""
    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    document = docx.Document()
    numbering = document.part.numbering_part.element
    numbering.insert(0, parse_xml(
        f"<w:abstractNum {nsdecls('w')} w:abstractNumId='90'>"
        "<w:lvl w:ilvl='0'><w:start w:val='1'/><w:numFmt w:val='chineseCounting'/><w:suff w:val='nothing'/>"
        "<w:lvlText w:val='%1、'/></w:lvl>"
        "<w:lvl w:ilvl='1'><w:start w:val='1'/><w:numFmt w:val='chineseCounting'/><w:suff w:val='nothing'/>"
        "<w:lvlText w:val='（%2）'/></w:lvl>"
        "<w:lvl w:ilvl='2'><w:start w:val='1'/><w:numFmt w:val='decimal'/><w:lvlText w:val='%3.'/></w:lvl>"
        "</w:abstractNum>"
    ))  # fmt: skip
    numbering.append(parse_xml(f"<w:num {nsdecls('w')} w:numId='90'><w:abstractNumId w:val='90'/></w:num>"))
    items = [(0, "总体要求"), (1, "加强统筹协调。（牵头单位：市教育局）"), (1, "完善课程体系。"), (2, "开齐科学课"),
             (0, "保障措施"), (1, "强化经费保障。（牵头单位：市财政局）")]  # fmt: skip
    document.add_paragraph("关于推进科学教育的通知")
    for level, text in items:
        paragraph = document.add_paragraph(text)
        paragraph._p.get_or_add_pPr().append(parse_xml(
            f"<w:numPr {nsdecls('w')}><w:ilvl w:val='{level}'/><w:numId w:val='90'/></w:numPr>"
        ))  # fmt: skip
    document.add_paragraph("加强统筹", style="List Number")  # style-based numbering of the template
    document.save(str(path))
    return path


def test_docx_word_numbering_labels_are_rendered(tmp_path: Path) -> None:
    raw = load_text(_numbered_docx(tmp_path / "numbered.docx"))
    assert raw.text.split("\n") == [
        "关于推进科学教育的通知",
        "一、总体要求",
        "（一）加强统筹协调。（牵头单位：市教育局）",
        "（二）完善课程体系。",
        "1.开齐科学课",
        "二、保障措施",
        "（一）强化经费保障。（牵头单位：市财政局）",
        "1.加强统筹",
    ]


# -- PDF -------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=8)
def pdf_bytes(pages: tuple[tuple[str, ...], ...]) -> bytes:
    """A PDF with a real text layer: matplotlib with Noto Sans SC embedded as TrueType (fonttype 42).

    A line starting with a tab is indented by two characters, like the first line of a paragraph.

    Cached: embedding the font takes a second or two and several tests need the same file.
    """
    import matplotlib as mpl
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties
    from pylopdf_fonts_zh_cn import sans_path

    font = FontProperties(fname=str(sans_path()))
    buffer = io.BytesIO()
    with mpl.rc_context({"pdf.fonttype": 42}), PdfPages(buffer) as pdf:
        for number, lines in enumerate(pages, start=1):
            figure = Figure(figsize=(8.27, 11.69))
            for row, line in enumerate(lines):
                indent = 0.037 if line.startswith("\t") else 0.0  # two 11 pt characters on A4
                figure.text(
                    0.08 + indent, 0.92 - row * 0.04, line.lstrip("\t"), fontproperties=font, fontsize=11
                )
            if lines:
                figure.text(0.5, 0.04, f"- {number} -", fontproperties=font, fontsize=9)
            pdf.savefig(figure)
    return buffer.getvalue()


def make_pdf(path: Path, pages: list[list[str]]) -> Path:
    return write(path, pdf_bytes(tuple(tuple(lines) for lines in pages)))


@pytest.fixture(scope="module")
def notice_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    lines = LINES
    return make_pdf(tmp_path_factory.mktemp("pdf") / "notice.pdf", [lines[:7], lines[7:]])


def test_pdf_text_layer_with_chinese(notice_pdf: Path) -> None:
    raw = load_text(notice_pdf)
    assert raw.source.format == "pdf"
    assert raw.text.split("\n") == LINES  # both pages, in order, page numbers dropped
    assert raw.metadata["pdf_pages"] == 2
    assert not raw.warnings


WRAPPED_1 = (
    "（一）加强统筹协调。建立市级科学教育联席会议制度，每半年召开一次会议，研究解决科学教育发展中的"
    "重点难点问题，推动各项任务落地见效。（牵头单位：市教育局；配合单位：市财政局、市科技局）"
)
WRAPPED_2 = (
    "（二）完善课程体系。全市中小学科学课程开齐开足，鼓励学校开发具有地方特色的科学校本课程，组织学生"
    "走进科研院所和科技企业开展研学实践。（牵头单位：市教育局）"
)


def _wrap(paragraph: str, width: int = 30) -> list[str]:
    """Lines as a justified PDF shows them: first line indented by two characters."""
    lines = ["\t" + paragraph[: width - 2]]
    rest = paragraph[width - 2 :]
    lines += [rest[i : i + width] for i in range(0, len(rest), width)]
    return lines


def test_pdf_wrapped_lines_are_joined_into_paragraphs(tmp_path: Path) -> None:
    first, second = _wrap(WRAPPED_1), _wrap(WRAPPED_2)
    assert len(first) >= 3 and len(second) >= 3
    # the second paragraph breaks across the page: its last lines go to page 2
    pages = [["一、总体要求", *first, *second[:2]], [*second[2:], "二、保障措施"]]
    raw = load_text(make_pdf(tmp_path / "wrapped.pdf", pages))
    assert raw.text.split("\n") == ["一、总体要求", WRAPPED_1, WRAPPED_2, "二、保障措施"]
    assert raw.metadata["pdf_wrapped_lines_joined"] == len(first) - 1 + len(second) - 1


def test_pdf_named_txt_is_read_as_pdf(tmp_path: Path, notice_pdf: Path) -> None:
    raw = load_text(write(tmp_path / "notice.txt", notice_pdf.read_bytes()))
    assert raw.source.format == "pdf"
    assert CLAUSE in raw.text


def test_pdf_page_without_text_layer_is_reported(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "mixed.pdf", [LINES[:3], []])
    raw = load_text(path)
    assert raw.text.startswith("关于推进青禾市")
    assert any("page(s) 2" in warning for warning in raw.warnings)


# -- records ----------------------------------------------------------------------------------

RECORDS = [
    {"title": "关于推进科学教育的通知", "issuer": "青禾市教育局", "date": "2024-03-15", "level": "municipal",
     "region": "青禾市", "source": "示例", "content": NOTICE},
    {"title": "關於推進科學教育的通知", "issuer": "青禾市教育局", "date": "2024-03-16", "level": "municipal",
     "region": "青禾市", "source": "示例", "content": NOTICE_TRADITIONAL},
    {"title": "空白", "issuer": "青禾市教育局", "date": "2024-03-17", "level": "municipal",
     "region": "青禾市", "source": "示例", "content": "  \n"},
]  # fmt: skip


def write_jsonl(path: Path, records: list[dict], *, compress: bool = False) -> Path:
    data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode()
    return write(path, gzip.compress(data) if compress else data)


@pytest.mark.parametrize("name", ["policies.jsonl", "policies.jsonl.gz"])
def test_jsonl_records(tmp_path: Path, name: str) -> None:
    path = write_jsonl(tmp_path / name, RECORDS, compress=name.endswith(".gz"))
    items = list(iter_records(path))
    assert len(items) == 3
    first, second, third = items
    assert isinstance(first, RawText) and isinstance(second, RawText)
    assert first.text == NOTICE
    assert first.metadata == {k: v for k, v in RECORDS[0].items() if k != "content"}
    assert first.source.record == 0 and second.source.record == 1
    assert first.source.format == "jsonl" and first.source.encoding == "utf-8"
    assert first.source.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert any("t2s" in w for w in second.warnings)
    assert isinstance(third, EmptyDocumentError) and "record 2" in str(third) and str(path) in str(third)


def test_jsonl_records_with_t2s(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "p.jsonl", RECORDS[:2])
    texts = [item.text for item in iter_records(path, t2s=True) if isinstance(item, RawText)]
    assert texts == [NOTICE, NOTICE]


def test_bad_json_line_does_not_stop_the_file(tmp_path: Path) -> None:
    good = json.dumps({"text": NOTICE}, ensure_ascii=False)
    path = write(tmp_path / "p.jsonl", f'{good}\n{{"text": "broken\n\n[1, 2]\n{good}\n'.encode())
    items = list(iter_records(path))
    assert [type(item).__name__ for item in items] == ["RawText", "RecordError", "RecordError", "RawText"]
    assert "record 1 (line 2): invalid JSON" in str(items[1])
    assert "not an object" in str(items[2])
    assert items[3].source.record == 3  # type: ignore[union-attr]


def test_default_text_column_order_and_explicit_column(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "p.jsonl", [{"标题": "通知", "正文": NOTICE, "摘要": "科学教育"}])
    raw = next(iter(iter_records(path)))
    assert (
        isinstance(raw, RawText)
        and raw.text == NOTICE
        and raw.metadata == {"标题": "通知", "摘要": "科学教育"}
    )
    other = next(iter(iter_records(path, text_column="摘要")))
    assert isinstance(other, RawText) and other.text == "科学教育" and "正文" in other.metadata


def test_missing_text_column_is_reported_before_iteration(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "p.jsonl", [{"title": "通知", "fulltext": NOTICE}])
    with pytest.raises(RecordError, match="title, fulltext"):
        iter_records(path)
    with pytest.raises(RecordError, match="'正文'"):
        iter_records(path, text_column="正文")


def test_load_text_selects_a_record(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "p.jsonl", RECORDS)
    raw = load_text(path, record=1, t2s=True)
    assert raw.text == NOTICE and raw.source.record == 1 and raw.source.converted_t2s
    assert raw.metadata["title"] == "關於推進科學教育的通知"
    with pytest.raises(RecordError, match="record=N"):
        load_text(path)
    with pytest.raises(RecordError, match="fewer than 8"):
        load_text(path, record=7)
    with pytest.raises(EmptyDocumentError, match="record 2"):
        load_text(path, record=2)
    single = write_jsonl(tmp_path / "one.jsonl", RECORDS[:1])
    assert load_text(single).text == NOTICE


@pytest.mark.parametrize("codec", ["utf-8-sig", "gbk"])
def test_csv_records(tmp_path: Path, codec: str) -> None:
    import pandas as pd

    frame = pd.DataFrame(RECORDS[:2])
    path = write(tmp_path / "p.csv", frame.to_csv(index=False).encode(codec))
    items = list(iter_records(path))
    assert [item.text for item in items if isinstance(item, RawText)] == [NOTICE, NOTICE_TRADITIONAL]
    first = items[0]
    assert isinstance(first, RawText)
    assert first.metadata["issuer"] == "青禾市教育局" and first.metadata["date"] == "2024-03-15"
    assert first.source.format == "csv"
    assert load_text(path, record=1).source.record == 1


def test_parquet_records(tmp_path: Path) -> None:
    import datetime as dt

    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table(
        {"body": [NOTICE, NOTICE_TRADITIONAL], "title": ["甲", "乙"], "date": [dt.date(2024, 3, 15), None]}
    )
    path = tmp_path / "p.parquet"
    pq.write_table(table, path)
    items = list(iter_records(path, t2s=True))
    assert all(isinstance(item, RawText) for item in items)
    assert [item.text for item in items] == [NOTICE, NOTICE]  # type: ignore[union-attr]
    assert items[0].metadata == {"title": "甲", "date": "2024-03-15"}  # type: ignore[union-attr]
    assert load_text(path, record=1, t2s=True).metadata["title"] == "乙"


# -- shared public corpora (by path, never copied) --------------------------------------------


@pytest.mark.shared
def test_shared_central_shandong_policies(shared: Path) -> None:
    path = shared / "central_shandong_ai" / "policies_central_shandong.jsonl"
    items = list(iter_records(path, text_column="content"))
    assert len(items) == 212
    good = [item for item in items if isinstance(item, RawText)]
    assert len(good) >= 210
    assert {item.metadata["admin_level_guess"] for item in good} >= {"national", "provincial"}
    assert all("content" not in item.metadata and item.metadata["release_time"] for item in good)
    assert sum("单位" in item.text for item in good) > 50


@pytest.mark.shared
def test_shared_laws_stream_quickly(shared: Path) -> None:
    import time

    start = time.perf_counter()
    count = chars = 0
    for item in iter_records(shared / "laws" / "lawrefbook_laws.jsonl.gz", text_column="text"):
        assert isinstance(item, RawText), item
        count += 1
        chars += len(item.text)
    elapsed = time.perf_counter() - start
    assert count == 3423
    assert chars > 20_000_000
    assert elapsed < 30  # about 2 s on a laptop; generous for a busy CI runner


@pytest.mark.shared
def test_shared_1954_report_converted_to_simplified(shared: Path) -> None:
    path = shared / "national" / "government_work_reports.jsonl"
    index = next(
        item.source.record
        for item in iter_records(path)
        if isinstance(item, RawText) and item.metadata.get("year") == "1954"
    )
    raw = load_text(path, record=index)
    assert looks_traditional(raw.text) and any("t2s" in w for w in raw.warnings)
    simplified = load_text(path, record=index, t2s=True)
    assert simplified.source.converted_t2s and not looks_traditional(simplified.text)
    assert "们" in simplified.text and "們" not in simplified.text
    assert "全国人民代表大会" in simplified.text
    assert len(simplified.text) == len(raw.text)


@pytest.mark.parametrize(
    ("number", "fmt", "expected"),
    [(1, "chineseCounting", "一"), (10, "chineseCounting", "十"), (23, "chineseCounting", "二十三"),
     (105, "chineseCounting", "一百零五"), (3, "chineseLegalSimplified", "叁"), (2, "ideographTraditional", "乙"),
     (4, "decimalEnclosedCircle", "④"), (12, "upperRoman", "XII"), (27, "lowerLetter", "aa"),
     (7, "decimal", "7"), (7, "decimalFullWidth", "７")],
)  # fmt: skip
def test_word_number_formats(number: int, fmt: str, expected: str) -> None:
    from policytext.io.docx_numbering import format_number

    assert format_number(number, fmt) == expected


# -- read_records: empty documents and the errors option ---------------------------------------


def test_read_records_refuses_a_record_of_page_clutter_only(tmp_path: Path) -> None:
    import policytext

    path = write_jsonl(tmp_path / "p.jsonl", [{"text": "下载 打印 【字号：大 中 小】"}, {"text": NOTICE}])
    first, second = list(policytext.read_records(path, errors="yield"))
    assert isinstance(first, EmptyDocumentError)
    assert "record 0" in str(first) and str(path) in str(first)
    assert isinstance(second, policytext.PolicyDocument) and second.text
    with pytest.raises(EmptyDocumentError, match="record 0"):
        list(policytext.read_records(path))


def test_read_records_rejects_an_unknown_errors_option(tmp_path: Path) -> None:
    import policytext
    from policytext.errors import ConfigurationError

    path = write_jsonl(tmp_path / "p.jsonl", [{"text": NOTICE}])
    with pytest.raises(ConfigurationError, match="errors must be"):
        list(policytext.read_records(path, errors="skip"))
