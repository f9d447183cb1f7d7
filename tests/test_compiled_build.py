"""The compiled (mypyc) build of normalise + structure: when it is used, and that it changes nothing.

``setup.py`` compiles the modules of ``COMPILED_SOURCES`` when it can and records their sources'
SHA-256 in a manifest; ``policytext._compiled`` imports the sources instead when the compiled
modules do not match them (or the list), or with ``POLICYTEXT_PURE_PYTHON=1``.
The equivalence tests compare the build in use with the sources, in a second process; they skip
where the build in use is the sources (nothing to compare), and CI (``POLICYTEXT_REQUIRE_COMPILED=1``)
requires the compiled build.
"""

from __future__ import annotations

import hashlib
import importlib.machinery
import importlib.util
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import policytext
from policytext._compiled import (
    BUILD,
    COMPILED_SOURCES,
    MANIFEST,
    SourceFinder,
    compiled_modules,
    compiled_state,
    module_name,
    source_digests,
)
from policytext.pipeline import parse_text
from tests.conftest import ROOT, SHARED, iter_jsonl

COMPILED = BUILD.startswith("compiled")
_SUFFIX = importlib.machinery.EXTENSION_SUFFIXES[0]


def test_every_listed_source_is_a_module_of_the_package() -> None:
    for source in COMPILED_SOURCES:
        assert (ROOT / source).is_file(), source
        spec = importlib.util.find_spec(module_name(source))
        assert spec is not None and spec.origin is not None
    assert module_name("policytext/structure/__init__.py") == "policytext.structure"
    assert module_name("policytext/normalize.py") == "policytext.normalize"


def _tree(tmp_path: Path) -> Path:
    """A copy of the compiled modules' layout, with sources of their own."""
    for source in COMPILED_SOURCES:
        path = tmp_path / source
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"# {source}\n", encoding="utf-8")
    return tmp_path


def _build(root: Path, *, manifest: bool = True) -> None:
    """Compiled modules beside the sources (empty files will do) and, as a build writes it, the manifest."""
    for source in COMPILED_SOURCES:
        (root / source).with_suffix(_SUFFIX).write_bytes(b"")
    if manifest:
        (root / MANIFEST).write_text(json.dumps({"sources": source_digests(root)}), encoding="utf-8")


def test_a_tree_without_compiled_modules_is_a_pure_install(tmp_path: Path) -> None:
    assert compiled_state(_tree(tmp_path)) == "none"


def test_compiled_modules_that_match_their_sources_are_used(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    _build(root)
    assert compiled_state(root) == "compiled"
    assert set(compiled_modules(root)) == {module_name(source) for source in COMPILED_SOURCES}


def test_an_edited_source_makes_the_compiled_modules_stale(tmp_path: Path) -> None:
    # by content, not by age: an edit during the build, or a restored old file, counts too
    root = _tree(tmp_path)
    _build(root)
    with (root / COMPILED_SOURCES[3]).open("a", encoding="utf-8") as handle:
        handle.write("EDITED = True\n")
    assert compiled_state(root) == "stale"


def test_compiled_modules_without_a_manifest_are_stale(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    _build(root, manifest=False)
    assert compiled_state(root) == "stale"
    (root / MANIFEST).write_text("not json", encoding="utf-8")
    assert compiled_state(root) == "stale"


def test_compiled_modules_whose_runtime_library_cannot_be_found_are_stale(tmp_path: Path) -> None:
    # they would fail to import (another install's import hook in the way): use the sources
    root = _tree(tmp_path)
    _build(root)
    manifest = root / MANIFEST
    manifest.write_text(
        json.dumps({"sources": source_digests(root), "library": "no_such_library__mypyc"}), encoding="utf-8"
    )
    assert compiled_state(root) == "stale"
    manifest.write_text(json.dumps({"sources": source_digests(root), "library": "json"}), encoding="utf-8")
    assert compiled_state(root) == "compiled"


def test_a_missing_compiled_module_makes_the_others_stale(tmp_path: Path) -> None:
    # all or none: compiled modules call each other directly, a mix would run stale code
    root = _tree(tmp_path)
    _build(root)
    (root / COMPILED_SOURCES[-1]).with_suffix(_SUFFIX).unlink()
    assert compiled_state(root) == "stale"


def test_a_compiled_module_of_a_module_no_longer_listed_makes_the_build_stale(tmp_path: Path) -> None:
    # a module dropped from the list (or a newer build's outputs in an older checkout) leaves a
    # compiled file that Python's import would prefer to its source
    root = _tree(tmp_path)
    _build(root)
    orphan = root / "policytext" / "structure" / "old.py"
    orphan.write_text("", encoding="utf-8")
    orphan.with_suffix(_SUFFIX).write_bytes(b"")
    assert compiled_state(root) == "stale"
    assert "policytext.structure.old" in compiled_modules(root)


def test_the_source_finder_imports_packages_and_modules_from_their_sources(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    finder = SourceFinder(root)
    package = finder.find_spec("policytext.structure", None)
    assert package is not None and package.origin == str(root / "policytext/structure/__init__.py")
    assert package.submodule_search_locations == [str(root / "policytext/structure")]
    module = finder.find_spec("policytext.structure.outline", None)
    assert module is not None and module.origin == str(root / "policytext/structure/outline.py")
    assert finder.find_spec("policytext.model", None) is None  # not compiled: left to the usual import
    (root / "policytext" / "structure" / "old.py").write_text("", encoding="utf-8")
    extra = SourceFinder(root, names=["policytext.structure.old"]).find_spec("policytext.structure.old", None)
    assert extra is not None and extra.origin == str(root / "policytext/structure/old.py")


def _run(code: str, **env: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={**os.environ, **env},
    )
    return result.stdout


def test_pure_python_can_be_asked_for_at_run_time() -> None:
    out = _run(
        """
        import policytext, policytext.normalize, policytext.structure.outline
        print(policytext._compiled.BUILD)
        print(policytext.normalize.__file__)
        print(policytext.structure.outline.__file__)
        """,
        POLICYTEXT_PURE_PYTHON="1",
    ).splitlines()
    assert out[0].startswith("pure Python")
    assert out[1].endswith("normalize.py") and out[2].endswith("outline.py")


@pytest.mark.skipif(
    os.environ.get("POLICYTEXT_REQUIRE_COMPILED") != "1", reason="only CI requires the compiled build"
)
def test_ci_runs_the_compiled_build() -> None:
    import policytext.normalize
    import policytext.structure.outline

    assert BUILD == "compiled (mypyc)"
    assert not policytext.normalize.__file__.endswith(".py")
    assert not policytext.structure.outline.__file__.endswith(".py")


# Texts written for this test: the clause forms, numbering styles and header parts the compiled
# code must treat exactly as the sources do.
_FIXTURES = (
    "关于印发某市推进产教融合工作方案的通知\n某政办发〔2025〕3号\n各区县人民政府，市直各部门：\n"
    "一、总体要求\n（一）建设实训基地。到2027年建成10个以上。（牵头单位：市教育局；配合单位：市人社局、市财政局）\n"
    "（二）推进校企合作。（市发改委牵头，市科技局参加）\n1.完善机制，2026年底前完成。\n2.落实《职业教育法》。\n"
    "二、保障措施\n（一）加强组织领导（责任单位：各区县人民政府，长期坚持）\n\n某市人民政府办公室\n2025年2月8日\n",
    "第一章　总则\n第一条（目的）为了规范管理，制定本条例。\n第二条 本条例适用于本市。\n"
    "第二章 措施\n第三条 政府应当：\n（一）投入不低于3%；\n（二）三分之一以上用于培训。\n第四条 本条例自2025年1月1日起施行。\n",
    "(一)加强学科建设:支持 １０ 所学校 。\n(二)人才引进,每年200人左右 .\n①完善制度②强化考核\n",
)


def _digest(doc: policytext.PolicyDocument) -> str:
    payload = {
        "doc": doc.to_dict(include_text=True),
        "outline": [node.to_dict() for node in doc.outline],
        "warnings": list(doc.warnings),
    }
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def _digests_in_pure_python(texts_file: Path) -> list[str]:
    return _run(
        f"""
        import json
        from pathlib import Path
        from policytext.pipeline import parse_text
        from tests.test_compiled_build import _digest
        for text in json.loads(Path({str(texts_file)!r}).read_text(encoding="utf-8")):
            print(_digest(parse_text(text)))
        """,
        POLICYTEXT_PURE_PYTHON="1",
    ).split()


def _assert_same_as_pure_python(texts: list[str], tmp_path: Path) -> None:
    texts_file = tmp_path / "texts.json"
    texts_file.write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
    pure = _digests_in_pure_python(texts_file)
    differ = [
        index
        for index, (text, digest) in enumerate(zip(texts, pure, strict=True))
        if _digest(parse_text(text)) != digest
    ]
    assert not differ, f"compiled and pure builds differ on texts {differ[:10]}"


@pytest.mark.skipif(not COMPILED, reason=f"the build in use is the sources ({BUILD}): nothing to compare")
def test_the_compiled_build_parses_the_plan_and_fixtures_as_the_sources_do(tmp_path: Path) -> None:
    plan = (ROOT / "corpora" / "qianjiang_2025_education_science_talent_plan.txt").read_text(encoding="utf-8")
    _assert_same_as_pure_python([plan, *_FIXTURES], tmp_path)


@pytest.mark.shared
@pytest.mark.slow
@pytest.mark.skipif(not COMPILED, reason=f"the build in use is the sources ({BUILD}): nothing to compare")
def test_the_compiled_build_parses_real_documents_as_the_sources_do(tmp_path: Path) -> None:
    texts = [
        record["full_text"]
        for record in iter_jsonl(SHARED / "provincial_gwr_2026/provincial_gov_work_reports_2026.jsonl")
    ]
    texts += [
        record["text"]
        for record in iter_jsonl(SHARED / "state_council_2019/state_council_docs_2019snapshot.jsonl")
    ][:80]
    laws = iter_jsonl(SHARED / "laws/lawrefbook_laws.jsonl.gz")
    texts += [next(laws)["text"] for _ in range(300)]
    _assert_same_as_pure_python(texts, tmp_path)
