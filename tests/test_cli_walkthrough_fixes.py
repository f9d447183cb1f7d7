"""Command-line and report fixes found by walking through the commands as a user would.

Reading options on every command that reads a document, ``policytext`` alone as a usage error,
the report format following the output suffix, ``--agencies canonical`` in every table that
lists units, tables aligned by display width, plurals, and output checks that live in one place.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup

import policytext
from policytext.cli import build_parser, main
from policytext.errors import OutputError

from .conftest import PLAN_PATH, ROOT

# An invented plan in the style of a municipal 实施方案, with abbreviated unit names.
PLAN = """关于加快推进智能制造发展的实施方案

为加快推进本市智能制造发展，结合实际，制定本方案。

一、主要任务

（一）培育智能工厂。支持重点企业建设数字化车间，2026年底前建成智能工厂5家。（牵头单位：市经信局；配合单位：市人社局、市发改委）

（二）加强人才培养。围绕产教融合开展技能培训，每年培训技术工人1000人次。（责任单位：市人社局、市教育局）

市人民政府办公室
2025年3月1日
"""

# Two records of a JSONL file: the second one is about 湿地保护 only.
RECORDS = [
    {
        "id": "a",
        "body": "关于推进智能制造的通知\n\n一、培育智能工厂。智能工厂建设、智能工厂改造、智能制造示范。",
    },
    {
        "id": "b",
        "body": "关于加强湿地保护的意见\n\n一、加强湿地保护。湿地保护修复、湿地公园建设、湿地保护执法。",
    },
]

READING_OPTIONS = ("--encoding", "--t2s", "--text-column", "--record")
READING_COMMANDS = ("parse", "segment", "keywords", "align", "report", "instruments", "pmc")


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _one_error_line(err: str) -> str:
    errors = [line for line in err.splitlines() if line.startswith("policytext: error:")]
    assert len(errors) == 1 and err.rstrip().endswith(errors[0]) and "Traceback" not in err, err
    return errors[0]


@pytest.fixture()
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "plan.txt").write_text(PLAN, encoding="utf-8")
    lines = [json.dumps(r, ensure_ascii=False) for r in RECORDS]
    (tmp_path / "records.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return tmp_path


# -- 1. the same reading options on every command that reads a document -------------------------


def _subparser(name: str) -> object:
    parser = build_parser()
    actions = [a for a in parser._actions if a.dest == "command"]
    return actions[0].choices[name]  # type: ignore[attr-defined]


@pytest.mark.parametrize("command", READING_COMMANDS)
def test_every_reading_command_has_the_reading_options(command: str) -> None:
    options = {option for action in _subparser(command)._actions for option in action.option_strings}  # type: ignore[attr-defined]
    assert set(READING_OPTIONS) <= options


def test_keywords_reads_the_record_and_column_asked_for(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["keywords", "records.jsonl", "--record", "1", "--text-column", "body", "--top", "3"]
    assert main([*argv, "--format", "json"]) == 0
    terms = [row["term"] for row in json.loads(capsys.readouterr().out)]
    assert "湿地保护" in terms and not any("智能" in term for term in terms)


def test_segment_reads_a_record_and_converts_traditional(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["segment", "records.jsonl", "--record", "1", "--text-column", "body"]) == 0
    out = capsys.readouterr().out
    assert "湿地保护" in out and "智能" not in out
    (work / "old.txt").write_bytes("加強濕地保護，推進生態建設。\n".encode("big5"))
    assert main(["segment", "old.txt", "--encoding", "big5", "--t2s"]) == 0
    assert "加强" in capsys.readouterr().out


def test_segment_of_stdin_uses_encoding_and_t2s_and_refuses_record_options(work: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "policytext", "segment", "-", "--encoding", "gb18030", "--t2s"]
    run = subprocess.run(command, input="加強濕地保護\n".encode("gb18030"), capture_output=True, env=env)
    assert run.returncode == 0 and "加强" in run.stdout.decode("utf-8")
    refused = subprocess.run(
        [*command[:5], "--record", "1"], input=b"x\n", capture_output=True, env=env, timeout=120
    )
    assert refused.returncode == 2
    assert "--record applies to record files" in _one_error_line(refused.stderr.decode("utf-8"))


def test_stdin_is_decoded_as_a_file_is(work: Path) -> None:
    # found in review: an unknown or wrong --encoding on stdin was a traceback (exit 1); without
    # one, GBK bytes were read as UTF-8 and a BOM stayed a token
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "policytext", "segment", "-"]
    for extra, data in ((["--encoding", "nosuch"], "测试\n".encode()), (["--encoding", "gb2312"], b"\xff\xfe\xfa\x80abc\n")):
        run = subprocess.run([*command, *extra], input=data, capture_output=True, env=env, timeout=120)
        assert run.returncode == 2
        assert "<stdin>" in _one_error_line(run.stderr.decode("utf-8"))
    for data in ("产教融合\n".encode("gbk"), "\ufeff产教融合\n".encode()):
        run = subprocess.run(command, input=data, capture_output=True, env=env, timeout=120)
        assert run.returncode == 0 and run.stdout.decode("utf-8").strip() == "产教融合"


@pytest.mark.parametrize("command", ["parse", "keywords", "segment"])
def test_text_column_on_a_plain_text_file_is_refused(
    command: str, work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # found in review: it was silently ignored (--record was refused already)
    assert main([command, "plan.txt", "--text-column", "body"]) == 2
    assert "--text-column applies to .jsonl/.csv/.parquet files" in _one_error_line(capsys.readouterr().err)


def test_keywords_applies_encoding_to_the_idf_corpus_too(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (work / "plan_gb.txt").write_bytes(PLAN.encode("gb18030"))
    (work / "idf.txt").write_bytes("关于推进智能制造的通知\n\n一、智能工厂建设。\n".encode("gb18030"))
    argv = ["keywords", "plan_gb.txt", "--idf-corpus", "idf.txt", "--encoding", "gb18030", "--format", "json"]
    assert main(argv) == 0
    assert "智能工厂" in {row["term"] for row in json.loads(capsys.readouterr().out)}


# -- 2. policytext alone -------------------------------------------------------------------------


def test_no_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("usage: policytext")
    assert "a command is required" in _one_error_line(captured.err)


def test_no_command_exits_2_from_the_real_program() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = subprocess.run(
        [sys.executable, "-m", "policytext"], capture_output=True, text=True, env=env, timeout=120
    )
    assert run.returncode == 2 and run.stdout == ""
    _one_error_line(run.stderr)


# -- 3. the report format follows the output suffix -----------------------------------------------


@pytest.mark.parametrize(
    "argv, needle",
    [
        (["-o", "r.pdf"], ".pdf file is not a report format"),
        (["-o", "r.txt", "--format", "md"], ".txt file is not a report format"),
        (["-o", "r.html", "--format", "md"], "names the html format, not md"),
        (["-o", "r.md", "--format", "html"], "names the md format, not html"),
        (["-o", "r.html", "--xlsx", "tables.csv"], ".csv file is not a workbook"),
    ],
)
def test_report_suffix_naming_no_format_or_another_is_refused_first(
    argv: list[str], needle: str, work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = sorted(work.iterdir())
    assert main(["report", "plan.txt", *argv]) == 2
    captured = capsys.readouterr()
    assert needle in _one_error_line(captured.err)
    assert "reading" not in captured.err and captured.out == ""  # before any work
    assert sorted(work.iterdir()) == before


def test_report_format_follows_htm_and_md_suffixes(work: Path) -> None:
    base = ["report", "plan.txt", "-q", "--no-instruments", "--no-embed-font"]
    assert main([*base, "-o", "r.htm"]) == 0
    assert (work / "r.htm").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert main([*base, "-o", "r.MD"]) == 0
    assert (work / "r.MD").read_text(encoding="utf-8").startswith("# ")
    assert main([*base, "-o", "plain", "--format", "md"]) == 0  # no suffix: the format asked for
    assert (work / "plain").read_text(encoding="utf-8").startswith("# ")
    # a version after the last dot is no file type (found in review: report_1.0 was refused)
    assert main([*base, "-o", "report_1.0"]) == 0
    assert (work / "report_1.0").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_report_api_refuses_a_suffix_of_no_format(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match=r"r\.pdf: a \.pdf file is not a report format"):
        policytext.report(policytext.parse_text(PLAN), output=tmp_path / "r.pdf")
    assert not list(tmp_path.iterdir())


# -- 4. --agencies canonical wherever units are listed ---------------------------------------------


def test_agencies_canonical_in_the_measure_table_and_matrix(work: Path) -> None:
    argv = ["report", "plan.txt", "-q", "--no-instruments", "--no-embed-font", "--agencies", "canonical"]
    assert main([*argv, "-o", "c.html", "--csv", "tables"]) == 0
    soup = BeautifulSoup((work / "c.html").read_text(encoding="utf-8"), "html.parser")
    rows = soup.find(id="table-measures").find_all("tr")  # type: ignore[union-attr]
    heads = [cell.get_text(" ", strip=True) for cell in rows[0].find_all("th")]
    lead, support, unspecified = (
        heads.index(h) for h in ("牵头单位 Lead", "配合单位 Support", "责任单位 Responsible")
    )
    cells = [[cell.get_text(" ", strip=True) for cell in row.find_all(["td", "th"])] for row in rows[1:]]
    assert cells[0][lead] == "市经济和信息化局"
    assert cells[0][support] == "市人力资源和社会保障局、市发展和改革委员会"
    assert cells[1][unspecified] == "市人力资源和社会保障局、市教育局"
    matrix = pd.read_csv(work / "tables" / "responsibility.csv", encoding="utf-8-sig")
    assert "市经济和信息化局" in matrix.columns and "市经信局" not in matrix.columns
    measures = pd.read_csv(work / "tables" / "measures.csv", encoding="utf-8-sig")
    assert measures.loc[0, "lead"] == "市经济和信息化局"


def test_agencies_by_name_keeps_the_names_as_printed(work: Path) -> None:
    assert main(["report", "plan.txt", "-q", "--no-instruments", "--format", "md", "--csv", "t"]) == 0
    measures = pd.read_csv(work / "t" / "measures.csv", encoding="utf-8-sig")
    assert measures.loc[0, "lead"] == "市经信局" and measures.loc[0, "support"] == "市人社局、市发改委"


# -- 5. tables aligned by display width -----------------------------------------------------------


def test_format_table_aligns_chinese_by_display_width() -> None:
    from policytext.cli.common import display_width, format_table

    frame = pd.DataFrame(
        {
            "term": ["产教融合", "AI", "新质生产力"],
            "unit": ["市人社局", "x", "ab市"],
            "score": [17.5, 3.25, 0.5],
        }
    )
    lines = format_table(frame).splitlines()
    assert len(lines) == 4 and len({display_width(line) for line in lines}) == 1  # numbers right-aligned
    # each text column starts at the same display column on every line
    starts = {
        _width(line[: line.index(cell)])
        for line, cell in zip(lines, ["unit", "市人社局", "x", "ab市"], strict=True)
    }
    assert len(starts) == 1
    assert display_width("产教融合") == 8 and display_width("ＡＢ") == 4 and display_width("ab") == 2


def test_format_table_truncates_by_display_width() -> None:
    from policytext.cli.common import display_width, format_table

    frame = pd.DataFrame({"text": ["市人力资源和社会保障局", "short"]})
    lines = format_table(frame, max_colwidth=10).splitlines()
    assert lines[1].endswith("...") and display_width(lines[1]) <= 10


def test_keywords_table_lines_up_with_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["keywords", str(PLAN_PATH), "--top", "15"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 16
    assert len({_width(line) for line in lines}) == 1, lines  # last column numeric: right edges agree


def test_pmc_table_lines_up_with_chinese(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["pmc", str(PLAN_PATH), "plan.txt"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3
    pmc_ends = {
        _width(line[: line.rindex(value) + len(value)])
        for line, value in zip(lines, ["PMC", *_pmc(lines)], strict=True)
    }
    assert len(pmc_ends) == 1, lines  # numbers right-aligned under their heading
    grade_starts = {_width(line[: line.rindex(line.split()[-1])]) for line in lines}
    assert len(grade_starts) == 1, lines  # text left-aligned under its heading


def _pmc(lines: list[str]) -> list[str]:
    """The PMC value of each data row (the third field from the end)."""
    return [line.split()[-3] for line in lines[1:]]


def test_parse_table_columns_start_at_the_same_display_column(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", str(PLAN_PATH), "--format", "table", "--units"]) == 0
    lines = capsys.readouterr().out.splitlines()
    table = lines[lines.index("") + 1 :]
    header = table[0]
    column = _width(header[: header.index("role")])
    for line in table[1:]:
        cell = line[len(_cut(line, column)) :]
        assert cell.split()[0] in ("lead", "support", "unspecified"), line


def _cut(line: str, width: int) -> str:
    """The prefix of ``line`` that is ``width`` display columns wide."""
    out = ""
    for char in line:
        if _width(out + char) > width:
            break
        out += char
    return out


# -- 6. plurals -----------------------------------------------------------------------------------


def test_batch_of_one_document_says_document(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["batch", "plan.txt", "-o", "out", "--workers", "0", "-q"]) == 0
    out = capsys.readouterr().out
    assert "1 document: 1 analysed, 0 errors" in out and "1 documents" not in out
    assert "2 measures;" in out


def test_levels_message_counts_in_the_singular(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["align", "plan.txt", "--against", "plan.txt", "--levels", "national", "provincial"]) == 2
    assert _one_error_line(capsys.readouterr().err).endswith("gives 2 levels for 1 upper document")


def test_plural() -> None:
    from policytext._util import plural

    assert plural(1, "document") == "1 document"
    assert plural(0, "error") == "0 errors"
    assert plural(2, "agency", "agencies") == "2 agencies"


def test_report_overview_sentence_is_grammatical() -> None:
    from policytext.report.tables import overview

    doc = policytext.parse_text(PLAN)
    assert " 1 section, 2 measures, 4 responsible agencies." in overview(doc)[0]


# -- 7. output checks in one place -----------------------------------------------------------------


def test_output_checks_are_one_implementation() -> None:
    import policytext._util as util
    from policytext.report import outputs

    for name in ("check_file_target", "check_folder_target", "check_distinct", "writing"):
        assert getattr(outputs, name) is getattr(util, name)


def test_parse_with_output_does_not_import_the_report_package(work: Path) -> None:
    code = (
        "import sys; from policytext.cli import main; "
        "status = main(['parse', 'plan.txt', '-o', 'plan.json']); "
        "print(status, 'policytext.report' in sys.modules)"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert run.stdout.split() == ["0", "False"], run.stderr
    assert json.loads((work / "plan.json").read_text(encoding="utf-8"))["measures"]


def test_two_names_of_one_agency_become_one_canonical_name_in_the_measure_table() -> None:
    from policytext.report.tables import measures_table

    text = PLAN.replace("配合单位：市人社局、市发改委", "配合单位：市人社局、市人力资源和社会保障局")
    doc = policytext.parse_text(text)
    assert measures_table(doc, by="canonical").loc[0, "support"] == "市人力资源和社会保障局"
    assert measures_table(doc).loc[0, "support"] == "市人社局、市人力资源和社会保障局"


def test_checked_outputs_can_be_passed_to_report(tmp_path: Path) -> None:
    from policytext.errors import InputError
    from policytext.report.api import check_outputs

    outputs = check_outputs(tmp_path / "r.md", csv_dir=tmp_path / "tables")
    assert outputs.format == "md"
    doc = policytext.parse_text(PLAN)
    assert policytext.report(doc, output=outputs, instruments=False) == tmp_path / "r.md"
    assert (tmp_path / "tables" / "measures.csv").is_file()
    with pytest.raises(InputError, match="check_outputs"):
        policytext.report(doc, output=outputs, xlsx=tmp_path / "t.xlsx")
