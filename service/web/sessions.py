"""Server-side sessions and CSRF protection.

The cookie carries a random token; the table keeps only its SHA-256, the user and a CSRF
token bound to the session. Every POST must echo that CSRF token (a hidden form field, or
the `X-CSRF-Token` header for the workstation's fetch calls). The sign-in form, which has no
session yet, uses a double-submit cookie instead."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, Table, delete, insert, select

from pipeline.index.views import utc_aware
from service.web.accounts import USERS, Role, User
from service.web.tables import SessionRow

SESSIONS: Table = SessionRow.__table__  # type: ignore[assignment]
COOKIE = "sohoa_session"
LOGIN_CSRF_COOKIE = "sohoa_login_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SESSION_HOURS = 10


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(conn: Connection, user: User) -> str:
    """A new session for `user`; returns the cookie token (shown to nobody else)."""
    token = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    conn.execute(delete(SESSIONS).where(SESSIONS.c.expires_at < now))
    conn.execute(insert(SESSIONS).values(
        token_hash=_hash(token), user_id=user.id, csrf_token=secrets.token_urlsafe(32),
        created_at=now, expires_at=now + timedelta(hours=SESSION_HOURS)))
    return token


def close_session(conn: Connection, token: str) -> None:
    conn.execute(delete(SESSIONS).where(SESSIONS.c.token_hash == _hash(token)))


def session_user(conn: Connection, token: str | None) -> tuple[User, str] | None:
    """(user, csrf token) of a live session, or None."""
    if not token:
        return None
    q = (select(USERS.c.id, USERS.c.username, USERS.c.role, USERS.c.disabled,
                SESSIONS.c.csrf_token, SESSIONS.c.expires_at)
         .join(USERS, USERS.c.id == SESSIONS.c.user_id)
         .where(SESSIONS.c.token_hash == _hash(token)))
    row = conn.execute(q).first()
    if row is None or row.disabled or utc_aware(row.expires_at) < datetime.now(UTC):
        return None
    return User(id=row.id, username=row.username, role=Role(row.role)), row.csrf_token


def csrf_ok(expected: str | None, given: str | None) -> bool:
    return bool(expected) and bool(given) and hmac.compare_digest(str(expected), str(given))
