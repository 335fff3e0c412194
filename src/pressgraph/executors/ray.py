"""The Ray executor: shards through Ray Data, one spaCy model per worker actor.

The shard list becomes a Ray dataset with one shard per block; ``map_batches`` with a callable
class runs :func:`pressgraph.executors.base.run_shard` on a pool of ``workers`` actors.  An
actor loads the model in its constructor, once, and keeps it for every shard it is given.
Each shard writes its own part and marker, so the dataset that flows back to the driver is
only the small outcomes, and Ray's own progress bars show the run.

On a laptop ``ray.init`` starts a local cluster of ``workers`` CPUs; with ``address`` it
joins an existing cluster (``ray://head:10001`` or ``auto``), whose nodes need pressgraph and
its model installed and ``out`` on storage every node can reach (a shared path or ``s3://``).
Ray is imported only here, and only when this engine is asked for.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from typing import Any

from pressgraph.executors.base import (
    Executor,
    OnOutcome,
    RunSettings,
    ShardOutcome,
    load_model,
    run_shard,
)
from pressgraph.executors.local import SINGLE_THREAD_ENV
from pressgraph.executors.shards import Shard


class EngineUnavailable(RuntimeError):
    """The engine's package is not installed."""


def import_ray() -> Any:
    try:
        import ray
        import ray.data  # Ray without its data extra has no ray.data
    except ImportError:
        raise EngineUnavailable(
            "--engine ray needs Ray Data: pip install 'pressgraph[ray]' "
            "(or pip install 'ray[data]')") from None
    return ray


class ShardWorker:
    """A Ray Data actor: the model is loaded when the actor starts, shards are run per call."""

    def __init__(self, settings: RunSettings) -> None:
        self.settings = settings
        self.load_seconds = load_model(settings.pipeline)

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[str]]:
        outcomes = []
        for text in batch["shard"]:
            shard = Shard.from_dict(json.loads(str(text)))
            # the load time is reported with the actor's first shard only
            seconds, self.load_seconds = self.load_seconds, 0.0
            outcomes.append(run_shard(shard, self.settings, seconds).to_json())
        return {"outcome": outcomes}


class RayExecutor(Executor):
    name = "ray"

    def __init__(self, workers: int = 1, address: str | None = None,
                 progress: bool = True) -> None:
        super().__init__(workers, progress)
        self.address = address

    def execute(self, shards: Sequence[Shard], settings: RunSettings,
                on_outcome: OnOutcome) -> None:
        ray = import_ray()
        if not shards:
            return
        started_here = not ray.is_initialized()
        if started_here:
            options: dict[str, Any] = {
                "include_dashboard": False,
                "log_to_driver": False,
                "logging_level": "warning",
            }
            if self.address:
                options["address"] = self.address
            else:
                options["num_cpus"] = self.workers
            ray.init(**options)
        context = ray.data.DataContext.get_current()
        context.enable_progress_bars = self.progress
        if not self.progress:
            logging.getLogger("ray.data").setLevel(logging.WARNING)
        try:
            items = [{"shard": json.dumps(shard.to_dict())} for shard in shards]
            dataset = ray.data.from_items(items, override_num_blocks=len(items)).map_batches(
                ShardWorker,
                fn_constructor_kwargs={"settings": settings},
                batch_size=1,
                # one shard at a time per actor: a shard is minutes of work, and a queue on a
                # busy actor would leave another idle at the end of a run
                compute=ray.data.ActorPoolStrategy(size=min(self.workers, len(shards)),
                                                   max_tasks_in_flight_per_actor=1),
                num_cpus=1,
                batch_format="default",
                # on the actors, so that a cluster someone else started gets it too
                runtime_env={"env_vars": dict(SINGLE_THREAD_ENV)},
            )
            for row in dataset.iter_rows():
                on_outcome(ShardOutcome.from_json(row["outcome"]))
        finally:
            if started_here:
                ray.shutdown()
