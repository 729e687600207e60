"""`sohoa users …`: accounts for the web pages (staff, reviewer, admin)."""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from pipeline.config import get_settings
from service.db import ServiceDB
from service.web.accounts import Role, create_user, list_users, set_disabled
from service.web.tables import WebBase

users_app = typer.Typer(help="Create, list and disable web-page accounts.", no_args_is_help=True)
out = Console()
err = Console(stderr=True)


def _db() -> ServiceDB:
    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    db = ServiceDB(os.environ.get("SOHOA_WEB_DATABASE_URL") or settings.effective_database_url)
    db.create_all(WebBase.metadata)
    return db


@users_app.command("add")
def add(
    username: Annotated[str, typer.Argument(help="sign-in name")],
    role: Annotated[Role, typer.Option(help="staff (uploads), reviewer, or admin")],
    password_stdin: Annotated[bool, typer.Option(help="read the password from standard "
                                                      "input (for scripts)")] = False,
) -> None:
    """Create an account; asks for the password (at least 10 characters)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = typer.prompt("password", hide_input=True, confirmation_prompt=True)
    user = _db().run(lambda conn: create_user(conn, username, password, role))
    err.print(f"created {user.username} ({user.role.value})")


@users_app.command("list")
def list_() -> None:
    """Accounts and their roles (never passwords)."""
    table = Table("user", "role", "created", "state")
    for user, created, disabled in _db().run(list_users):
        table.add_row(user.username, user.role.value, f"{created:%Y-%m-%d}",
                      "disabled" if disabled else "active")
    out.print(table)


@users_app.command("disable")
def disable(username: Annotated[str, typer.Argument(help="sign-in name")]) -> None:
    """Disable an account (its sessions stop working at once)."""
    _db().run(lambda conn: set_disabled(conn, username, True))
    err.print(f"disabled {username}")
