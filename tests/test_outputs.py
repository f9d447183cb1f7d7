"""Atomic output files: what an output path may name, and how a failed write is reported."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from policytext._util import atomic_write_text
from policytext.cli import main
from policytext.errors import OutputError

from .conftest import PLAN_PATH


def test_a_symlink_is_written_through_and_stays_a_link(tmp_path: Path) -> None:
    real = tmp_path / "real.json"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    atomic_write_text(link, "new")
    assert link.is_symlink() and real.read_text(encoding="utf-8") == "new"


def test_a_folder_is_refused_and_left_alone(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    with pytest.raises(OutputError, match="out: cannot write: it is a folder"):
        atomic_write_text(folder, "x")
    assert folder.is_dir() and not list(tmp_path.glob(".*.tmp"))


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this platform")
def test_a_pipe_is_refused_not_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    with pytest.raises(OutputError, match="not a regular file"):
        atomic_write_text(fifo, "x")
    assert fifo.is_fifo()


def test_a_folder_that_cannot_be_created_is_an_output_error_naming_the_path(tmp_path: Path) -> None:
    blocker = tmp_path / "file.txt"
    blocker.write_text("", encoding="utf-8")
    with pytest.raises(OutputError, match=r"file\.txt/out\.json: cannot write"):
        atomic_write_text(blocker / "out.json", "x")


def test_the_cli_reports_an_unwritable_output_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "file.txt"
    blocker.write_text("", encoding="utf-8")
    assert main(["parse", str(PLAN_PATH), "-o", str(blocker / "out.json")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "out.json" in err and "Traceback" not in err


def test_a_ctrl_c_inside_a_callback_prints_no_traceback_but_other_errors_do() -> None:
    """The interpreter prints "Exception ignored in …" with a traceback for an exception it cannot
    raise out of a callback; for Ctrl-C the program stays quiet (a CI run showed one from an
    import lock's weak-reference callback)."""
    import subprocess
    import sys

    script = (
        "from policytext.cli import quiet_interrupts_in_callbacks\n"
        "quiet_interrupts_in_callbacks()\n"
        "class Interrupted:\n"
        "    def __del__(self): raise KeyboardInterrupt\n"
        "class Broken:\n"
        "    def __del__(self): raise ValueError('kept')\n"
        "Interrupted()\n"
        "import sys; print('between', file=sys.stderr)\n"
        "Broken()\n"
    )
    err = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60).stderr
    before, _, after = err.partition("between")
    assert "Traceback" not in before and "KeyboardInterrupt" not in before
    assert "ValueError: kept" in after
