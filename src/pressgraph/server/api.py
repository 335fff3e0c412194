"""The JSON API (mounted under ``/api``)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, FastAPI, Request

from pressgraph.server.app import request_store

router = APIRouter()


def install_error_handlers(app: FastAPI) -> None:
    """Error handlers the API needs (filled in with the read layer)."""


@router.get("/summary")
def summary(request: Request) -> dict[str, Any]:
    """How many records of each kind the database holds."""
    with request_store(request) as store:
        return {"counts": store.counts()}
