"""Output paths on the command line: refused before any work, one line on stderr, exit 2.

A folder given as ``-o``, an ``--xlsx`` that is a folder, a ``--csv`` that is a file, an output
under a file: each is refused before the documents are read, so nothing is written and no time
is lost.  What the system still refuses while writing becomes one line too, never a traceback.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from policytext.cli import main

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "report"
PLAN = str(FIXTURES / "repeated_labels_plan.txt")
UPPER = str(FIXTURES / "repeated_labels_upper.txt")
MISSING = "no_such_plan.txt"
#: a file name the system accepts but whose temporary sibling (``.NAME.<hex>.tmp``) is too long
LONG_NAME = "x" * 240 + ".json"


def _one_line_error(err: str, *needles: str) -> str:
    assert "Traceback" not in err
    lines = [line for line in err.strip().splitlines() if line.startswith("policytext: error:")]
    assert len(lines) == 1 and err.strip().endswith(lines[0]), err
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


@pytest.fixture()
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty working folder with a plain file and a folder in it, as the current folder."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a_file.txt").write_text("not a folder", encoding="utf-8")
    (tmp_path / "a_folder").mkdir()
    return tmp_path


def test_align_output_that_is_a_folder_is_refused_by_the_real_command(work: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "policytext", "align", PLAN, "--against", UPPER, "-o", "a_folder"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT)},  # the policytext of this checkout
    )
    assert run.returncode == 2
    _one_line_error(run.stderr, "a_folder", "is a folder; give a file name such as pairs.json")
    assert run.stdout == "" and _files(work) == [work / "a_file.txt"]


@pytest.mark.parametrize(
    "argv, needles",
    [
        (["report", PLAN, "--against", UPPER, "-o", "ok.html", "--xlsx", "a_folder"], ["a_folder", "xlsx"]),
        (
            ["report", PLAN, "--against", UPPER, "-o", "ok.html", "--csv", "a_file.txt"],
            ["a_file.txt", "folder"],
        ),
        (["report", PLAN, "-o", "a_folder"], ["a_folder", "is a folder"]),
        (["report", PLAN, "-o", "new/"], ["new", "is a folder"]),
        (["report", PLAN, "-o", "same", "--xlsx", "same"], ["same path"]),
        (["report", PLAN, "-o", "a_file.txt/ok.html"], ["a_file.txt", "not a folder"]),
        (["report", PLAN, "-o", "ok.html", "--csv", "a_file.txt/deeper/tables"], ["not a folder"]),
        # a missing input: the output is checked before the input is read, so it is the one named
        (["parse", MISSING, "-o", "a_folder"], ["a_folder", "is a folder"]),
        (["parse", MISSING, "-o", "/dev/null"], ["/dev/null", "not a regular file"]),
        (["parse", PLAN, "-o", "a_file.txt/plan.json"], ["not a folder"]),
        (["align", MISSING, "--against", UPPER, "-o", "a_folder"], ["a_folder", "is a folder"]),
        (["align", PLAN, "--against", UPPER, "-o", "a_file.txt/pairs.csv"], ["not a folder"]),
        (["batch", PLAN, "-o", "a_file.txt/out", "-q"], ["not a folder"]),
    ],
)
def test_unusable_output_paths_are_refused_before_any_work(argv, needles, work: Path, capsys) -> None:
    before = _files(work)
    assert main(argv) == 2
    captured = capsys.readouterr()
    _one_line_error(captured.err, *needles)
    # nothing was read or written: no progress message, no report, no table
    assert "reading" not in captured.err and captured.out == ""
    assert _files(work) == before


def test_write_failure_of_an_output_is_one_line(work: Path, capsys) -> None:
    assert main(["parse", PLAN, "-o", LONG_NAME]) == 2
    line = _one_line_error(capsys.readouterr().err, "cannot write")
    assert "File name too long" in line
    assert _files(work) == [work / "a_file.txt"]  # no temporary file left behind


def test_good_exports_are_written_and_a_failing_one_is_one_line(work: Path, capsys) -> None:
    argv = ["report", PLAN, "-q", "--no-instruments", "-o", "out/r.md"]
    assert main([*argv, "--xlsx", "out/t.xlsx", "--csv", "out/csv"]) == 0  # folders are created
    assert capsys.readouterr().err == ""
    assert (work / "out" / "r.md").is_file() and (work / "out" / "t.xlsx").is_file()
    assert (work / "out" / "csv" / "measures.csv").is_file()
    written = _files(work)
    assert main([*argv, "--xlsx", LONG_NAME.replace(".json", ".xlsx")]) == 2
    _one_line_error(capsys.readouterr().err, "cannot write")
    assert _files(work) == written  # the report is rewritten in place, no temporary file is left


def test_corpus_fetch_into_a_data_folder_that_is_a_file_is_refused_before_downloading(
    work: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POLICYTEXT_DATA_DIR", str(work / "a_file.txt"))
    # a local port nothing listens on: were the command to download first, it would fail there
    argv = ["corpus", "fetch", "gwr", "-q", "--api-url", "http://127.0.0.1:9/w/api.php"]
    assert main(argv) == 2
    _one_line_error(capsys.readouterr().err, "a_file.txt", "not a folder")
    assert _files(work) == [work / "a_file.txt"]
