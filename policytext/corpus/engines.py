"""Execution engines: run chunks of documents on local processes or on a Dask cluster.

Both engines run the same function, :func:`policytext.corpus._work.analyse_chunk`, on chunks of
:class:`~policytext.corpus.sources.WorkItem` and hand each finished chunk's results back to the
caller as soon as it completes (so they can be cached and counted while the run goes on).
Submission is bounded: only a few chunks per worker are in flight, so the parent never holds
more than those texts at once.

A worker that dies (a crash, the OOM killer, ``kill -9``) does not stop the run: the chunks
that were in flight are retried one document at a time, strictly one at a time, so that a
document that kills its worker again is identified and recorded as an error row.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import pickle
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from policytext.corpus._work import AnalysisOptions, analyse_chunk, analyse_item, init_worker
from policytext.corpus.sources import WorkItem
from policytext.errors import ConfigurationError, PolicyTextError

Chunk = list[WorkItem]
#: Called with a finished chunk and its results (same order).
OnResults = Callable[[Chunk, list[dict[str, Any]]], None]

ENGINES = ("local", "dask")
#: At most this many pool restarts per run; past it something is wrong with the machine.
MAX_RESTARTS = 50


def default_workers() -> int:
    """All cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - macOS, Windows
        return max(1, os.cpu_count() or 1)


def crash_row(item: WorkItem, reason: str) -> dict[str, Any]:
    """The result of a document whose worker process died while analysing it."""
    ref = item.ref
    error = {
        "doc_id": ref.doc_id,
        "path": ref.path,
        "record": ref.record,
        "error_class": "WorkerCrashed",
        "reason": reason,
    }
    return {"doc_id": ref.doc_id, "error": error, "seconds": 0.0, "pid": None}


class _Scheduler:
    """Bounded submission with crash isolation, shared by both engines.

    ``fresh`` chunks come from the caller; ``suspects`` are single documents that were in flight
    when a worker died.  A suspect only runs alone, so a second death names the culprit.
    """

    def __init__(self, chunks: Iterable[Chunk], max_pending: int) -> None:
        self._chunks: Iterator[Chunk] = iter(chunks)
        self._exhausted = False
        self.suspects: deque[WorkItem] = deque()
        self.max_pending = max_pending

    def next_chunk(self, n_pending: int, suspect_in_flight: bool) -> tuple[Chunk, bool] | None:
        """The next chunk to submit and whether it is a suspect, or None to wait."""
        if suspect_in_flight:
            return None
        if self.suspects:
            return ([self.suspects.popleft()], True) if n_pending == 0 else None
        if self._exhausted or n_pending >= self.max_pending:
            return None
        chunk = next(self._chunks, None)
        if chunk is None:
            self._exhausted = True
            return None
        return chunk, False

    def done(self, n_pending: int) -> bool:
        return n_pending == 0 and not self.suspects and self._exhausted


class InProcessEngine:
    """Runs every document in this process: for debugging, tiny corpora and ``workers=0``."""

    name = "inprocess"
    workers = 0

    def run(self, chunks: Iterable[Chunk], options: AnalysisOptions, on_results: OnResults) -> None:
        for chunk in chunks:
            on_results(chunk, [analyse_item(item, options) for item in chunk])


class LocalEngine:
    """A process pool on this machine; each worker builds its Segmenter once in its initializer.

    Workers start with the ``forkserver`` method where available (``spawn`` elsewhere): a fork
    of a parent that runs threads (a progress bar, a Dask client) can deadlock, and a fresh
    worker never inherits the parent's memory.
    """

    name = "local"

    def __init__(self, workers: int | None = None, *, max_pending_per_worker: int = 3) -> None:
        self.workers = workers or default_workers()
        self.max_pending = self.workers * max_pending_per_worker

    def _executor(self, options: AnalysisOptions) -> ProcessPoolExecutor:
        method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
        executor = ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=multiprocessing.get_context(method),
            initializer=init_worker,
            initargs=(options,),
        )
        # A pool that cannot start at all (a script without the ``if __name__ == "__main__":``
        # guard, a broken installation) must fail once, clearly, not look like crashing documents.
        try:
            executor.submit(_ping).result()
        except BrokenProcessPool:
            _stop(executor)
            raise PolicyTextError(
                "worker processes could not start. In a script, call analyse() under "
                "'if __name__ == \"__main__\":' (or use workers=0)"
            ) from None
        return executor

    def run(self, chunks: Iterable[Chunk], options: AnalysisOptions, on_results: OnResults) -> None:
        scheduler = _Scheduler(chunks, self.max_pending)
        executor = self._executor(options)
        pending: dict[Future[list[dict[str, Any]]], tuple[Chunk, bool]] = {}
        restarts = 0
        try:
            while not scheduler.done(len(pending)):
                broken = False
                while (
                    nxt := scheduler.next_chunk(len(pending), any(s for _, s in pending.values()))
                ) is not None:
                    chunk, suspect = nxt
                    try:
                        pending[executor.submit(analyse_chunk, chunk, options)] = (chunk, suspect)
                    except BrokenProcessPool:  # a worker died while idle: the chunk never ran
                        scheduler.suspects.extendleft(reversed(chunk))
                        broken = True
                        break
                finished = wait(pending, return_when=FIRST_COMPLETED)[0] if pending and not broken else set()
                for future in finished:
                    chunk, suspect = pending.pop(future)
                    try:
                        results = future.result()
                    except BrokenProcessPool:
                        broken = True
                        _requeue(scheduler, chunk, suspect, on_results)
                        continue
                    on_results(chunk, results)
                if broken:
                    for chunk, suspect in pending.values():
                        _requeue(scheduler, chunk, suspect, on_results)
                    pending.clear()
                    _stop(executor)
                    restarts += 1
                    if restarts > MAX_RESTARTS:
                        raise PolicyTextError(f"worker processes died {restarts} times; giving up")
                    executor = self._executor(options)
        except BaseException:  # Ctrl-C, SIGTERM, an error in the caller's callback: stop now
            _stop(executor)
            raise
        executor.shutdown(wait=True)


def _ping() -> int:
    return os.getpid()


def _requeue(scheduler: _Scheduler, chunk: Chunk, suspect: bool, on_results: OnResults) -> None:
    if suspect:  # it ran alone and its worker died: this document is the cause
        item = chunk[0]
        on_results(chunk, [crash_row(item, "the worker process died while analysing this document")])
    else:
        scheduler.suspects.extend(chunk)


def _stop(executor: ProcessPoolExecutor) -> None:
    """Stop the pool now: cancel queued chunks, end workers that are still running one, and wait
    for the pool's manager thread to close its pipes.

    The last wait matters at interpreter exit: before Python 3.12 the exit hook of
    ``concurrent.futures`` can write to the manager thread's wake-up pipe while that thread is
    closing it, and the process then prints an ``OSError: Bad file descriptor`` traceback.
    """
    # private attributes: there is no public API for either before Python 3.14
    processes = list((getattr(executor, "_processes", None) or {}).values())
    manager = getattr(executor, "_executor_manager_thread", None)
    executor.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(timeout=5)
    if manager is not None:
        manager.join(timeout=5)


class DaskEngine:
    """The same chunks as Dask tasks, on a ``LocalCluster`` (default) or an existing scheduler.

    Workers need policytext installed.  Each worker process caches its Segmenter (see
    :mod:`policytext.corpus._work`), so only the first chunk on a worker pays for loading the
    dictionary.  Dask itself retries a task whose worker died; a chunk that still fails
    (``KilledWorker``) is retried one document at a time like in the local engine.
    """

    name = "dask"

    def __init__(
        self, workers: int | None = None, *, scheduler: str | None = None, max_pending_per_worker: int = 3
    ) -> None:
        self.scheduler = scheduler
        self.workers = workers or default_workers()
        self.max_pending = self.workers * max_pending_per_worker

    def run(self, chunks: Iterable[Chunk], options: AnalysisOptions, on_results: OnResults) -> None:
        try:
            from dask.distributed import Client, LocalCluster, as_completed
            from distributed.scheduler import KilledWorker
        except ImportError as error:  # pragma: no cover - dask is a dependency
            from policytext.errors import DependencyError

            raise DependencyError(f"the dask engine needs dask[distributed] ({error})") from None

        cluster = None
        if self.scheduler:
            try:
                client = Client(self.scheduler, timeout="10s")
            except (OSError, TimeoutError) as error:
                raise ConfigurationError(
                    f"cannot reach the Dask scheduler at {self.scheduler} ({error})"
                ) from None
            self.workers = max(1, len(client.scheduler_info().get("workers", {})) or self.workers)
            self.max_pending = self.workers * 3
        else:
            cluster = LocalCluster(
                n_workers=self.workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=logging.CRITICAL,  # worker shutdown chatter is not the user's business
            )
            client = Client(cluster)
        scheduler = _Scheduler(chunks, self.max_pending)
        pending: dict[Any, tuple[Chunk, bool]] = {}
        completed = as_completed()
        try:
            while not scheduler.done(len(pending)):
                while (
                    nxt := scheduler.next_chunk(len(pending), any(s for _, s in pending.values()))
                ) is not None:
                    chunk, suspect = nxt
                    payload = pickle.dumps(chunk, protocol=pickle.HIGHEST_PROTOCOL)
                    future = client.submit(analyse_chunk_pickled, payload, options, pure=False)
                    pending[future] = (chunk, suspect)
                    completed.add(future)
                if not pending:
                    continue
                future = next(completed)
                chunk, suspect = pending.pop(future)
                try:
                    results = pickle.loads(future.result())
                except KilledWorker:
                    _requeue(scheduler, chunk, suspect, on_results)
                    continue
                on_results(chunk, results)
        finally:
            for future in pending:
                future.cancel()
            client.close()
            if cluster is not None:
                cluster.close()


def analyse_chunk_pickled(payload: bytes, options: AnalysisOptions) -> bytes:
    """:func:`analyse_chunk` on a pickled chunk, returning pickled results.

    Dask handles opaque bytes far more cheaply than nested lists of dicts: it neither walks them
    to estimate their size nor serialises them element by element (measured: the scheduler and
    client CPU fell several-fold on the laws corpus).
    """
    chunk = pickle.loads(payload)
    return pickle.dumps(analyse_chunk(chunk, options), protocol=pickle.HIGHEST_PROTOCOL)


def make_engine(engine: str, workers: int | None, scheduler: str | None = None) -> Any:
    """The engine named ``engine`` (``local`` or ``dask``); ``workers=0`` runs in this process."""
    if engine == "local":
        if scheduler:
            raise ConfigurationError("--scheduler needs --engine dask")
        return InProcessEngine() if workers == 0 else LocalEngine(workers)
    if engine == "dask":
        return DaskEngine(workers, scheduler=scheduler)
    raise ConfigurationError(f"unknown engine {engine!r} (choose from {', '.join(ENGINES)})")
