"""The local executor: shards run in this process, or in a pool of worker processes.

One spaCy model per process: the pool's initializer loads it once, and every shard that
process runs reuses it.  Workers run BLAS single-threaded (``OMP_NUM_THREADS=1``) so that N
workers use N cores, not N times all of them.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait

from pressgraph.executors.base import (
    Executor,
    OnOutcome,
    RunSettings,
    ShardOutcome,
    load_model,
    run_shard,
)
from pressgraph.executors.shards import Shard

SINGLE_THREAD_ENV = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}

_settings: RunSettings | None = None
_load_seconds = 0.0


def _init_worker(settings: RunSettings) -> None:
    global _settings, _load_seconds
    os.environ.update(SINGLE_THREAD_ENV)
    _settings = settings
    _load_seconds = load_model(settings.pipeline)


def _run_in_worker(shard: Shard) -> ShardOutcome:
    global _load_seconds
    assert _settings is not None
    # the load time is reported with the worker's first shard only
    seconds, _load_seconds = _load_seconds, 0.0
    return run_shard(shard, _settings, seconds)


class LocalExecutor(Executor):
    name = "local"

    def execute(self, shards: Sequence[Shard], settings: RunSettings,
                on_outcome: OnOutcome) -> None:
        if self.workers == 1 or len(shards) <= 1:
            load_seconds = load_model(settings.pipeline)
            for shard in shards:
                on_outcome(run_shard(shard, settings, load_seconds))
                load_seconds = 0.0
            return
        # fork where there is one: a worker starts in a moment, sharing what this process has
        # imported (and the model, when it is loaded).  Nothing here runs a thread that could
        # hold a lock across the fork (the progress bar is refreshed by hand, not by a thread).
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        with ProcessPoolExecutor(max_workers=min(self.workers, len(shards)),
                                 mp_context=context, initializer=_init_worker,
                                 initargs=(settings,)) as pool:
            pending: set[Future[ShardOutcome]] = set()
            queue = list(shards)
            while queue or pending:
                # a bounded number in flight: outcomes arrive (and are reported) as they finish
                while queue and len(pending) < self.workers * 2:
                    pending.add(pool.submit(_run_in_worker, queue.pop(0)))
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    on_outcome(future.result())
