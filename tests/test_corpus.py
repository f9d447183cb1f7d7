"""Corpus loading, analysis, errors, cache, save/load and analytics on real documents."""

from __future__ import annotations

import os
import shutil
import signal
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policytext.corpus import AnalysisResult, Corpus, _minhash
from policytext.corpus import analytics as A
from policytext.corpus._work import measure_columns, unit_columns
from policytext.corpus.cache import ResultCache
from policytext.corpus.result import TABLES

from .conftest import FIXTURES, PLAN_PATH

CORPUS = FIXTURES / "corpus"
FILE_IDS = [
    "county/songxi_science_notice.txt",
    "hedong_education_plan.txt",
    "hexi_education_plan.txt",
    "yunling_education_opinions.md",
]


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> AnalysisResult:
    cache = tmp_path_factory.mktemp("cache")
    return Corpus(CORPUS).analyse(workers=0, cache=cache)


def assert_same_tables(first: AnalysisResult, second: AnalysisResult) -> None:
    for name in TABLES:
        pd.testing.assert_frame_equal(first.table(name), second.table(name), obj=name)


# -- loading ------------------------------------------------------------------------------------
def test_folder_is_read_recursively_with_record_files_expanded() -> None:
    corpus = Corpus(CORPUS)
    ids = [ref.doc_id for ref in corpus]
    assert ids == [*FILE_IDS, "records#0", "records#1", "records#2", "records#3", "records#4"]
    assert len(corpus) == 9
    refs = {ref.doc_id: ref for ref in corpus}
    assert refs["county/songxi_science_notice.txt"].path == str(
        CORPUS / "county" / "songxi_science_notice.txt"
    )
    assert refs["records#1"].record == 1


def test_record_metadata_is_kept_and_standardised() -> None:
    corpus = Corpus(CORPUS / "records.jsonl", id_column="id")
    meta = corpus.metadata().set_index("doc_id")
    assert list(meta.index[:2]) == ["records#r1", "records#r2"]
    assert meta.loc["records#r2", "issuer"] == "青川县科协"
    assert meta.loc["records#r2", "date"] == "2024-07-01"
    assert meta.loc["records#r2", "region"] == "云岭"


def test_parent_holds_no_text_for_files() -> None:
    items = list(Corpus(CORPUS).items())
    assert all(item.text is None for item in items if item.ref.record is None)
    assert all(len(item.content_hash) == 64 for item in items)


# -- analysis -----------------------------------------------------------------------------------
def test_every_good_document_is_analysed_and_bad_records_become_error_rows(result: AnalysisResult) -> None:
    assert result.documents["doc_id"].tolist() == [*FILE_IDS, "records#0", "records#1", "records#4"]
    errors = result.errors.set_index("doc_id")
    assert errors.loc["records#2", "error_class"] == "EmptyDocumentError"
    assert "empty" in errors.loc["records#2", "reason"]
    assert errors.loc["records#3", "error_class"] == "RecordError"
    assert "invalid JSON" in errors.loc["records#3", "reason"]
    assert errors.loc["records#3", "record"] == 3
    summary = result.summary
    assert (summary["documents"], summary["analysed"], summary["errors"]) == (9, 7, 2)


def test_documents_table_has_header_and_metadata(result: AnalysisResult) -> None:
    docs = result.documents.set_index("doc_id")
    hexi = docs.loc["hexi_education_plan.txt"]
    assert hexi["title"] == "河西市基础教育提质行动方案"
    assert hexi["doc_number"] == "河西政办发〔2024〕12号"
    assert hexi["date"] == "2024-03-15"
    assert (hexi["n_measures"], hexi["n_units"]) == (5, 13)
    record = docs.loc["records#1"]
    assert (record["issuer"], record["region"], record["date"]) == ("青川县科协", "云岭", "2024-07-01")
    assert '"issuer": "青川县科协"' in record["metadata"]


def test_measures_and_units_tables(result: AnalysisResult) -> None:
    measures = result.measures[result.measures["doc_id"] == "hexi_education_plan.txt"]
    assert measures["path"].tolist()[:2] == ["一、/（一）", "一、/（二）"]
    assert measures["lead_units"].tolist() == ["市教育局", "市教育局", "市教育局", "市财政局", "市财政局"]
    units = result.units[
        (result.units["doc_id"] == "hexi_education_plan.txt") & (result.units["measure"] == 3)
    ]
    assert list(zip(units["name"], units["role"], strict=True)) == [
        ("市财政局", "lead"), ("市教育局", "support"), ("市人社局", "support"),
    ]  # fmt: skip


def test_keywords_table(result: AnalysisResult) -> None:
    keywords = result.keywords[result.keywords["doc_id"] == "county/songxi_science_notice.txt"]
    assert keywords["rank"].tolist() == list(range(1, len(keywords) + 1))
    assert "科技特派员" in keywords["term"].tolist()[:3]
    assert set(result.keywords["doc_id"]) == set(result.documents["doc_id"])


def test_worker_rows_equal_the_model_frames() -> None:
    import policytext

    doc = policytext.read(PLAN_PATH)
    pd.testing.assert_frame_equal(
        pd.DataFrame(measure_columns(doc, "x")).drop(columns="doc_id"),
        doc.measures_frame(),
        check_dtype=False,
    )
    pd.testing.assert_frame_equal(
        pd.DataFrame(unit_columns(doc, "x")).drop(columns="doc_id"), doc.units_frame(), check_dtype=False
    )


def test_in_memory_documents_and_dataframes() -> None:
    plan = PLAN_PATH.read_text(encoding="utf-8")
    frame = pd.DataFrame({"text": [plan, "  "], "title": ["潜江方案", "空白"], "province": ["湖北", "湖北"]})
    result = Corpus(frame).analyse(workers=0, cache=False, keywords=False)
    assert result.documents["doc_id"].tolist() == ["doc0"]
    assert result.documents.loc[0, "n_measures"] == 20
    assert result.documents.loc[0, "region"] == "湖北"
    assert result.errors.loc[0, "error_class"] == "EmptyDocumentError"
    listed = Corpus([plan, {"text": None}]).analyse(workers=0, cache=False, keywords=False, minhash=False)
    assert listed.errors["doc_id"].tolist() == ["doc1"]
    assert listed.documents["minhash"].isna().all()


def _bad_documents(folder: Path) -> None:
    shutil.copy(CORPUS / "hexi_education_plan.txt", folder / "good.txt")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 40)
    with zipfile.ZipFile(folder / "whole.docx", "w") as archive:
        archive.writestr("word/document.xml", "<w:document>" + "x" * 5000 + "</w:document>")
    data = (folder / "whole.docx").read_bytes()
    (folder / "truncated.docx").write_bytes(data[: len(data) // 2])
    (folder / "whole.docx").unlink()
    (folder / "notes.xyz").write_text("ignored: not a supported format", encoding="utf-8")


def test_bad_files_are_error_rows_and_the_rest_is_processed(tmp_path: Path) -> None:
    _bad_documents(tmp_path)
    result = Corpus(tmp_path).analyse(workers=0, cache=False)
    assert result.documents["doc_id"].tolist() == ["good.txt"]
    errors = dict(zip(result.errors["doc_id"], result.errors["error_class"], strict=True))
    assert set(errors) == {"binary.txt", "empty.txt", "truncated.docx"}
    assert errors["empty.txt"] == "EmptyDocumentError"
    assert all(reason for reason in result.errors["reason"])


@pytest.mark.slow
def test_local_process_pool_equals_in_process(tmp_path: Path, result: AnalysisResult) -> None:
    pooled = Corpus(CORPUS).analyse(workers=2, cache=False, chunk_size=2)
    assert pooled.summary["engine"] == "local" and pooled.summary["workers"] == 2
    assert_same_tables(result, pooled)


# -- cache --------------------------------------------------------------------------------------
def test_rerun_reuses_cached_results_and_recomputes_what_changed(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    shutil.copytree(CORPUS, folder)
    cache = tmp_path / "cache"
    first = Corpus(folder).analyse(workers=0, cache=cache)
    assert first.summary["computed"] == 9 and first.summary["from_cache"] == 0
    assert len(ResultCache(cache)) == 7  # errors are not cached: a rerun retries them
    second = Corpus(folder).analyse(workers=0, cache=cache)
    assert second.summary["from_cache"] == 7 and second.summary["computed"] == 2
    assert_same_tables(first, second)
    edited = folder / "hexi_education_plan.txt"
    edited.write_text(edited.read_text(encoding="utf-8").replace("6000个", "7000个"), encoding="utf-8")
    third = Corpus(folder).analyse(workers=0, cache=cache)
    assert third.summary["from_cache"] == 6 and third.summary["computed"] == 3
    other_options = Corpus(folder).analyse(workers=0, cache=cache, top_keywords=5)
    assert other_options.summary["from_cache"] == 0
    assert other_options.keywords.groupby("doc_id").size().max() == 5


def test_cached_result_moves_to_the_new_identity(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    (tmp_path / "a").mkdir()
    shutil.copy(CORPUS / "hexi_education_plan.txt", tmp_path / "a" / "one.txt")
    Corpus(tmp_path / "a").analyse(workers=0, cache=cache, keywords=False)
    (tmp_path / "b").mkdir()
    shutil.copy(CORPUS / "hexi_education_plan.txt", tmp_path / "b" / "renamed.txt")
    moved = Corpus(tmp_path / "b").analyse(workers=0, cache=cache, keywords=False)
    assert moved.summary["from_cache"] == 1
    assert moved.documents.loc[0, "doc_id"] == "renamed.txt"
    assert moved.documents.loc[0, "path"] == str(tmp_path / "b" / "renamed.txt")
    assert set(moved.measures["doc_id"]) == {"renamed.txt"}


def test_cache_file_names_are_hashes_whatever_the_ids(tmp_path: Path) -> None:
    records = tmp_path / "evil.jsonl"
    plan = PLAN_PATH.read_text(encoding="utf-8")
    import json

    records.write_text(
        json.dumps({"id": "../../escape", "text": plan}, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    cache = tmp_path / "cache"
    result = Corpus(records, id_column="id").analyse(workers=0, cache=cache, keywords=False)
    assert result.documents.loc[0, "doc_id"] == "evil#../../escape"
    written = [p for p in tmp_path.rglob("*") if p.is_file() and p != records]
    assert written and all(cache in p.parents and len(p.stem) == 64 for p in written)


def test_corrupt_cache_entry_is_recomputed(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    Corpus([PLAN_PATH.read_text(encoding="utf-8")]).analyse(workers=0, cache=cache, keywords=False)
    (entry,) = cache.rglob("*.json")
    entry.write_text("{truncated", encoding="utf-8")
    again = Corpus([PLAN_PATH.read_text(encoding="utf-8")]).analyse(workers=0, cache=cache, keywords=False)
    assert again.summary["computed"] == 1 and len(again.measures) == 20


# -- save / load ----------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_save_and_load_round_trip(result: AnalysisResult, tmp_path: Path, fmt: str) -> None:
    result.save(tmp_path, format=fmt)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [*(f"{t}.{fmt}" for t in TABLES), "summary.json"]
    )
    loaded = AnalysisResult.load(tmp_path)
    assert_same_tables(result, loaded)
    assert loaded.summary["analysed"] == 7


# -- analytics ------------------------------------------------------------------------------------
def test_near_duplicates_find_the_reissued_plan_only(result: AnalysisResult) -> None:
    pairs = A.near_duplicates(result, threshold=0.7)
    assert list(zip(pairs["doc_a"], pairs["doc_b"], strict=True)) == [
        ("hedong_education_plan.txt", "hexi_education_plan.txt")
    ]
    assert pairs.loc[0, "similarity"] > 0.8


@pytest.mark.parametrize("method", ["minhash", "keywords"])
def test_similarity_matrix(result: AnalysisResult, method: str) -> None:
    matrix = A.similarity_matrix(result, method=method)
    assert list(matrix.index) == result.documents["doc_id"].tolist()
    assert (matrix.to_numpy().diagonal() == 1.0).all()
    assert (matrix.to_numpy() == matrix.to_numpy().T).all()
    row = matrix.loc["hexi_education_plan.txt"].drop("hexi_education_plan.txt")
    assert row.idxmax() == "hedong_education_plan.txt"


def test_agency_network(result: AnalysisResult) -> None:
    graph = A.agency_network(result)
    assert graph["市教育局"]["市人力资源和社会保障局"]["weight"] == 4  # 2 measures x 2 plans
    assert graph.nodes["市教育局"]["lead"] == 6
    directed = A.agency_network(result, directed=True)
    assert directed["市财政局"]["市教育局"]["weight"] == 4
    assert not directed.has_edge("市教育局", "市财政局") or directed["市教育局"]["市财政局"]["weight"] < 4
    strong = A.agency_network(result, min_weight=4)
    assert all(data["weight"] >= 4 for _, _, data in strong.edges(data=True))


def test_keyword_trends(result: AnalysisResult) -> None:
    trends = A.keyword_trends(result, by="year", terms=["基础教育"])
    row = trends[(trends["year"] == "2024") & (trends["term"] == "基础教育")].iloc[0]
    assert row["documents"] >= 2
    assert 0 < row["share"] <= 1
    by_region = A.keyword_trends(result, by="region", pivot=True)
    assert list(by_region.index) == ["云岭"]
    with pytest.raises(Exception, match="cannot group"):
        A.keyword_trends(result, by="nonsense")


def test_citation_table_and_graph(result: AnalysisResult) -> None:
    table = A.citation_table(result)
    resolved = table.dropna(subset=["cited_doc_id"])
    edges = set(zip(resolved["doc_id"], resolved["cited_doc_id"], resolved["matched_by"], strict=True))
    assert edges == {
        ("county/songxi_science_notice.txt", "hexi_education_plan.txt", "title"),
        ("hexi_education_plan.txt", "yunling_education_opinions.md", "doc_number"),
        ("hedong_education_plan.txt", "yunling_education_opinions.md", "doc_number"),
    }
    graph = A.citation_graph(result)
    assert graph.in_degree("yunling_education_opinions.md") == 2
    assert A.normalise_title("《中华人民共和国 教育法》") == "教育法"


# -- worker crash --------------------------------------------------------------------------------
@pytest.mark.slow
def test_a_killed_worker_does_not_stop_the_run(tmp_path: Path, result: AnalysisResult) -> None:
    import psutil

    killed: list[int] = []

    def kill_one_worker(done: int, _total: int | None) -> None:
        if killed or done < 1:
            return
        for child in psutil.Process().children():
            # the forkserver (our child) forks the pool's workers: kill one of those, nothing else
            if "forkserver" not in " ".join(child.cmdline()):
                continue
            workers = [w for w in child.children() if "forkserver" in " ".join(w.cmdline())]
            if workers:
                os.kill(workers[0].pid, signal.SIGKILL)
                killed.append(workers[0].pid)
                return

    survived = Corpus(CORPUS).analyse(workers=2, cache=False, chunk_size=1, progress=kill_one_worker)
    assert killed, "no worker was found to kill"
    assert_same_tables(result, survived)


class _StopHere(Exception):
    pass


@pytest.mark.slow
def test_a_run_stopped_by_its_caller_leaves_no_pool_thread_or_worker_behind() -> None:
    """A stopped pool must be fully down when the exception reaches the caller: a manager thread
    still closing its pipes at interpreter exit makes Python < 3.12 print a traceback."""
    import threading

    import psutil

    def stop_after_first(done: int, _total: int | None) -> None:
        if done >= 1:
            raise _StopHere

    with pytest.raises(_StopHere):
        Corpus(CORPUS).analyse(workers=2, cache=False, chunk_size=1, progress=stop_after_first)
    managers = [t for t in threading.enumerate() if type(t).__name__ == "_ExecutorManagerThread"]
    assert not [t for t in managers if t.is_alive()]
    workers = [
        child
        for forkserver in psutil.Process().children()
        for child in forkserver.children()
        if child.is_running() and child.status() != psutil.STATUS_ZOMBIE
    ]
    assert not workers


# -- a real public corpus ------------------------------------------------------------------------
@pytest.mark.shared
def test_state_council_documents(shared: Path) -> None:
    path = shared / "state_council_2019" / "state_council_docs_2019snapshot.jsonl"
    result = Corpus(path).analyse(workers=0, cache=False, keywords=False)
    assert (len(result.documents), len(result.errors)) == (60, 0)
    docs = result.documents.set_index("doc_number")
    vocational = docs.loc["国发〔2019〕4号"]
    assert vocational["issuer"] == "国务院"
    assert "职业教育改革实施方案" in vocational["title"]
    assert vocational["n_measures"] >= 10
    assert result.documents["doc_number"].notna().all()  # from the record's doc_number column
    assert result.measures.groupby("doc_id").size().sum() == result.documents["n_measures"].sum()


# -- MinHash properties ----------------------------------------------------------------------------
_HAN = st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x4E80), min_size=0, max_size=300)


@settings(max_examples=60, deadline=None)
@given(_HAN, _HAN)
def test_minhash_signatures_behave_like_jaccard(first: str, second: str) -> None:
    sig_first, sig_second = _minhash.signature(first), _minhash.signature(second)
    assert _minhash.jaccard(sig_first, sig_second) == _minhash.jaccard(sig_second, sig_first)
    spaced = " ".join(first[i : i + 7] for i in range(0, len(first), 7))
    assert (_minhash.signature(spaced) == sig_first).all()  # white space does not count
    assert (_minhash.from_hex(_minhash.to_hex(sig_first)) == sig_first).all()
    if first and set(_minhash.shingle_hashes(first)) == set(_minhash.shingle_hashes(first + first[-5:])):
        assert (sig_first == _minhash.signature(first + first[-5:])).all()
