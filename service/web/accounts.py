"""Local accounts: staff (upload), reviewer (review), admin (everything). Passwords are
hashed with argon2id (argon2-cffi's defaults, parameters encoded in the hash, re-hashed on
sign-in when the defaults move on)."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import Enum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from pydantic import BaseModel
from sqlalchemy import Connection, Table, insert, select, update

from pipeline.errors import InputError
from service.web.tables import UserRow

USERS: Table = UserRow.__table__  # type: ignore[assignment]
MIN_PASSWORD = 10
_hasher = PasswordHasher()
# verified against when the user does not exist, so a wrong name costs as long as a wrong
# password (no user enumeration by timing)
_DUMMY_HASH = _hasher.hash("not-a-password-of-anyone")


class Role(str, Enum):
    staff = "staff"
    reviewer = "reviewer"
    admin = "admin"


class User(BaseModel):
    id: int
    username: str
    role: Role

    def can(self, *roles: Role) -> bool:
        return self.role is Role.admin or self.role in roles


def create_user(conn: Connection, username: str, password: str, role: Role) -> User:
    username = username.strip()
    if not username or len(username) > 64 or not username.replace(".", "").replace(
            "-", "").replace("_", "").isalnum():
        raise InputError(f"bad user name {username!r}", stage="accounts",
                         hint="letters, digits, '.', '-' and '_' only, at most 64")
    if len(password) < MIN_PASSWORD:
        raise InputError(f"password for {username} is shorter than {MIN_PASSWORD} characters",
                         stage="accounts", hint="choose a longer passphrase")
    exists = conn.execute(select(USERS.c.id).where(USERS.c.username == username)).first()
    if exists is not None:
        raise InputError(f"user {username!r} exists already", stage="accounts",
                         hint="pick another name")
    uid = conn.execute(insert(USERS).values(
        username=username, role=role.value, password_hash=_hasher.hash(password),
        created_at=datetime.now(UTC), disabled=False).returning(USERS.c.id)).scalar_one()
    return User(id=uid, username=username, role=role)


def authenticate(conn: Connection, username: str, password: str) -> User | None:
    """The user if the password is right (and the account enabled), else None."""
    row = conn.execute(select(USERS).where(USERS.c.username == username.strip())).first()
    try:
        _hasher.verify(row.password_hash if row else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if row is None or row.disabled:
        return None
    if _hasher.check_needs_rehash(row.password_hash):
        conn.execute(update(USERS).where(USERS.c.id == row.id)
                     .values(password_hash=_hasher.hash(password)))
    return User(id=row.id, username=row.username, role=Role(row.role))


def list_users(conn: Connection) -> list[tuple[User, datetime, bool]]:
    rows = conn.execute(select(USERS).order_by(USERS.c.username)).all()
    return [(User(id=r.id, username=r.username, role=Role(r.role)), r.created_at, r.disabled)
            for r in rows]


def set_disabled(conn: Connection, username: str, disabled: bool) -> None:
    n = conn.execute(update(USERS).where(USERS.c.username == username)
                     .values(disabled=disabled)).rowcount
    if n == 0:
        raise InputError(f"no user {username!r}", stage="accounts", hint="check the name")
