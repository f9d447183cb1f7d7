"""Interrupting ``policytext batch`` loses no finished result; every output is written atomically.

A corpus of a few hundred small generated plans is analysed by ``policytext batch`` in a
subprocess, and the run is interrupted: Ctrl-C (SIGINT to the whole process group, as a
terminal sends it), ``kill`` (SIGTERM to the main process), ``kill -9`` of the main process, each
on the run resumed after the previous one, and finally ``kill -9`` of one pool worker of the run
that completes.  After each interruption:

* every output file is either absent or complete (every cache entry and table loads), and no
  temporary file is left behind where a reader could mistake it for output;
* every document that had finished is still in the cache, and a rerun takes it from there;
* the rerun ends with exactly the tables of an uninterrupted run.

Crashes while writing are simulated by making a *standard-library or third-party* function fail
(``os.fsync``, ``os.replace``, ``DataFrame.to_parquet`` via a subprocess that dies mid-write); our
own code is never patched.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

import policytext
from policytext.corpus import AnalysisResult
from policytext.corpus.result import TABLES
from policytext.errors import OutputError

from .conftest import ROOT

N_DOCUMENTS = 240
UNITS = [
    "市教育局",
    "市财政局",
    "市科技局",
    "市人社局",
    "市发展改革委",
    "市住建局",
    "市卫生健康委",
    "市农业农村局",
]
TOPICS = ["基础教育", "职业教育", "科技创新", "人才引进", "数字乡村", "医疗卫生", "产教融合", "科普宣传"]


def plan_text(index: int) -> str:
    """A small plan of our own, different for every index (so every cache key differs)."""
    topic = TOPICS[index % len(TOPICS)]
    lead, support = UNITS[index % len(UNITS)], UNITS[(index + 3) % len(UNITS)]
    city = f"青{index:03d}市"
    return textwrap.dedent(
        f"""\
        {city}人民政府办公室关于印发{city}{topic}提升行动方案的通知
        青政办发〔2025〕{index + 1}号
        一、总体要求
        （一）加强统筹协调。建立{topic}工作联席会议制度，每季度召开一次会议。（牵头单位：{lead}；配合单位：{support}）
        （二）完善政策体系。2026年底前出台配套政策{index % 7 + 2}项，覆盖率达到{80 + index % 20}%以上。（牵头单位：{support}）
        二、保障措施
        （三）强化经费保障。每年安排专项资金不少于{100 + index}万元，用于{topic}项目建设。（责任单位：市财政局、{lead}）
        """
    )


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("interrupt-corpus")
    for index in range(N_DOCUMENTS):
        sub = folder / f"region_{index % 4}"
        sub.mkdir(exist_ok=True)
        (sub / f"plan_{index:03d}.txt").write_text(plan_text(index), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def baseline_folder(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The output of an uninterrupted run (in this process: the engine does not change results)."""
    out = tmp_path_factory.mktemp("baseline")
    from policytext.cli import main

    assert main(["batch", str(corpus), "-o", str(out), "--workers", "0", "-q"]) == 0
    return out


@pytest.fixture(scope="module")
def baseline(baseline_folder: Path) -> AnalysisResult:
    result = AnalysisResult.load(baseline_folder)
    assert len(result.documents) == N_DOCUMENTS and len(result.errors) == 0
    return result


def assert_same_tables(first: AnalysisResult, second: AnalysisResult) -> None:
    for name in TABLES:
        pd.testing.assert_frame_equal(first.table(name), second.table(name), obj=name)


# -- what a crash may leave ---------------------------------------------------------------------


def cache_entries(out: Path) -> list[Path]:
    return sorted((out / "cache").glob("??/*.json"))


def assert_outputs_complete(out: Path, *, killed: bool = False) -> None:
    """Every file a reader would take as output is complete; no temporary file is left over.

    After ``kill -9`` a write in progress leaves its temporary file (nothing can remove it): it
    must then be hidden (``.name.tmp``), so that neither the cache nor a user takes it as output.
    """
    for entry in cache_entries(out):
        result = json.loads(entry.read_text(encoding="utf-8"))  # a truncated entry would not parse
        assert isinstance(result, dict) and result.get("document"), entry
    for name in TABLES:
        for path in (out / f"{name}.parquet", out / f"{name}.csv"):
            if path.exists():
                if path.suffix == ".parquet":
                    pd.read_parquet(path)
                else:
                    pd.read_csv(path)
    summary = out / "summary.json"
    if summary.exists():
        json.loads(summary.read_text(encoding="utf-8"))
    leftovers = [p for p in out.rglob("*") if p.is_file() and p.name.endswith(".tmp")]
    if killed:
        assert all(p.name.startswith(".") and not p.name.endswith(".json") for p in leftovers), leftovers
    else:
        assert not leftovers, f"temporary files left behind: {leftovers}"


# -- running batch in a subprocess ---------------------------------------------------------------


def batch_command(corpus: Path, out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "policytext", "batch", str(corpus), "-o", str(out), "--quiet", *extra]


ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def start(command: list[str]) -> subprocess.Popen[str]:
    """A batch run in its own process group (like a job in a terminal)."""
    return subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV, start_new_session=True
    )


def wait_for_entries(out: Path, process: subprocess.Popen[str], at_least: int, timeout: float = 120) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = len(cache_entries(out))
        if found >= at_least:
            return found
        if process.poll() is not None:
            raise AssertionError(f"batch ended before the interruption: {process.communicate()}")
        time.sleep(0.02)
    raise AssertionError(f"fewer than {at_least} documents finished in {timeout} s")


@pytest.fixture
def reaper() -> Iterator[list[subprocess.Popen[str]]]:
    """Processes this test started; whatever is left of their groups is ended at teardown."""
    started: list[subprocess.Popen[str]] = []
    yield started
    for process in started:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        with contextlib.suppress(ProcessLookupError):  # orphaned workers share the killed parent's group
            os.killpg(process.pid, signal.SIGKILL)


def rerun_and_compare(
    corpus: Path,
    out: Path,
    finished: int,
    baseline: AnalysisResult,
    *,
    killed: bool = False,
    workers: str = "2",
    fmt: str = "parquet",
) -> None:
    command = batch_command(corpus, out, "--workers", workers, "--format", fmt)
    rerun = subprocess.run(command, capture_output=True, text=True, env=ENV, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    assert (
        f"{N_DOCUMENTS} documents: {N_DOCUMENTS} analysed, 0 errors ({finished} from cache)" in rerun.stdout
    )
    assert_outputs_complete(out, killed=killed)
    assert_same_tables(baseline, AnalysisResult.load(out))


# -- the interruptions ----------------------------------------------------------------------------


INTERRUPTIONS = [
    ("SIGINT to the process group (Ctrl-C)", 130),
    ("SIGTERM to the main process (kill)", 130),
    ("SIGKILL of the main process (kill -9)", -signal.SIGKILL),
]


def interrupt(process: subprocess.Popen[str], how: str) -> str:
    """Interrupt ``process`` the way ``how`` says; return its standard error."""
    if how.startswith("SIGINT"):
        os.killpg(process.pid, signal.SIGINT)
    elif how.startswith("SIGTERM"):
        process.send_signal(signal.SIGTERM)
    else:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        # its orphaned workers still hold the output pipes: end them (they never write results)
        os.killpg(process.pid, signal.SIGKILL)
    _, stderr = process.communicate(timeout=120)
    return stderr


@pytest.mark.slow
def test_interrupted_batches_keep_finished_results_and_a_rerun_completes(
    corpus: Path, baseline: AnalysisResult, tmp_path: Path, reaper: list[subprocess.Popen[str]]
) -> None:
    """Ctrl-C, then kill, then kill -9, each on the resumed run; the fourth run completes although
    one of its pool workers is killed with SIGKILL half-way."""
    out = tmp_path / "out"
    finished = 0
    for how, expected_code in INTERRUPTIONS:
        process = start(batch_command(corpus, out, "--workers", "2", "--chunk-size", "4"))
        reaper.append(process)
        wait_for_entries(out, process, at_least=finished + 25)
        stderr = interrupt(process, how)
        assert process.returncode == expected_code, (how, stderr)
        if expected_code == 130:
            assert "finished document" in stderr and " kept in " in stderr, stderr
            assert "Traceback" not in stderr, stderr
        now = len(cache_entries(out))
        assert finished + 25 <= now < N_DOCUMENTS, f"{how}: the interruption came too late to test anything"
        finished = now
        assert not (out / "documents.parquet").exists()  # tables are written only by a completed run
        assert_outputs_complete(out, killed=how.startswith("SIGKILL"))

    process = start(batch_command(corpus, out, "--workers", "2", "--chunk-size", "4"))
    reaper.append(process)
    wait_for_entries(out, process, at_least=finished + 20)
    kill_a_worker(process.pid)
    stdout, stderr = process.communicate(timeout=300)
    assert process.returncode == 0, stderr
    assert f"{N_DOCUMENTS} documents: {N_DOCUMENTS} analysed, 0 errors ({finished} from cache)" in stdout
    assert_outputs_complete(out, killed=True)
    assert_same_tables(baseline, AnalysisResult.load(out))


def kill_a_worker(batch_pid: int) -> None:
    """SIGKILL one pool worker of the batch process (a grandchild: the forkserver starts them)."""
    import psutil

    parent = psutil.Process(batch_pid)
    workers = [p for child in parent.children() for p in child.children()] or parent.children()
    assert workers, "no worker process found"
    os.kill(workers[0].pid, signal.SIGKILL)


# -- crashes while writing ------------------------------------------------------------------------

DIE_WHILE_WRITING = """
import os, sys
import pandas as pd
from policytext.cli import main

method, nth = sys.argv[1], int(sys.argv[2])
original = getattr(pd.DataFrame, method)
written = []

def dying(self, handle, *args, **kwargs):
    written.append(1)
    if len(written) == nth:
        handle.write(b"PAR1 half a table" if method == "to_parquet" else "doc_id,path\\nhalf,a ro")
        handle.flush()
        os._exit(137)  # the machine dies in the middle of this table
    return original(self, handle, *args, **kwargs)

setattr(pd.DataFrame, method, dying)
sys.exit(main(sys.argv[3:]))
"""


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_a_crash_while_saving_tables_leaves_no_half_written_file(
    corpus: Path, baseline_folder: Path, baseline: AnalysisResult, tmp_path: Path, fmt: str
) -> None:
    out = tmp_path / "out"
    shutil.copytree(baseline_folder / "cache", out / "cache")  # every document done: go straight to saving
    args = ["batch", str(corpus), "-o", str(out), "--workers", "0", "-q", "--format", fmt]
    crashed = subprocess.run([sys.executable, "-c", DIE_WHILE_WRITING, f"to_{fmt}", "3", *args],
                             capture_output=True, text=True, env=ENV, timeout=300)  # fmt: skip
    assert crashed.returncode == 137, crashed.stderr
    assert (out / f"documents.{fmt}").is_file() and (out / f"measures.{fmt}").is_file()
    assert not (out / f"units.{fmt}").exists() and not (out / "summary.json").exists()
    temporaries = [p for p in out.iterdir() if p.name.endswith(".tmp")]
    assert all(p.name.startswith(".") for p in temporaries)  # hidden, never taken for a table
    for path in temporaries:
        path.unlink()  # what a crash leaves: the rerun's atomic writes never read them
    assert_outputs_complete(out)
    assert len(cache_entries(out)) == N_DOCUMENTS  # every result was kept before saving
    rerun_and_compare(corpus, out, N_DOCUMENTS, baseline, workers="0", fmt=fmt)


def test_a_failure_while_saving_keeps_the_previous_complete_tables(
    baseline: AnalysisResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    baseline.save(out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    calls = []

    def failing_fsync(fd: int) -> None:
        calls.append(fd)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", failing_fsync)
    smaller = AnalysisResult(**{name: baseline.table(name).head(3) for name in TABLES}, summary={"n": 3})
    with pytest.raises(OutputError, match=r"units\.parquet: cannot write: No space"):
        smaller.save(out)
    monkeypatch.undo()
    after = {p.name: p.read_bytes() for p in out.iterdir()}
    assert set(after) == set(before)  # no temporary file left
    changed = {name for name in after if after[name] != before[name]}
    assert changed == {"documents.parquet", "measures.parquet"}  # written before the failure, complete
    assert_outputs_complete(out)
    assert len(pd.read_parquet(out / "documents.parquet")) == 3
    assert len(pd.read_parquet(out / "units.parquet")) == len(baseline.units)  # the old table, intact


# -- the report ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_plan() -> policytext.PolicyDocument:
    return policytext.parse_text(plan_text(7))


@pytest.mark.parametrize("failing", ["os.fsync", "os.replace"])
def test_a_crash_while_writing_the_report_leaves_no_partial_file(
    small_plan: policytext.PolicyDocument, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    target = tmp_path / "report.html"
    previous = b"<!DOCTYPE html><html><body>the previous report</body></html>\n"
    target.write_bytes(previous)

    def crash(*args: object) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, failing.split(".")[1], crash)
    with pytest.raises(OSError, match="Input/output"):
        policytext.report(small_plan, output=target, embed_font=False)
    monkeypatch.undo()
    assert target.read_bytes() == previous  # the old report, whole
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]  # no temporary file left
    policytext.report(small_plan, output=target, embed_font=False)  # and the next run succeeds
    assert target.read_text(encoding="utf-8").rstrip().endswith("</html>")


def test_a_crash_in_the_template_writes_nothing(
    small_plan: policytext.PolicyDocument, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import jinja2

    def broken_render(self: jinja2.Template, *args: object, **kwargs: object) -> str:
        raise MemoryError("simulated: rendering ran out of memory")

    monkeypatch.setattr(jinja2.Template, "render", broken_render)
    with pytest.raises(MemoryError):
        policytext.report(small_plan, output=tmp_path / "report.html", embed_font=False)
    assert list(tmp_path.iterdir()) == []


def test_an_interruption_as_the_temporary_file_is_created_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C can raise right after the temporary file of an atomic write is created, before the
    code that created it has returned its name: the file is removed all the same (with
    ``tempfile.mkstemp`` it stayed behind, seen in interrupted batch runs as a stray ``.tmp``)."""
    from policytext._util import atomic_write_text

    real_open = os.open

    def open_then_interrupt(path: str, flags: int, mode: int = 0o777, **kwargs: object) -> int:
        os.close(real_open(path, flags, mode))
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "open", open_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        atomic_write_text(tmp_path / "entry.json", "{}")
    monkeypatch.undo()
    assert list(tmp_path.iterdir()) == []


# -- the exit after an interruption ---------------------------------------------------------------

STUCK_AT_EXIT = """
import _thread, sys, threading, time
from pathlib import Path
from policytext import cli

def stuck(out: Path, finished: int) -> None:
    # a non-daemon thread that never ends, as a process pool's manager thread does when an
    # interrupt leaves one of its locks held: the interpreter joins it at exit
    while len(list(out.glob("cache/??/*.json"))) < finished:
        time.sleep(0.01)
    _thread.interrupt_main()  # Ctrl-C, while the batch runs
    threading.Event().wait()

cli.EXIT_GRACE = 2.0
threading.Thread(target=stuck, args=(Path(sys.argv[2]), int(sys.argv[3]))).start()
sys.argv = ["policytext", "batch", sys.argv[1], "-o", sys.argv[2], "--workers", "0", "--quiet"]
cli.console()
"""


def test_an_interrupted_run_ends_even_when_a_thread_blocks_its_exit(corpus: Path, tmp_path: Path) -> None:
    """The exit guard: the process ends with status 130 soon after the grace period, its finished
    results kept, although a thread it cannot join would otherwise hang it for ever."""
    out = tmp_path / "out"
    process = subprocess.Popen(
        [sys.executable, "-c", STUCK_AT_EXIT, str(corpus), str(out), "10"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=ENV,
        start_new_session=True,
    )
    try:
        _, stderr = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise AssertionError("the interrupted run did not end") from None
    assert process.returncode == 130, stderr
    assert "finished document" in stderr and " kept in " in stderr and "Traceback" not in stderr, stderr
    assert 10 <= len(cache_entries(out)) < N_DOCUMENTS
    assert_outputs_complete(out)
