"""ASGI entry point. ``uvicorn server:app`` or ``uvicorn --factory server:create``; ``warden serve`` calls
``api.serve.serve``. Importing this module reads the settings and builds the FastAPI object only: every client
(Redis, the graph, the workers) is created in the app's lifespan."""

from __future__ import annotations

import logging

from fastapi import FastAPI

from api.app import create_app
from graph.settings import Settings


def create() -> FastAPI:
    # The server's own loggers (warden.*) to stderr beside uvicorn's, unless the host configured logging.
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    return create_app(Settings())


app = create()
