"""The bundled corpus, and where the public reference corpora are looked for."""

from __future__ import annotations

from pathlib import Path

import pytest

from policytext import corpora
from policytext.errors import InputError


def test_the_bundled_plan_is_listed_and_loads_with_its_manifest_entry() -> None:
    assert corpora.names() == ["qianjiang_2025"]
    (entry,) = corpora.entries()
    doc = corpora.load("qianjiang_2025")
    assert doc.header.date == entry.date == "2025-02-08"
    assert len(doc.measures) == 20
    assert corpora.resolve_path("qianjiang_2025") == corpora.path() == entry.file


def test_an_unknown_name_is_an_input_error_that_lists_the_known_names() -> None:
    with pytest.raises(InputError, match="qianjiang_2025"):
        corpora.load("no_such_plan")


def test_shared_dir_follows_the_environment_variable(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("POLICYTEXT_SHARED_CORPORA", str(tmp_path))
    assert corpora.shared_dir() == tmp_path
    monkeypatch.delenv("POLICYTEXT_SHARED_CORPORA")
    assert corpora.shared_dir().parts[-2:] == ("shared", "corpora")
