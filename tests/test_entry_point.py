"""The ``pressgraph`` command's entry point holds BLAS to one thread, unless told otherwise."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SRC = str(Path(__file__).resolve().parents[1] / "src")
PROBE = ("import os, pressgraph.__main__, sys; "
         "print(os.environ['OPENBLAS_NUM_THREADS'], 'numpy' in sys.modules)")


def _probe(**extra: str) -> str:
    env = {k: v for k, v in os.environ.items()
           if k not in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")}
    env.update(PYTHONPATH=SRC, **extra)
    done = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True,
                          text=True, check=True)
    return done.stdout.strip()


def test_one_blas_thread_by_default_and_set_before_numpy_loads() -> None:
    assert _probe() == "1 False"


def test_the_callers_thread_setting_wins() -> None:
    assert _probe(OPENBLAS_NUM_THREADS="4") == "4 False"


def test_python_dash_m_runs_the_command() -> None:
    done = subprocess.run([sys.executable, "-m", "pressgraph", "version"],
                          env={**os.environ, "PYTHONPATH": SRC}, capture_output=True, text=True)
    assert done.returncode == 0
    assert done.stdout.startswith("pressgraph ")
