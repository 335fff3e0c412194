"""`pressgraph run --engine ray` on a local 2-CPU Ray cluster gives the local engine's parts.

One Ray run (starting Ray and two model-loading actors is most of its time); the inputs are the
ones ``test_run.py`` writes.  Find these tests with ``pytest -m ray``.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from pressgraph.cli import app
from pressgraph.executors import failures_of, run_dataset
from pressgraph.executors.base import ShardOutcome
from test_run import write_inputs

pytest.importorskip("ray.data", reason="the ray extra is not installed")
pytestmark = [pytest.mark.ray, pytest.mark.slow]


def test_ray_engine_gives_the_local_engines_parts_row_for_row(tmp_path: Path) -> None:
    inputs = write_inputs(tmp_path / "in")
    (inputs / "broken.warc.gz").write_bytes(b"\x1f\x8b\x08\x00 not really gzip")
    ray_out = tmp_path / "ray"
    result = CliRunner().invoke(app, [
        "run", str(inputs), "--out", str(ray_out), "--engine", "ray", "--workers", "2",
        "--records-per-shard", "2",
    ])
    # the broken archive is one failure; every other shard is done
    assert result.exit_code == 1, result.output
    assert "6 shards done (6 articles)" in result.output

    local_out = tmp_path / "local"
    local = run_dataset([str(inputs)], str(local_out), records_per_shard=2)
    ray_parts = sorted(p.name for p in (ray_out / "parts").glob("*.parquet"))
    assert ray_parts == sorted(p.name for p in (local_out / "parts").glob("*.parquet"))
    assert len(ray_parts) == local.shards == 6
    for name in ray_parts:
        ray_rows = pq.read_table(ray_out / "parts" / name).to_pylist()
        local_rows = pq.read_table(local_out / "parts" / name).to_pylist()
        assert ray_rows == local_rows, name
    assert failures_of(str(ray_out)) == failures_of(str(local_out))
    assert len(failures_of(str(ray_out))) == 1

    # one model per actor: two actors, each reporting one load and its own memory
    markers = [p.read_text("utf-8") for p in (ray_out / "done").glob("*.json")]
    outcomes = [ShardOutcome.from_json(m) for m in markers]
    workers = {o.worker for o in outcomes}
    assert len(workers) == 2
    for worker in workers:
        loads = [o.model_load_seconds for o in outcomes if o.worker == worker]
        assert sum(1 for s in loads if s > 0) == 1
        assert all(o.peak_rss_mb > 100 for o in outcomes if o.worker == worker)
    assert "workers" in result.output and "peak RSS MB" in result.output

    # a rerun on Ray finds everything done and starts no worker
    again = run_dataset([str(inputs)], str(ray_out), engine="ray", workers=2,
                        records_per_shard=2)
    assert (again.skipped, again.outcomes) == (6, [])
