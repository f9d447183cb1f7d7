"""The Dask engine runs the same pipeline and gives the same tables as the local engine."""

from __future__ import annotations

import logging

import pandas as pd
import pytest

from policytext.corpus import Corpus
from policytext.corpus.result import TABLES

from .conftest import FIXTURES

CORPUS = FIXTURES / "corpus"


@pytest.mark.slow
def test_dask_local_cluster_equals_local_engine() -> None:
    from dask.distributed import LocalCluster

    local = Corpus(CORPUS).analyse(workers=2, cache=False, chunk_size=2)
    with LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        silence_logs=logging.CRITICAL,
    ) as cluster:
        distributed = Corpus(CORPUS).analyse(
            engine="dask", scheduler=cluster.scheduler_address, cache=False, chunk_size=2
        )
    assert distributed.summary["engine"] == "dask"
    assert distributed.summary["workers"] == 2
    assert len(distributed.errors) == 2  # the bad records are error rows there too
    for name in TABLES:
        pd.testing.assert_frame_equal(local.table(name), distributed.table(name), obj=name)
