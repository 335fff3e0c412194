"""pressgraph's HTTP face: a read-only JSON API under ``/api`` and the web pages at ``/``."""

from pressgraph.server.app import create_app

__all__ = ["create_app"]
