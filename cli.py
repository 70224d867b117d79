"""``warden``: the command line. Every command reads ``Settings`` from the environment (``WARDEN_*``).

    warden services up|down|status     the local Redis Stack and model server (idempotent)
    warden seed                        create and seed the business database (deterministic ids)
    warden token --tenant T --user U --roles r1,r2 [--ttl 15m]
    warden serve [--host H --port P --workers N]
    warden dev                         all of the above in one go; Ctrl-C stops what it started
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from collections.abc import Sequence

from pydantic import ValidationError

from governance.auth import ROLES, mint_token, parse_ttl
from graph.settings import Settings


def _settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        errors = "; ".join(f"WARDEN_{'_'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in exc.errors())
        raise SystemExit(f"warden: bad configuration: {errors}") from None


def cmd_services(args: argparse.Namespace) -> int:
    import devstack

    settings = _settings()
    if args.action == "up":
        urls = devstack.services_up(settings, model=not args.no_model)
        for name, url in urls.items():
            print(f"{name}: {url}")
    elif args.action == "down":
        stopped = devstack.services_down(settings)
        print("stopped: " + (", ".join(stopped) if stopped else "nothing was running"))
    else:
        print(json.dumps(devstack.services_status(settings), indent=2, default=str))
    return 0


def cmd_seed(_: argparse.Namespace) -> int:
    from tools.db import create_schema, make_engine
    from tools.seed import seed

    settings = _settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.effective_database_url)
    try:
        create_schema(engine)
        summary = seed(engine)
    finally:
        engine.dispose()
    print(f"seeded {settings.effective_database_url}: {summary}")
    return 0


def make_token(settings: Settings, tenant: str, user: str, roles: Sequence[str], ttl_s: int) -> str:
    if ttl_s > settings.jwt_max_ttl_s:
        raise ValueError(f"--ttl may not exceed {settings.jwt_max_ttl_s}s")
    if settings.jwt_algorithm != "HS256":
        raise ValueError("warden token signs dev tokens with HS256 only; RS256 tokens come from your IdP")
    return mint_token(tenant=tenant, user=user, roles=list(roles), ttl_s=ttl_s,
                      secret=settings.jwt_secret.get_secret_value(), issuer=settings.jwt_issuer)


def cmd_token(args: argparse.Namespace) -> int:
    roles = [r.strip() for r in args.roles.split(",") if r.strip()]
    try:
        print(make_token(_settings(), args.tenant, args.user, roles, parse_ttl(args.ttl)))
    except ValueError as exc:
        print(f"warden token: {exc}", file=sys.stderr)
        return 2
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from api.serve import serve

    settings = _settings()
    serve(settings, host=args.host or settings.host, port=args.port or settings.port,
          workers=args.workers or settings.workers)
    return 0


def cmd_dev(args: argparse.Namespace) -> int:
    """What ``make run`` does: services up, seed, a token and a curl line, then serve until Ctrl-C."""
    import devstack
    from api.serve import serve

    settings = _settings()
    before = devstack.services_status(settings)
    urls = devstack.services_up(settings, model=not args.no_model)
    cmd_seed(args)
    token = make_token(settings, "acme", "alice", ["support_agent"], settings.jwt_max_ttl_s)
    base = f"http://{settings.host}:{settings.port}"
    body = json.dumps({"assistant_id": "warden", "input": {"messages": [
        {"role": "user", "content": "show customer cus_acme_001"}]}})
    print("\n".join([
        "", f"Warden API:   {base}   (docs: {base}/docs)", *(f"{k}: {v}" for k, v in urls.items()),
        f"Dev token (acme/alice, support_agent, {settings.jwt_max_ttl_s // 60} min):", token, "",
        "Try:", f"curl -s -X POST {base}/runs/wait -H 'Authorization: Bearer {token}' "
        f"-H 'Content-Type: application/json' -d {shlex.quote(body)}", "",
    ]), flush=True)
    try:
        serve(settings, host=settings.host, port=settings.port, workers=settings.workers)
    except KeyboardInterrupt:
        pass
    finally:
        started = [name for name, info in devstack.services_status(settings).items()
                   if info.get("managed") and not before.get(name, {}).get("running")]
        if started:
            devstack.services_down(settings, only=started)
            print(f"stopped: {', '.join(started)}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="warden", description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("services", help="local Redis Stack and model server")
    p.add_argument("action", choices=["up", "down", "status"])
    p.add_argument("--no-model", action="store_true", help="skip the local model server")
    p.set_defaults(func=cmd_services)
    sub.add_parser("seed", help="create and seed the business database").set_defaults(func=cmd_seed)
    p = sub.add_parser("token", help="print a signed dev JWT")
    p.add_argument("--tenant", required=True)
    p.add_argument("--user", required=True)
    p.add_argument("--roles", required=True, help=f"comma-separated: {', '.join(sorted(ROLES))}")
    p.add_argument("--ttl", default="15m", help="e.g. 900, 15m, 2h (at most WARDEN_JWT_MAX_TTL_S)")
    p.set_defaults(func=cmd_token)
    p = sub.add_parser("serve", help="run the HTTP API")
    p.add_argument("--host")
    p.add_argument("--port", type=int)
    p.add_argument("--workers", type=int)
    p.set_defaults(func=cmd_serve)
    p = sub.add_parser("dev", help="services + seed + serve, for `make run`")
    p.add_argument("--no-model", action="store_true")
    p.set_defaults(func=cmd_dev)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except Exception as exc:
        # Expected operational failures (a service that will not start, a database it cannot open) are
        # reported in one line; anything else is a bug and keeps its traceback.
        from devstack import DevstackError
        from sqlalchemy.exc import SQLAlchemyError

        if isinstance(exc, DevstackError | SQLAlchemyError | OSError):
            print(f"warden: {exc}", file=sys.stderr)
            return 1
        raise


if __name__ == "__main__":
    sys.exit(main())
