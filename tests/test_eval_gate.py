"""The evaluation gate: every pinned figure in eval/floors.json must still be reached.

Each task runs once (module-scoped) on its gold data; a figure below its floor fails the
build. Raise floors when an extractor improves; never lower one to make a change pass.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pressgraph.evaluate import FLOORS_PATH, Report, get_task

FLOORS: dict[str, Any] = json.loads(FLOORS_PATH.read_text("utf-8"))
CASES = [
    (run_name, metric, floor)
    for run_name, spec in FLOORS.items()
    for metric, floor in spec["floors"].items()
]
_reports: dict[str, Report] = {}


def _report(run_name: str) -> Report:
    if run_name not in _reports:
        spec = FLOORS[run_name]
        gold = Path(FLOORS_PATH.parent.parent, spec["gold"]) if spec.get("gold") else None
        _reports[run_name] = get_task(spec["task"])(gold)
    return _reports[run_name]


@pytest.mark.parametrize(("run_name", "metric", "floor"), CASES)
def test_figure_is_at_or_above_its_floor(run_name: str, metric: str, floor: float) -> None:
    report = _report(run_name)
    assert metric in report.metrics, f"{run_name} no longer reports {metric}"
    value = report.metrics[metric]
    # Error figures (km) are ceilings, everything else a floor.
    if metric.endswith("_km"):
        assert value <= floor, f"{run_name} {metric} = {value}, ceiling {floor}"
    else:
        assert value >= floor, f"{run_name} {metric} = {value}, floor {floor}"
