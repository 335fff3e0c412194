"""The web application: the JSON API, the web pages when present, and their static files.

The app holds only the database path; every request opens its own read-only ``Store``
(SQLite connections are cheap and belong to one thread), so the server never writes and
never changes the file it serves.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from pressgraph import __version__
from pressgraph.store import Store

STATIC_DIR = Path(__file__).resolve().parent / "static"
SWAGGER_UI = "/static/vendor/swagger-ui"


def create_app(db_path: str | Path) -> FastAPI:
    """The whole site over the pressgraph database at ``db_path`` (opened read-only)."""
    from pressgraph.server import api

    app = FastAPI(
        title="pressgraph",
        version=__version__,
        description="Actors, places, events, quotes, claims and their conflicts, each tied to "
        "the characters of the article it came from. Read-only.",
        # FastAPI's own docs pages load Swagger UI and ReDoc from a CDN; /docs is served below
        # from the vendored copy so it works with no network.
        docs_url=None,
        redoc_url=None,
    )
    app.state.db_path = Path(db_path)
    app.include_router(api.router, prefix="/api")
    api.install_error_handlers(app)
    try:
        pages = importlib.import_module("pressgraph.server.pages")
    except ModuleNotFoundError as exc:
        # Only the pages module's own absence is tolerated; a broken import inside it is a bug.
        if exc.name != "pressgraph.server.pages":
            raise
    else:
        app.include_router(pages.router)
    if STATIC_DIR.is_dir():
        app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.add_api_route("/docs", api_docs, methods=["GET"], include_in_schema=False)
    return app


async def api_docs(request: Request) -> HTMLResponse:
    """Swagger UI over the app's OpenAPI schema, every asset from the app itself."""
    root = request.scope.get("root_path", "").rstrip("/")
    return get_swagger_ui_html(
        openapi_url=root + (request.app.openapi_url or "/openapi.json"),
        title=f"{request.app.title} API",
        swagger_js_url=f"{root}{SWAGGER_UI}/swagger-ui-bundle.js",
        swagger_css_url=f"{root}{SWAGGER_UI}/swagger-ui.css",
        swagger_favicon_url=f"{root}{SWAGGER_UI}/favicon-32x32.png",
        # Swagger UI's default would send the schema to an online validator.
        swagger_ui_parameters={"validatorUrl": None},
    )


@contextmanager
def request_store(request: Request) -> Iterator[Store]:
    """The app's database, opened read-only for the length of one request (or one page)."""
    store = Store(request.app.state.db_path, readonly=True)
    try:
        yield store
    finally:
        store.close()
