"""The FastAPI app: ``create_app(settings, runtime_factory=...)``. Nothing is built until the lifespan starts:
then the agent runtime (compiled graph + checkpointer), one Redis client, the stores and the worker pool."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from redis.asyncio import Redis
from starlette.responses import Response

from api.auth import AuthMiddleware, CurrentPrincipal, TokenVerifier
from api.deps import Services, Svc, json_response
from api.errors import install_error_handlers
from api.expiry import expiry_sweeper
from api.keys import Keys
from api.limits import BodyLimitMiddleware
from api.queue import RunQueue
from api.routes import approvals, assistants, audit, health, inbox, runs, threads
from api.runtime import RuntimeFactory, default_factory, key_prefix
from api.store import Store
from api.worker import WorkerPool
from governance.guard import scan as guard_scan
from graph.settings import Settings

log = logging.getLogger("warden.api")
VERSION = "0.1.0"


def create_app(settings: Settings, runtime_factory: RuntimeFactory | None = None, *,
               prefix: str | None = None) -> FastAPI:
    factory = runtime_factory or default_factory()
    keys = Keys(prefix or key_prefix())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        runtime = await factory(settings)
        # socket_timeout above the longest BLOCK (5 s) this server issues; redis-py's default is 5 s
        redis = Redis.from_url(settings.effective_redis_url, decode_responses=True, socket_keepalive=True,
                               socket_timeout=30, socket_connect_timeout=5, health_check_interval=30)
        ttl_s = settings.checkpoint_ttl_minutes * 60
        store = Store(redis, keys, ttl_s=ttl_s)
        queue = RunQueue(redis, keys, ttl_s=ttl_s, lease_s=settings.run_lease_s)
        workers = WorkerPool(redis=redis, keys=keys, queue=queue, store=store, runtime=runtime, settings=settings)
        try:
            # The guard compiles (or loads from its cache) its Hyperscan database and reads the classifier's
            # weights on first use: do it before accepting runs, not inside the first one (seconds on a machine
            # whose cache is cold).
            await asyncio.to_thread(guard_scan, "warm up")
            await workers.start()
            app.state.services = Services(settings=settings, redis=redis, keys=keys, store=store, queue=queue,
                                          runtime=runtime, workers=workers)
            # Everything built so far (modules, the compiled graph, schemas: ~260k objects) lives as long as the
            # process; out of the collector's sight, a full collection no longer stalls a run for 200-250 ms.
            gc.collect()
            gc.freeze()
            log.info("warden server ready: worker %s, %d slots", workers.wid, settings.worker_concurrency)
            async with expiry_sweeper(app.state.services):  # ends approvals past WARDEN_APPROVAL_TTL_S
                yield
        finally:
            app.state.services = None
            await workers.stop()
            await redis.aclose()
            await runtime.aclose()

    app = FastAPI(title="Warden", version=VERSION, lifespan=lifespan, docs_url=None, redoc_url=None,
                  description="LangGraph Agent Server protocol (assistants, threads, runs) for the Warden graph, "
                              "plus /approvals. Runs execute through Redis on any server process.")
    app.state.services = None
    install_error_handlers(app)
    for module in (health, assistants, threads, runs, approvals, audit, inbox):
        app.include_router(module.router)

    @app.get("/info", tags=["meta"])
    async def info(_: CurrentPrincipal, svc: Svc) -> Response:
        """Server version and capabilities; ``worker_id`` names this process in run records."""
        return json_response({"version": VERSION, "worker_id": svc.workers.wid,
                              "flags": {"assistants": True, "crons": False, "langsmith": False,
                                        "strict_resume": True}})

    app.add_middleware(AuthMiddleware, verifier=TokenVerifier(settings))
    app.add_middleware(BodyLimitMiddleware, max_body_bytes=settings.max_body_bytes)
    _describe_errors(app)
    return app


def _describe_errors(app: FastAPI) -> None:
    """OpenAPI: FastAPI's default 422 schema is replaced by ours (every error is ErrorPublic)."""

    def openapi() -> dict[str, object]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
        comps = schema.setdefault("components", {}).setdefault("schemas", {})
        comps.pop("HTTPValidationError", None)
        comps.pop("ValidationError", None)
        for path in schema.get("paths", {}).values():
            for op in path.values():
                resp = op.get("responses", {}).get("422")
                if resp and "HTTPValidationError" in str(resp):
                    resp["content"] = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorPublic"}}}
                    resp["description"] = "Validation error"
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
