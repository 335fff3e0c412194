"""A real server and a watched browser page for the web tests."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import uvicorn

from pressgraph.server import create_app

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


class LiveServer:
    """``create_app`` served by uvicorn in a thread, on a port the OS picks."""

    def __init__(self, db: Path) -> None:
        config = uvicorn.Config(create_app(db), host="127.0.0.1", port=0, log_level="warning",
                                lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            assert self.thread.is_alive() and time.monotonic() < deadline, "server did not start"
            time.sleep(0.02)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@dataclass
class Watched:
    """A browser page and everything that went wrong on it."""

    page: Any
    errors: list[str] = field(default_factory=list)

    def goto(self, url: str) -> None:
        response = self.page.goto(url, wait_until="load")
        assert response is not None and response.ok, f"{url}: HTTP {response and response.status}"
        self.page.wait_for_function("document.body.dataset.ready !== undefined"
                                    " || !document.querySelector('script[src^=\"/static/web/\"]')")

    def timing(self) -> dict[str, float]:
        """Milliseconds from navigation start to the load event and to the page's own
        'drawn' mark (set when its script has drawn everything)."""
        return self.page.evaluate(
            "() => { const nav = performance.getEntriesByType('navigation')[0];"
            " return {load: nav.loadEventEnd, ready: Number(document.body.dataset.ready || 0)}; }")


def offline_only(route: Any) -> None:
    """Loopback requests go through; anything else is refused (and counted as an error)."""
    host = urlsplit(route.request.url).hostname
    if route.request.url.startswith(("data:", "blob:")) or host in ("127.0.0.1", "localhost"):
        route.continue_()
    else:
        route.abort()


def watch(tab: Any) -> Watched:
    """A page that records console errors, uncaught exceptions, failed requests and dialogs,
    and refuses every request that would leave the machine."""
    watched = Watched(tab)
    tab.route("**/*", offline_only)
    tab.on("console", lambda m: watched.errors.append(f"console: {m.text}")
           if m.type == "error" else None)
    tab.on("pageerror", lambda e: watched.errors.append(f"pageerror: {e}"))
    tab.on("requestfailed", lambda r: watched.errors.append(f"request failed: {r.url}"))
    tab.on("dialog", lambda d: (watched.errors.append(f"dialog: {d.message}"), d.dismiss()))
    return watched
