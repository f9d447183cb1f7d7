"""``policytext batch``: tables on disk, summary, exit codes, resumption after an interruption."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from policytext.cli import main
from policytext.corpus import AnalysisResult
from policytext.corpus.result import TABLES

from .conftest import FIXTURES, ROOT

CORPUS = FIXTURES / "corpus"


def test_batch_writes_tables_and_prints_a_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    code = main(["batch", str(CORPUS), "-o", str(out), "--workers", "0", "--quiet"])
    assert code == 0
    printed = capsys.readouterr().out
    assert "9 documents: 7 analysed, 2 errors (0 from cache); 21 measures" in printed
    assert "errors.parquet" in printed
    for name in TABLES:
        assert (out / f"{name}.parquet").is_file()
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert (summary["analysed"], summary["errors"], summary["measures"]) == (7, 2, 21)
    errors = pd.read_parquet(out / "errors.parquet")
    assert sorted(errors["doc_id"]) == ["records#2", "records#3"]
    assert len(list((out / "cache").rglob("*.json"))) == 7

    # a rerun takes every finished document from the cache
    assert main(["batch", str(CORPUS), "-o", str(out), "--workers", "0", "--quiet"]) == 0
    assert "(7 from cache)" in capsys.readouterr().out


def test_batch_csv_format_reads_back(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert main(["batch", str(CORPUS / "records.jsonl"), "-o", str(out), "--workers", "0", "-q",
                 "--format", "csv", "--id-column", "id", "--top", "3", "--no-measure-text"]) == 0  # fmt: skip
    assert (out / "measures.csv").is_file() and not (out / "measures.parquet").exists()
    result = AnalysisResult.load(out)
    assert result.documents["doc_id"].tolist() == ["records#r1", "records#r2", "records#r5"]
    assert result.keywords.groupby("doc_id").size().max() == 3
    assert len(result.measures) == 5 and result.measures["text"].isna().all()  # --no-measure-text
    assert result.measures["n_chars"].gt(0).all()


def test_batch_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_text("", encoding="utf-8")
    (bad / "blank.md").write_text("   \n", encoding="utf-8")
    assert main(["batch", str(bad), "-o", str(tmp_path / "out"), "--workers", "0", "-q"]) == 1
    assert "2 documents: 0 analysed, 2 errors" in capsys.readouterr().out
    assert main(["batch", str(tmp_path / "missing"), "-o", str(tmp_path / "out2")]) == 2
    assert "no such file or folder" in capsys.readouterr().err
    (tmp_path / "nothing").mkdir()
    assert main(["batch", str(tmp_path / "nothing"), "-o", str(tmp_path / "out3")]) == 2
    assert main(["batch", str(CORPUS), "-o", str(tmp_path / "o4"), "--scheduler", "tcp://127.0.0.1:1"]) == 2
    assert "--engine dask" in capsys.readouterr().err


def test_batch_help_has_examples(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["batch", "--help"])
    text = capsys.readouterr().out
    assert "policytext batch policies/ -o out/" in text and "--engine" in text and "resume" in text


def _many_documents(folder: Path, copies: int) -> None:
    """A corpus large enough to interrupt: variants of the fixture plans (own texts)."""
    folder.mkdir()
    base = (CORPUS / "hexi_education_plan.txt").read_text(encoding="utf-8")
    for index in range(copies):
        text = base.replace("6000个", f"{6000 + index}个").replace("河西", f"河西{index}区")
        (folder / f"plan_{index:03d}.txt").write_text(text, encoding="utf-8")


@pytest.mark.slow
def test_sigterm_keeps_finished_documents_and_a_rerun_resumes(tmp_path: Path) -> None:
    corpus, out = tmp_path / "corpus", tmp_path / "out"
    _many_documents(corpus, 60)
    command = [sys.executable, "-m", "policytext", "batch", str(corpus), "-o", str(out), "--workers", "1",
               "--chunk-size", "1", "--quiet"]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list((out / "cache").rglob("*.json"))) < 5:
        time.sleep(0.05)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert "Run the same command again to resume" in stderr
    finished = len(list((out / "cache").rglob("*.json")))
    assert 5 <= finished < 60
    assert not (out / "documents.parquet").exists()

    rerun = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    assert rerun.returncode == 0, rerun.stderr
    assert f"60 documents: 60 analysed, 0 errors ({finished} from cache)" in rerun.stdout
    assert len(pd.read_parquet(out / "documents.parquet")) == 60


def test_no_cache_recomputes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    shutil.copy(CORPUS / "hexi_education_plan.txt", corpus)
    out = tmp_path / "out"
    assert main(["batch", str(corpus), "-o", str(out), "--workers", "0", "-q"]) == 0
    assert main(["batch", str(corpus), "-o", str(out), "--workers", "0", "-q", "--no-cache"]) == 0
    assert "(0 from cache)" in capsys.readouterr().out.splitlines()[-2]


def test_output_folder_inside_the_input_is_not_read_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    out = corpus / "results"
    for _ in range(2):
        assert main(["batch", str(corpus), "-o", str(out), "--workers", "0", "-q", "--format", "csv"]) == 0
        assert "9 documents: 7 analysed" in capsys.readouterr().out
