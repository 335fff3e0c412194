"""Fixtures for the web tests: stores, a real server on a loopback port, and Debian's
Chromium driven by Playwright (never a downloaded browser: ``scripts/install_browser.sh``
installs the distribution's when it is missing)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from synthetic_store import write_synthetic_store
from web_harness import CHROMIUM_FLAGS, LiveServer, Watched, watch

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("PRESSGRAPH_CHROMIUM", "/usr/bin/chromium"))


@pytest.fixture(scope="session")
def examples_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The examples, ingested with the README's command (shared with the API tests when they
    ran first in this session: same path, built once)."""
    db = tmp_path_factory.getbasetemp() / "examples-store" / "examples.db"
    if not db.exists():
        db.parent.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, "-c", "from pressgraph.cli import main; main()", "ingest",
                   str(REPO / "examples" / "articles"), "--metadata",
                   str(REPO / "examples" / "metadata.tsv"), "--db", str(db), "--quiet"]
        done = subprocess.run(command, capture_output=True, text=True, timeout=600,
                              check=False)
        assert done.returncode == 0, done.stderr[-2000:]
    return db


@pytest.fixture(scope="session")
def synthetic_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("synthetic") / "synthetic.db"
    events = write_synthetic_store(db)
    assert events >= 1000
    return db


@pytest.fixture(scope="session")
def examples_server(examples_db: Path) -> Iterator[str]:
    server = LiveServer(examples_db)
    yield server.url
    server.stop()


@pytest.fixture(scope="session")
def synthetic_server(synthetic_db: Path) -> Iterator[str]:
    server = LiveServer(synthetic_db)
    yield server.url
    server.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: run scripts/install_browser.sh")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                              args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Watched]:
    context = browser.new_context(viewport={"width": 1200, "height": 760})
    watched = watch(context.new_page())
    yield watched
    context.close()
    assert not watched.errors, watched.errors


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where screenshots go: ``PRESSGRAPH_SCREENSHOTS`` (docs/screenshots to refresh the
    committed ones), else a temporary folder, so a test run leaves the checkout clean."""
    chosen = os.environ.get("PRESSGRAPH_SCREENSHOTS")
    folder = Path(chosen) if chosen else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder
