"""Reports: the HTML/Markdown files, their tables and charts, exports, escaping and the CLI."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st

import policytext
from policytext._util import sha256_file
from policytext.cli import main
from policytext.errors import PolicyTextError
from policytext.model import Role, Span
from policytext.report import tables as T
from policytext.report.alignment_view import highlight

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "report"
UNSAFE = FIXTURES / "unsafe_plan.txt"
EXTRACTS = "national/extracts"


@pytest.fixture(scope="module")
def default_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``policytext report`` with no arguments, run in an empty folder."""
    folder = tmp_path_factory.mktemp("default")
    import os

    cwd = os.getcwd()
    os.chdir(folder)
    try:
        assert main(["report", "-q"]) == 0
    finally:
        os.chdir(cwd)
    return folder / "report.html"


@pytest.fixture(scope="module")
def soup(default_report: Path) -> BeautifulSoup:
    return BeautifulSoup(default_report.read_text(encoding="utf-8"), "html.parser")


@pytest.fixture(scope="module")
def unsafe_html(tmp_path_factory: pytest.TempPathFactory) -> str:
    out = tmp_path_factory.mktemp("unsafe") / "unsafe.html"
    policytext.report(UNSAFE, output=out, embed_font=False)
    return out.read_text(encoding="utf-8")


# -- the default run ---------------------------------------------------------------------------


def test_default_run_writes_report_html_in_current_folder(default_report: Path) -> None:
    assert default_report.is_file()
    html = default_report.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    # self-contained: no external resource of any kind
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "<link" not in html


def test_document_card_shows_header_and_counts(soup: BeautifulSoup, plan) -> None:
    card = {
        th.get_text(): td.get_text()
        for th, td in (tr.find_all(["th", "td"]) for tr in soup.select("#table-document tr"))
    }
    assert card["标题 Title"] == plan.header.title
    assert card["成文日期 Date"] == "2025-02-08"
    assert card["层级 Level"] == "municipal"
    assert card["措施 Measures"] == str(len(plan.measures)) == "20"
    assert card["部分 Sections"] == "5"


def test_measure_table_has_one_row_per_measure_in_document_order(soup: BeautifulSoup, plan) -> None:
    rows = soup.select("#table-measures tbody tr")
    assert len(rows) == 20
    numbers = [row.find("td").get_text() for row in rows]
    assert numbers == ["".join(m.path) for m in plan.measures]
    # the number column sorts by document order, not by the Unicode order of 一二三
    keys = [row.find("td")["data-sort"] for row in rows]
    assert keys == sorted(keys)
    headers = [th.get_text() for th in soup.select("#table-measures thead th")]
    assert headers[:3] == ["编号 No.", "部分 Section", "措施 Measure"]
    hint = soup.select_one("#measures p.hint").get_text()
    for label, present in (
        ("时限 Deadlines", any(m.deadlines for m in plan.measures)),
        ("目标 Targets", any(m.targets for m in plan.measures)),
        ("牵头单位 Lead", any(m.lead_units for m in plan.measures)),
    ):
        assert (label in headers) == present and (label in hint) == (not present)
    # (八) carries the target 不低于10年
    eighth = rows[7].get_text()
    assert "不低于10年" in eighth


def test_responsibility_heatmap_has_one_coloured_cell_per_unit(soup: BeautifulSoup, plan) -> None:
    svg = soup.select_one("#chart-responsibility svg")
    assert svg is not None
    titled = [rect for rect in svg.find_all("rect") if rect.find("title")]
    pairs = {(i, u.name) for i, m in enumerate(plan.measures) for u in m.units}
    assert len(titled) == len(pairs)
    tips = [rect.find("title").get_text() for rect in titled]
    assert any("市科技局" in tip and "（六）" in tip for tip in tips)
    # column labels are SVG text, not paths
    labels = {t.get_text() for t in svg.find_all("text")}
    assert {"市科技局", "市委组织部", "市教育局"} <= labels


def test_agency_load_matches_the_units_of_the_plan(soup: BeautifulSoup, plan) -> None:
    units = plan.units_frame()
    expected = units.groupby("name")["measure"].nunique()
    rows = soup.select("#table-agency-load tbody tr")
    shown = {r.find_all("td")[0].get_text(): int(r.find_all("td")[-1].get_text()) for r in rows}
    assert shown == expected.to_dict()
    assert rows[0].find_all("td")[0].get_text() == expected.idxmax()


def test_no_upper_documents_gives_a_note_on_against(soup: BeautifulSoup) -> None:
    section = soup.select_one("#alignment")
    assert section is not None and "--against" in section.get_text()
    assert soup.select_one("#coverage") is None


def test_provenance_lists_version_inputs_with_sha256_and_time(soup: BeautifulSoup, plan_path: Path) -> None:
    footer = soup.select_one("#provenance")
    text = footer.get_text()
    assert f"policytext {policytext.__version__}" in text
    assert sha256_file(plan_path) in text
    assert re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", text)
    assert "top_keywords=20" in text


def test_charts_keep_text_as_text_and_font_is_embedded(default_report: Path) -> None:
    html = default_report.read_text(encoding="utf-8")
    assert "@font-face" in html and "data:font/otf;base64," in html
    assert "<svg" in html and "<path" not in html  # hand-built charts: rects and text only


def test_only_our_script_runs(soup: BeautifulSoup) -> None:
    scripts = soup.find_all("script")
    assert len(scripts) == 1 and not scripts[0].get("src")


# -- escaping ----------------------------------------------------------------------------------


def test_document_text_is_escaped_everywhere(unsafe_html: str) -> None:
    assert unsafe_html.count("<script") == 1  # ours only
    assert "<b>领导" not in unsafe_html and "<img" not in unsafe_html
    assert "&lt;script&gt;document.title=" in unsafe_html
    assert "&lt;b&gt;领导&lt;/b&gt;" in unsafe_html
    soup = BeautifulSoup(unsafe_html, "html.parser")
    assert "<script>" in soup.select_one("header.top h1").get_text()
    assert "A|B管道&测试" in soup.select_one("#table-measures").get_text()


def test_markdown_escapes_html_and_pipes(tmp_path: Path) -> None:
    out = policytext.report(UNSAFE, output=tmp_path / "r.md")
    text = out.read_text(encoding="utf-8")
    assert "<script" not in text and "<b>" not in text
    assert "&lt;script&gt;" in text
    assert "A\\|B管道&amp;测试" in text
    section = text.split("## 措施一览 Measures")[1].split("\n## ")[0]
    table = [line for line in section.splitlines() if line.startswith("| 一、（")]
    assert len(table) == 2 and all(line.count(" | ") == table[0].count(" | ") for line in table)


# -- markdown and exports ----------------------------------------------------------------------


def test_markdown_report_has_every_table(tmp_path: Path, plan) -> None:
    out = policytext.report(plan, output=tmp_path / "plan.md")
    text = out.read_text(encoding="utf-8")
    for heading in (
        "## 文件概况 Document",
        "## 措施一览 Measures",
        "## 单位任务量 Agency load",
        "## 责任矩阵",
    ):
        assert heading in text
    section = text.split("## 措施一览 Measures")[1].split("\n## ")[0]
    measure_rows = [line for line in section.splitlines() if re.match(r"\| [一二三四五]、（", line)]
    assert len(measure_rows) == 20
    assert "## 来源与参数 Provenance" in text


def test_xlsx_and_csv_export_every_table(tmp_path: Path, plan) -> None:
    from openpyxl import load_workbook

    policytext.report(
        plan, output=tmp_path / "r.html", xlsx=tmp_path / "t.xlsx", csv_dir=tmp_path / "csv", embed_font=False
    )
    book = load_workbook(tmp_path / "t.xlsx")
    assert {"document", "measures", "responsibility", "agency_load"} <= set(book.sheetnames)
    measures = book["measures"]
    assert measures.max_row == 21 and measures["A1"].value == "编号 No."
    frame = pd.read_csv(tmp_path / "csv" / "measures.csv", encoding="utf-8-sig")
    assert list(frame["number"]) == ["".join(m.path) for m in plan.measures]
    assert (tmp_path / "csv" / "measures.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert set(book.sheetnames) == {p.stem for p in (tmp_path / "csv").glob("*.csv")}


def test_xlsx_never_turns_document_text_into_a_formula(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    frame = pd.DataFrame({"text": ['=HYPERLINK("http://x")', "ok\x07bell"], "n": [1, 2]})
    T.write_xlsx({"t": frame}, tmp_path / "f.xlsx")
    sheet = load_workbook(tmp_path / "f.xlsx")["t"]
    assert sheet["A2"].data_type == "s" and sheet["A2"].value.startswith("=HYPERLINK")
    assert sheet["A3"].value == "okbell"
    assert sheet["B3"].value == 2


def test_csv_into_a_file_is_a_one_line_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(PolicyTextError, match="folder"):
        T.write_csv({"t": pd.DataFrame({"a": [1]})}, blocker)


def test_document_without_measures_still_gives_a_report(tmp_path: Path) -> None:
    doc = policytext.parse_text("关于做好测试工作的通知\n各单位要高度重视测试工作，认真抓好落实。")
    html = policytext.report(doc, output=tmp_path / "e.html", embed_font=False).read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    assert soup.select_one("#table-measures") is None and "No measures were found" in soup.get_text()
    assert "No responsible units were found." in soup.select_one("#responsibility").get_text()
    md = policytext.report(doc, output=tmp_path / "e.md").read_text(encoding="utf-8")
    assert "> No measures were found" in md and "`policytext report PLAN --against" in md


# -- tables ------------------------------------------------------------------------------------


def test_responsibility_matrix_distinguishes_lead_and_support() -> None:
    doc = policytext.read(UNSAFE)
    matrix = T.responsibility_matrix(doc)
    first = matrix.iloc[0]
    assert first["市教育局"] == "lead" and first["市财政局"] == "support" and first["市科技局"] == "support"
    assert matrix.iloc[1]["市科技局"] == "unspecified"
    load = T.agency_load(doc).set_index("agency")
    assert load.loc["市财政局", "lead"] == 1 and load.loc["市财政局", "support"] == 1
    assert load.loc["市财政局", "measures"] == 2
    assert list(load.index[:2]) == ["市财政局", "市教育局"]  # leaders first, then by measures


def test_overview_sums_up_units_deadlines_and_targets(plan) -> None:
    lines = T.overview(policytext.read(UNSAFE))
    assert lines[0].startswith("共2个部分、3项措施，涉及3个责任单位。")
    assert "牵头最多：市财政局（1项）、市教育局（1项）" in lines[1]
    assert "有明确时限的措施1项，有量化目标的措施1项" in lines[-1]
    busiest = T.agency_load(plan).sort_values("measures", ascending=False, kind="stable").iloc[0]
    assert any(f"{busiest.agency}（{busiest.measures}项）" in line for line in T.overview(plan))


def test_canonical_agency_names(plan) -> None:
    matrix = T.responsibility_matrix(plan, by="canonical")
    assert "市经济和信息化局" in matrix.columns and "市经信局" not in matrix.columns
    with pytest.raises(PolicyTextError):
        T.responsibility_matrix(plan, by="nickname")


def test_highlight_merges_and_clips_spans() -> None:
    segments = highlight("abcdefghij", 100, [Span(102, 104), Span(103, 106), Span(95, 101), Span(120, 130)])
    assert [(s.text, s.mark) for s in segments] == [
        ("a", True),
        ("b", False),
        ("cdef", True),
        ("ghij", False),
    ]


# -- API and CLI errors ------------------------------------------------------------------------


def test_format_follows_suffix_and_bad_format_is_refused(tmp_path: Path, plan) -> None:
    assert policytext.report(plan, output=tmp_path / "x.md").read_text(encoding="utf-8").startswith("# ")
    with pytest.raises(PolicyTextError, match="format"):
        policytext.report(plan, output=tmp_path / "x.html", format="pdf")


def test_output_in_a_new_folder_and_refusal_of_a_folder(tmp_path: Path, plan) -> None:
    out = policytext.report(plan, output=tmp_path / "new" / "deep" / "r.html", embed_font=False)
    assert out.is_file()
    with pytest.raises(PolicyTextError, match="folder"):
        policytext.report(plan, output=tmp_path / "new", embed_font=False)


@pytest.mark.parametrize(
    "argv, message",
    [
        (["report", "no/such/plan.txt"], "file not found"),
        (["report", "-q", "--against", "missing_upper.txt"], "file not found"),
        (["report", "-q", "--top", "0"], "--top"),
    ],
)
def test_cli_bad_input_is_one_line_and_exit_2(argv, message, capsys, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    errors = [line for line in err.splitlines() if line.startswith("policytext: error:")]
    assert len(errors) == 1 and message in errors[0] and err.endswith(errors[0])
    assert "Traceback" not in err
    assert not (tmp_path / "report.html").exists()


def test_cli_help_has_examples(capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["report", "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert "examples:" in out and "--against" in out and "policytext report plan.txt" in out


def test_cli_progress_goes_to_stderr_and_result_to_stdout(capsys, tmp_path, monkeypatch, plan_path) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["report", str(plan_path), "--format", "md", "--csv", "tables"]) == 0
    captured = capsys.readouterr()
    assert captured.out.strip() == "wrote report.md (tables: tables)"
    assert f"reading {plan_path}" in captured.err and "extracting keywords" in captured.err
    assert (tmp_path / "tables" / "measures.csv").is_file()


# -- against upper-level documents ---------------------------------------------------------------


@pytest.fixture(scope="module")
def aligned(tmp_path_factory: pytest.TempPathFactory, shared: Path) -> tuple[Path, object]:
    uppers = sorted((shared / EXTRACTS).glob("*.txt"))
    out = tmp_path_factory.mktemp("aligned") / "aligned.html"
    plan = policytext.corpora.load("qianjiang_2025")
    docs = [policytext.read(p) for p in uppers]
    from policytext.align import align

    alignment = align(plan, docs)
    policytext.report(plan, docs, output=out, alignment=alignment, embed_font=False)
    return out, alignment


@pytest.mark.shared
@pytest.mark.slow
def test_against_adds_coverage_matrix_omitted_local_and_pairs(aligned) -> None:
    out, alignment = aligned
    soup = BeautifulSoup(out.read_text(encoding="utf-8"), "html.parser")
    coverage_rows = soup.select("#table-coverage tbody tr")
    assert len(coverage_rows) == len(alignment.coverage)
    assert soup.select_one("#chart-coverage svg") is not None
    heat = soup.select_one("#chart-alignment svg")
    painted = [r for r in heat.find_all("rect") if r.find("title")]
    assert len(painted) == len({(m.lower.index, m.upper.doc, m.upper.index) for m in alignment.matches})
    assert len(soup.select("#table-omitted tbody tr")) == len(alignment.omitted)
    assert len(soup.select("#table-local-additions tbody tr")) == len(alignment.local_additions)
    pairs = soup.select("#pairs-list details.pair")
    assert len(pairs) == len(alignment.matches)


@pytest.mark.shared
@pytest.mark.slow
def test_side_by_side_highlights_exactly_the_evidence(aligned) -> None:
    out, alignment = aligned
    soup = BeautifulSoup(out.read_text(encoding="utf-8"), "html.parser")
    for details, match in zip(soup.select("#pairs-list details.pair"), alignment.matches, strict=True):
        lower_box, upper_box = details.select(".side > div")
        lower_marks = [m.get_text() for m in lower_box.find_all("mark")]
        upper_marks = [m.get_text() for m in upper_box.find_all("mark")]
        evidence = [e.text for e in match.evidence]
        assert "".join(lower_marks) == "".join(evidence)
        assert "".join(upper_marks).replace(" ", "") != "" or not evidence
        for passage in evidence:
            assert passage in "".join(upper_marks)


@pytest.mark.shared
@pytest.mark.slow
def test_alignment_tables_export(aligned, tmp_path: Path) -> None:
    _, alignment = aligned
    tables = T.alignment_tables(alignment)
    assert len(tables["omitted"]) == len(alignment.omitted)
    matrix = T.alignment_matrix(alignment)
    assert matrix.shape[0] == len(alignment.lower_units)
    assert (matrix.to_numpy() > 0).sum() == len(
        {(m.lower.index, m.upper.doc, m.upper.index) for m in alignment.matches}
    )
    md = policytext.report(alignment=alignment, plan=policytext.corpora.load(), output=tmp_path / "a.md")
    assert "## 覆盖情况 Coverage" in md.read_text(encoding="utf-8")
    # an Alignment without its upper documents: passages are found by their text instead of spans
    out = policytext.report(
        alignment=alignment, plan=policytext.corpora.load(), output=tmp_path / "a.html", embed_font=False
    )
    soup = BeautifulSoup(out.read_text(encoding="utf-8"), "html.parser")
    first = alignment.matches[0]
    upper_box = soup.select("#pairs-list details.pair")[0].select(".side > div")[1]
    assert [m.get_text() for m in upper_box.find_all("mark")] == [e.text for e in first.evidence]


def test_roles_enum_covers_all_colours() -> None:
    from policytext.report.svg import ROLE_COLORS

    assert set(ROLE_COLORS) == {r.value for r in Role}


@pytest.mark.shared
@pytest.mark.slow
def test_wide_alignment_matrix_keeps_matched_columns(aligned, tmp_path: Path, monkeypatch) -> None:
    from policytext.report import alignment_view

    _, alignment = aligned
    monkeypatch.setattr(alignment_view, "MAX_MATRIX_COLUMNS", 5)
    out = policytext.report(
        alignment=alignment, plan=policytext.corpora.load(), output=tmp_path / "w.html", embed_font=False
    )
    soup = BeautifulSoup(out.read_text(encoding="utf-8"), "html.parser")
    chart = soup.select_one("#chart-alignment")
    matched = {(m.upper.doc, m.upper.index) for m in alignment.matches}
    assert "the chart shows the" in chart.get_text()
    column_labels = [t for t in chart.find_all("text") if t.get("transform")]
    assert len(column_labels) == len(matched)


def test_heatmap_colours_lead_and_support_differently(tmp_path: Path) -> None:
    from policytext.report.svg import ROLE_COLORS

    out = policytext.report(UNSAFE, output=tmp_path / "roles.html", embed_font=False)
    svg = BeautifulSoup(out.read_text(encoding="utf-8"), "html.parser").select_one(
        "#chart-responsibility svg"
    )
    fills = {
        rect.find("title").get_text().split(" × ")[1].split(":")[0]: rect["fill"]
        for rect in svg.find_all("rect")
        if rect.find("title") and rect.find("title").get_text().startswith("一、（一）")
    }
    assert fills == {
        "市教育局": ROLE_COLORS["lead"],
        "市财政局": ROLE_COLORS["support"],
        "市科技局": ROLE_COLORS["support"],
    }


def test_report_without_the_bundled_font_falls_back_to_css(tmp_path: Path, monkeypatch) -> None:
    from policytext import fonts

    monkeypatch.setattr(fonts, "bundled_font_path", lambda: None)
    html = policytext.report(UNSAFE, output=tmp_path / "nofont.html").read_text(encoding="utf-8")
    assert "@font-face" not in html and "'Noto Sans CJK SC'" in html


@settings(deadline=None)  # a loaded CI machine must not turn a slow example into a failure
@given(
    text=st.text(alphabet="政策文本ab", min_size=0, max_size=30),
    offset=st.integers(0, 50),
    spans=st.lists(st.tuples(st.integers(0, 90), st.integers(0, 40)), max_size=6),
)
def test_highlight_reassembles_text_and_marks_only_spans(text: str, offset: int, spans) -> None:
    ranges = [Span(start, start + length) for start, length in spans]
    segments = highlight(text, offset, ranges)
    assert "".join(s.text for s in segments) == text
    position = offset
    for segment in segments:
        for index in range(position, position + len(segment.text)):
            inside = any(r.start <= index < r.end for r in ranges)
            assert inside == segment.mark
        position += len(segment.text)
    assert all(segment.text for segment in segments)


def test_policy_instruments_section_matches_the_instruments_stage(soup: BeautifulSoup, plan) -> None:
    from policytext.instruments import classify, pmc_score

    result = classify(plan)
    pmc = pmc_score(plan, instruments=result).row()["PMC"]
    section = soup.select_one("#instruments")
    assert f"{pmc:.2f}" in section.select_one("p.pmc").get_text()
    bars = {t.get_text() for t in section.select("#chart-instruments svg text")}
    assert set(result.to_frame()["subtype"]) <= bars
    total_row = next(
        r for r in section.select("#table-instruments tbody tr") if r.find("td").get_text() == "合计"
    )
    assert total_row.find_all("td")[-1].get_text() == str(len(plan.measures))


def test_no_instruments_option(tmp_path: Path, plan) -> None:
    out = policytext.report(plan, output=tmp_path / "n.html", instruments=False, embed_font=False)
    html = out.read_text(encoding="utf-8")
    assert 'id="instruments"' not in html and "instruments=False" in html
    md = policytext.report(plan, output=tmp_path / "n.md").read_text(encoding="utf-8")
    assert "## 政策工具 Policy instruments" in md and "PMC指数" in md
