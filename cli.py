"""``warden``: the command line. Every command reads ``Settings`` from the environment (``WARDEN_*``).

    warden services up|down|status     the local Redis Stack and model server (idempotent); --postgres
    warden seed                        create and seed the business database (deterministic ids)
    warden token --tenant T --user U --roles r1,r2 [--ttl 15m]
    warden serve [--host H --port P --workers N]
    warden dev                         all of the above in one go; Ctrl-C stops what it started
    warden scan [FILE]                 JSONL {"text": ...} in -> JSONL verdict {"flagged","score","reasons"} out
    warden approvals list|accept ID|reject ID [--url U --token T]   the approver's inbox, over the HTTP API
    warden audit verify [--tenant T] [--expect SEQ:HASH] [--anchors]
                                       recompute the audit hash chain(s) (and check published heads); exit 1
                                       naming the first broken record
    warden roles grant|revoke|show --tenant T --user U [--role R]   the role directory (revocation reaches
                                       parked runs at once)
    warden policy check [FILE]         validate an approval policy file against the tool registry
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from governance.role_names import ROLES

if TYPE_CHECKING:
    from graph.settings import Settings

# Settings, pydantic and the JWT code are imported where used: ``warden scan`` needs none of them, and they
# are ~0.2 s of its start-up.


def _settings() -> Settings:
    from pydantic import ValidationError

    from graph.settings import Settings

    try:
        return Settings()
    except ValidationError as exc:
        errors = "; ".join(f"WARDEN_{'_'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in exc.errors())
        raise SystemExit(f"warden: bad configuration: {errors}") from None


def cmd_services(args: argparse.Namespace) -> int:
    import devstack

    settings = _settings()
    if args.action == "up":
        urls = devstack.services_up(settings, model=not args.no_model, postgres=args.postgres)
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


def cmd_scan(args: argparse.Namespace) -> int:
    """JSONL ``{"text": ...}`` lines in (a file, or stdin) -> one JSONL verdict per line out, same order.
    Exit 1 when any line was unreadable (it still gets an error verdict, flagged); never a traceback."""
    from governance.guard import scan_jsonl_stream

    try:
        source = open(args.file, "rb") if args.file else sys.stdin.buffer  # noqa: SIM115
    except OSError as exc:
        print(f"warden scan: {exc}", file=sys.stderr)
        return 2
    interactive = not args.file and sys.stdin.isatty()
    batch = args.batch if args.batch is not None else (1 if interactive else 256)
    workers = args.workers if args.workers is not None else (1 if batch == 1 else _usable_cpus())
    with source:
        bad = scan_jsonl_stream(source, sys.stdout.buffer, max_chars=args.max_chars, batch=batch, workers=workers)
    return 1 if bad else 0


def _usable_cpus(cap: int = 8) -> int:
    """CPUs this process may run on (its affinity mask, not the machine's count), at most ``cap``."""
    try:
        return max(1, min(cap, len(os.sched_getaffinity(0))))
    except (AttributeError, OSError):
        return max(1, min(cap, os.cpu_count() or 1))


def make_token(settings: Settings, tenant: str, user: str, roles: Sequence[str], ttl_s: int) -> str:
    from governance.auth import mint_token

    if ttl_s > settings.jwt_max_ttl_s:
        raise ValueError(f"--ttl may not exceed {settings.jwt_max_ttl_s}s")
    if settings.jwt_algorithm != "HS256":
        raise ValueError("warden token signs dev tokens with HS256 only; RS256 tokens come from your IdP")
    return mint_token(tenant=tenant, user=user, roles=list(roles), ttl_s=ttl_s,
                      secret=settings.jwt_secret.get_secret_value(), issuer=settings.jwt_issuer)


def cmd_token(args: argparse.Namespace) -> int:
    roles = [r.strip() for r in args.roles.split(",") if r.strip()]
    try:
        from governance.auth import parse_ttl

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
        "", f"Warden API:   {base}   (OpenAPI: {base}/openapi.json, with the token below)",
        (f"Approvals inbox: {base}/inbox   (paste an approver's token: warden token --tenant acme --user bob "
         "--roles support_lead)"), *(f"{k}: {v}" for k, v in urls.items()),
        f"Dev token (acme/alice, support_agent, {settings.jwt_max_ttl_s // 60} min):", token, "",
        "Try:", (f"curl -s -X POST {base}/runs/wait -H 'Authorization: Bearer {token}' "
                 f"-H 'Content-Type: application/json' -d {shlex.quote(body)}"), "",
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


# --- issue 5: approvals over HTTP, audit verification, the role directory, the policy file --------------------
def _api(args: argparse.Namespace, method: str, path: str, body: dict[str, object] | None = None) -> object:
    """Call the Warden API with the caller's token; an HTTP error becomes SystemExit with its structured body."""
    import os

    import httpx

    token = args.token or os.environ.get("WARDEN_TOKEN")
    if not token:
        raise SystemExit("warden: a token is needed: --token or WARDEN_TOKEN (see `warden token`)")
    settings = _settings()
    url = (args.url or f"http://{settings.host}:{settings.port}").rstrip("/")
    try:
        resp = httpx.request(method, url + path, json=body, timeout=args.timeout,
                             headers={"Authorization": f"Bearer {token}"})
    except httpx.HTTPError as exc:
        raise SystemExit(f"warden: cannot reach {url}: {exc}") from None
    try:
        data = resp.json()
    except ValueError:
        data = {"error": "bad_response", "message": resp.text[:500]}
    if resp.status_code >= 400:
        err = data if isinstance(data, dict) else {}
        raise SystemExit(f"warden: {resp.status_code} {err.get('error')}: {err.get('message')}")
    return data


def cmd_approvals(args: argparse.Namespace) -> int:
    if args.action == "list":
        items = _api(args, "GET", "/approvals")
        assert isinstance(items, list)
        if args.json:
            print(json.dumps(items, indent=2))
            return 0
        if not items:
            print("no pending approvals you may decide")
        for it in items:
            print(f"{it['id']}  {it.get('tool')}@{it.get('version')}  {json.dumps(it.get('args'), sort_keys=True)}"
                  f"\n    requested by {it.get('requested_by')}; approvers: {', '.join(it.get('approver_roles', []))}"
                  f"\n    {it.get('description')}")
        return 0
    if not args.id:
        raise SystemExit(f"warden approvals {args.action}: the approval id is required")
    decision = "reject" if args.action == "reject" else ("edit" if args.args else "accept")
    body: dict[str, object] = {"decision": decision, "comment": args.comment}
    if args.args:
        try:
            body["args"] = json.loads(args.args)
        except ValueError as exc:
            raise SystemExit(f"warden: --args is not JSON: {exc}") from None
    out = _api(args, "POST", f"/approvals/{args.id}?wait={'true' if args.wait else 'false'}", body)
    print(json.dumps(out, indent=2, default=str))
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    from governance.audit import parse_anchor, verify_chain
    from tools.db import make_engine

    anchors = {}
    if args.expect:
        if not args.tenant:
            raise SystemExit("warden audit verify: --expect needs --tenant (a head belongs to one tenant's chain)")
        try:
            anchors[args.tenant] = [parse_anchor(a) for a in args.expect]
        except ValueError as exc:
            raise SystemExit(f"warden audit verify: --expect: {exc}") from None
    settings = _settings()
    if args.anchors:
        anchors = _merge_anchors(anchors, _redis_anchors(settings, args.tenant))
    engine = make_engine(settings.effective_database_url)
    try:
        reports = verify_chain(engine, args.tenant, anchors=anchors)
    finally:
        engine.dispose()
    bad = 0
    for r in reports:
        if r.broken is None:
            print(f"{r.tenant}: ok, {r.records} records, head {r.head_seq}:{r.head_hash}")
        else:
            bad += 1
            b = r.broken
            print(f"{r.tenant}: BROKEN at seq {b.seq} (id {b.id}, event {b.event_key}): {b.reason}")
    if not reports:
        print("no audit records")
    return 1 if bad else 0


def _redis_anchors(settings: Settings, tenant: str | None) -> dict[str, list[tuple[int, str]]]:
    """The heads the servers published in Redis (``api.anchors``), for one tenant or all."""
    import asyncio

    from redis.asyncio import Redis

    from api.anchors import read_anchors
    from api.runtime import key_prefix

    async def read() -> dict[str, list[tuple[int, str]]]:
        redis = Redis.from_url(settings.effective_redis_url, decode_responses=True)
        try:
            return await read_anchors(redis, key_prefix(), tenant)
        finally:
            await redis.aclose()

    try:
        return asyncio.run(read())
    except OSError as exc:
        raise SystemExit(f"warden audit verify: --anchors: Redis unreachable: {exc}") from None


def _merge_anchors(*maps: dict[str, list[tuple[int, str]]]) -> dict[str, list[tuple[int, str]]]:
    out: dict[str, list[tuple[int, str]]] = {}
    for m in maps:
        for tenant, anchors in m.items():
            out.setdefault(tenant, []).extend(anchors)
    return out


def cmd_roles(args: argparse.Namespace) -> int:
    from governance.audit import SqlAuditLog
    from tools.db import create_schema, make_engine
    from tools.roles import RoleDirectory

    settings = _settings()
    engine = make_engine(settings.effective_database_url)
    try:
        create_schema(engine)
        directory = RoleDirectory(engine, audit=SqlAuditLog(engine))
        if args.action != "show":
            if not args.role:
                raise SystemExit(f"warden roles {args.action}: --role is required")
            try:
                directory.change(args.action, tenant=args.tenant, user=args.user, role=args.role, by=args.by)
            except ValueError as exc:
                raise SystemExit(f"warden roles: {exc}") from None
        rows = directory.rows(args.tenant, args.user)
    finally:
        engine.dispose()
    if not rows:
        print(f"{args.tenant}/{args.user}: not in the directory (the token's roles stand)")
    for row in rows:
        state = "active" if row.active else f"revoked by {row.revoked_by}"
        print(f"{args.tenant}/{args.user}: {row.role} {state}")
    return 0


def cmd_policy(args: argparse.Namespace) -> int:
    from pathlib import Path

    from tools.effect_tools import EFFECT_TOOLS
    from tools.policy import PolicyError, load_policy
    from tools.read_tools import READ_TOOLS

    path = Path(args.file) if args.file else _settings().approval_policy
    try:
        policy = load_policy(path, specs=[*READ_TOOLS, *EFFECT_TOOLS])
    except PolicyError as exc:
        print(f"warden policy: {exc}", file=sys.stderr)
        return 1
    print(f"{policy.source}: ok, {len(policy.rules)} rules")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="warden", description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("services", help="local Redis Stack and model server")
    p.add_argument("action", choices=["up", "down", "status"])
    p.add_argument("--no-model", action="store_true", help="skip the local model server")
    p.add_argument("--postgres", action="store_true",
                   help="also a throwaway local PostgreSQL (the machine's binaries) for the PostgreSQL checks")
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
    p = sub.add_parser("scan", help="scan JSONL {\"text\": ...} lines for prompt injection")
    p.add_argument("file", nargs="?", help="a JSONL file (default: stdin)")
    p.add_argument("--max-chars", type=int, default=20_000, help="longer texts are flagged too_long")
    p.add_argument("--batch", type=int, default=None, metavar="N",
                   help="scan N records at a time (faster; verdicts come out N at a time). Default: 256, or 1 "
                        "when stdin is a terminal")
    p.add_argument("--workers", type=int, default=None, metavar="N",
                   help="scan batches in N processes (same verdicts, same order). Default: the CPUs this process "
                        "may use (at most 8), or 1 with --batch 1")
    p.set_defaults(func=cmd_scan)
    p = sub.add_parser("dev", help="services + seed + serve, for `make run`")
    p.add_argument("--no-model", action="store_true")
    p.set_defaults(func=cmd_dev)
    p = sub.add_parser("approvals", help="list and decide pending approvals over the HTTP API")
    p.add_argument("action", choices=["list", "accept", "reject"])
    p.add_argument("id", nargs="?", help="the approval id (accept/reject)")
    p.add_argument("--url", help="API base URL (default: http://WARDEN_HOST:WARDEN_PORT)")
    p.add_argument("--token", help="bearer token (default: $WARDEN_TOKEN)")
    p.add_argument("--comment")
    p.add_argument("--args", help="accept with these edited args (JSON object): an edit, validated again")
    p.add_argument("--wait", action="store_true", help="wait for the resumed run to end and print its result")
    p.add_argument("--json", action="store_true", help="list: raw JSON")
    p.add_argument("--timeout", type=float, default=60.0)
    p.set_defaults(func=cmd_approvals)
    p = sub.add_parser("audit", help="the audit trail")
    p.add_argument("action", choices=["verify"])
    p.add_argument("--tenant", help="one tenant's chain (default: every tenant)")
    p.add_argument("--expect", action="append", metavar="SEQ:HASH",
                   help="a head published earlier (as verify prints it): the chain must still hold it (repeatable)")
    p.add_argument("--anchors", action="store_true",
                   help="also check the heads the servers published in Redis (WARDEN_REDIS_URL)")
    p.set_defaults(func=cmd_audit)
    p = sub.add_parser("roles", help="the role directory: grant, revoke, show")
    p.add_argument("action", choices=["grant", "revoke", "show"])
    p.add_argument("--tenant", required=True)
    p.add_argument("--user", required=True)
    p.add_argument("--role", help=f"one of: {', '.join(sorted(ROLES))}")
    p.add_argument("--by", default="cli", help="who makes the change (recorded in the audit trail)")
    p.set_defaults(func=cmd_roles)
    p = sub.add_parser("policy", help="the approval policy file")
    p.add_argument("action", choices=["check"])
    p.add_argument("file", nargs="?", help="default: WARDEN_APPROVAL_POLICY or the shipped policy")
    p.set_defaults(func=cmd_policy)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except Exception as exc:
        # Expected operational failures (a service that will not start, a database it cannot open) are
        # reported in one line; anything else is a bug and keeps its traceback.
        from sqlalchemy.exc import SQLAlchemyError

        from devstack import DevstackError

        if isinstance(exc, DevstackError | SQLAlchemyError | OSError):
            print(f"warden: {exc}", file=sys.stderr)
            return 1
        raise


if __name__ == "__main__":
    sys.exit(main())
