"""`sohoa serve`, `sohoa clients …` and `sohoa audit`: the service's edge on the command
line. Errors from the one hierarchy become exit codes in pipeline.cli.main."""

from __future__ import annotations

import json
import os
from datetime import datetime
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from pipeline.config import get_settings
from service.db import APP_ROLE, ServiceDB, grant_app_role

out = Console()
err = Console(stderr=True)
clients_app = typer.Typer(help="Create, rotate, revoke and list API clients.",
                          no_args_is_help=True)


def _db() -> ServiceDB:
    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    db = ServiceDB(settings.effective_database_url)
    db.create_all()
    return db


def serve(
    host: Annotated[str, typer.Option(help="interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port")] = 8000,
    workers: Annotated[int, typer.Option(help="server processes (about 1-2 per core)")] = 1,
    init_db: Annotated[bool, typer.Option(help="create tables (and, on PostgreSQL, the app "
                                               "role's grants), then exit")] = False,
    app_role: Annotated[str, typer.Option(help="PostgreSQL role the service runs as")]
    = APP_ROLE,
) -> None:
    """Serve the /v1 API (run `--init-db` once as the schema owner first)."""
    if init_db:
        db = _db()
        if db.dialect == "postgresql":
            schema = db.run(lambda conn: grant_app_role(conn, app_role))
            err.print(f"tables ready; role {app_role} may read the index and only INSERT/"
                      f"SELECT audit_log in schema {schema}")
        else:
            err.print("tables ready (SQLite: triggers keep audit_log append-only)")
        return
    import uvicorn

    os.environ["SOHOA_SERVE_WORKERS"] = str(workers)
    uvicorn.run("service.app:app_from_env", factory=True, host=host, port=port,
                workers=workers, log_level="warning", access_log=False)


@clients_app.command("create")
def create(
    name: Annotated[str, typer.Option(help="unique client name, e.g. the calling service")],
    purpose: Annotated[str, typer.Option(help="purpose from service/data/scopes.json")],
    scope: Annotated[list[str], typer.Option(help="a scope the purpose allows; repeatable")],
    rate: Annotated[float, typer.Option(help="requests per second")] = 20.0,
    burst: Annotated[int, typer.Option(help="bucket size")] = 40,
) -> None:
    """Create a client; prints its key once (only its hash is stored)."""
    from service.auth import create_client

    info, key = create_client(_db(), name, purpose, scope, rate_per_second=rate, burst=burst)
    err.print(f"client {info.name} ({info.key_id}) for {info.purpose}: {info.scopes}\n"
              "the key below is shown once; store it in the caller's secret store:")
    out.print(key, soft_wrap=True)


@clients_app.command("rotate")
def rotate(name: Annotated[str, typer.Argument(help="client name")]) -> None:
    """Issue a new key for the client; the old key stops working within seconds."""
    from service.auth import rotate_client

    info, key = rotate_client(_db(), name)
    err.print(f"new key for {info.name} ({info.key_id}), shown once:")
    out.print(key, soft_wrap=True)


@clients_app.command("revoke")
def revoke(name: Annotated[str, typer.Argument(help="client name")]) -> None:
    """Revoke the client's key for good (the row stays, for the audit trail)."""
    from service.auth import revoke_client

    info = revoke_client(_db(), name)
    err.print(f"revoked {info.name} ({info.key_id}) at {info.revoked_at}")


@clients_app.command("list")
def list_(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """List clients (never keys)."""
    from service.auth import list_clients

    rows = list_clients(_db())
    if as_json:
        out.print_json(json.dumps([{**r.__dict__} for r in rows], default=str))
        return
    table = Table("name", "key id", "purpose", "scopes", "rate/s", "state")
    for r in rows:
        state = f"revoked {r.revoked_at:%Y-%m-%d}" if r.revoked_at else "active"
        table.add_row(r.name, r.key_id, r.purpose, r.scopes, f"{r.rate_per_second:g}", state)
    out.print(table)


def audit(
    citizen: Annotated[str | None, typer.Option(help="citizen id: who read their data")] = None,
    since: Annotated[datetime | None, typer.Option(help="from (inclusive, UTC)")] = None,
    until: Annotated[datetime | None, typer.Option(help="to (exclusive, UTC)")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Who read a citizen's data (or everything) in a period, from the read audit."""
    from pipeline.index.views import utc_aware
    from service.audit import query_audit

    rows = query_audit(_db(), citizen=citizen, since=utc_aware(since), until=utc_aware(until))
    if as_json:
        out.print_json(json.dumps([r.__dict__ for r in rows], default=str, ensure_ascii=False))
        return
    table = Table("time (UTC)", "client", "purpose", "action", "asked about", "records",
                  "fields", "request id")
    for r in rows:
        table.add_row(f"{r.at:%Y-%m-%d %H:%M:%S}", r.client, r.purpose, r.action,
                      r.citizen_id or "-", " ".join(r.record_ids), " ".join(r.fields),
                      r.request_id)
    out.print(table)
    err.print(f"{len(rows)} reads")
