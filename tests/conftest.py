"""Shared test fixtures: the bundled plan and the shared public corpora."""

from __future__ import annotations

import gzip
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from policytext._util import shared_corpora_dir

# Property tests search with fresh random examples on developers' machines; CI (`.ci/run` sets
# HYPOTHESIS_PROFILE=ci) uses the same examples on every run, so that a landing does not depend
# on a lucky draw.  A counterexample found locally becomes a named test.
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
PLAN_PATH = ROOT / "corpora" / "qianjiang_2025_education_science_talent_plan.txt"

SHARED = shared_corpora_dir()
HAVE_SHARED = SHARED.is_dir()
#: In CI the shared corpora are mandatory: a missing folder fails instead of skipping.
REQUIRE_SHARED = os.environ.get("POLICYTEXT_REQUIRE_SHARED") == "1"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if HAVE_SHARED:
        return
    if REQUIRE_SHARED:
        raise pytest.UsageError(f"POLICYTEXT_REQUIRE_SHARED=1 but the shared corpora are missing at {SHARED}")
    reason = f"shared corpora not found at {SHARED} (set POLICYTEXT_SHARED_CORPORA)"
    for item in items:
        if "shared" in item.keywords:
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def plan_path() -> Path:
    return PLAN_PATH


@pytest.fixture(scope="session")
def plan():
    import policytext

    return policytext.read(PLAN_PATH)


@pytest.fixture(scope="session")
def shared() -> Path:
    return SHARED


def iter_jsonl(path: Path) -> Iterator[dict]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def shared_records(relative: str) -> list[dict]:
    """All records of a JSONL file under the shared corpora."""
    return list(iter_jsonl(SHARED / relative))
