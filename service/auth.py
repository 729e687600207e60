"""API clients and their keys.

A key is `sohoa_<key id>_<secret>`: the key id (8 hex, public) finds the client row; the
secret is 32 random bytes, shown once and stored only as its SHA-256. A slow password hash
(argon2) buys nothing for a 256-bit random secret and would cost ~50 ms per request; SHA-256
with a constant-time compare is the right tool here. Verified clients are cached per process
for `CACHE_TTL_S`, so a revoke or rotate takes effect within that many seconds.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, Table, insert, select, update

from pipeline.errors import ConfigError, NotFound
from service.db import ServiceDB
from service.errors import Unauthorized
from service.scopes import Grant, catalog
from service.tables import ApiClientRow

CLIENTS: Table = ApiClientRow.__table__  # type: ignore[assignment]
KEY_PREFIX = "sohoa"
CACHE_TTL_S = 5.0


@dataclass(frozen=True)
class Client:
    key_id: str
    name: str
    purpose: str
    scopes: tuple[str, ...]
    rate_per_second: float
    burst: int
    grant: Grant


@dataclass(frozen=True)
class ClientInfo:
    key_id: str
    name: str
    purpose: str
    scopes: str
    rate_per_second: float
    burst: int
    created_at: datetime
    rotated_at: datetime | None
    revoked_at: datetime | None


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _new_key(key_id: str) -> tuple[str, str]:
    secret = secrets.token_urlsafe(32)
    return f"{KEY_PREFIX}_{key_id}_{secret}", _hash(secret)


def parse_key(key: str) -> tuple[str, str]:
    parts = key.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX or not parts[1] or not parts[2]:
        raise Unauthorized("malformed API key")
    return parts[1], parts[2]


def create_client(db: ServiceDB, name: str, purpose: str, scopes: list[str], *,
                  rate_per_second: float = 20.0, burst: int = 40) -> tuple[ClientInfo, str]:
    """A new client; returns it and its key (the only time the key exists in clear)."""
    catalog().check_client(purpose, scopes)
    key_id = secrets.token_hex(4)
    key, digest = _new_key(key_id)

    def write(conn: Connection) -> None:
        if conn.execute(select(CLIENTS.c.key_id).where(CLIENTS.c.name == name)).first():
            raise ConfigError(f"a client named {name!r} exists", stage="clients",
                              hint="rotate its key, or pick another name")
        conn.execute(insert(CLIENTS).values(
            key_id=key_id, name=name, purpose=purpose, scopes=" ".join(scopes),
            key_hash=digest, rate_per_second=rate_per_second, burst=burst,
            created_at=datetime.now(UTC)))
    db.run(write)
    return get_client(db, name), key


def _by_name(conn: Connection, name: str) -> ClientInfo:
    row = conn.execute(select(CLIENTS).where(CLIENTS.c.name == name)).first()
    if row is None:
        raise NotFound(f"no client named {name!r}", stage="clients",
                       hint="`sohoa clients list` shows them")
    return ClientInfo(**{k: v for k, v in row._mapping.items() if k != "key_hash"})


def get_client(db: ServiceDB, name: str) -> ClientInfo:
    return db.run(lambda conn: _by_name(conn, name))


def rotate_client(db: ServiceDB, name: str) -> tuple[ClientInfo, str]:
    """A new secret for the same key id; the old key stops working (within the cache TTL)."""
    def write(conn: Connection) -> str:
        info = _by_name(conn, name)
        if info.revoked_at is not None:
            raise ConfigError(f"client {name!r} is revoked", stage="clients",
                              hint="create a new client")
        key, digest = _new_key(info.key_id)
        conn.execute(update(CLIENTS).where(CLIENTS.c.name == name)
                     .values(key_hash=digest, rotated_at=datetime.now(UTC)))
        return key
    key = db.run(write)
    return get_client(db, name), key


def revoke_client(db: ServiceDB, name: str) -> ClientInfo:
    def write(conn: Connection) -> None:
        _by_name(conn, name)
        conn.execute(update(CLIENTS).where(CLIENTS.c.name == name, CLIENTS.c.revoked_at.is_(None))
                     .values(revoked_at=datetime.now(UTC)))
    db.run(write)
    return get_client(db, name)


def list_clients(db: ServiceDB) -> list[ClientInfo]:
    q = select(CLIENTS).order_by(CLIENTS.c.name)
    rows = db.run(lambda conn: conn.execute(q).all())
    return [ClientInfo(**{k: v for k, v in r._mapping.items() if k != "key_hash"}) for r in rows]


class Authenticator:
    """Key → Client, with a short per-process cache of client rows (not of verdicts: the
    secret is checked against the cached hash on every request)."""

    def __init__(self, db: ServiceDB, ttl_s: float = CACHE_TTL_S) -> None:
        self.db = db
        self.ttl_s = ttl_s
        self._cache: dict[str, tuple[float, dict | None]] = {}
        self._lock = threading.Lock()

    def _cached(self, key_id: str) -> tuple[bool, dict | None]:
        with self._lock:
            hit = self._cache.get(key_id)
        if hit and time.monotonic() - hit[0] < self.ttl_s:
            return True, hit[1]
        return False, None

    def _row(self, key_id: str) -> dict | None:
        now = time.monotonic()
        fresh, row = self._cached(key_id)
        if fresh:
            return row
        q = select(CLIENTS).where(CLIENTS.c.key_id == key_id)
        row = self.db.run(lambda conn: conn.execute(q).first())
        value = dict(row._mapping) if row else None
        with self._lock:
            if len(self._cache) > 10_000:
                self._cache.clear()
            self._cache[key_id] = (now, value)
        return value

    def authenticate_cached(self, key: str | None) -> Client | None:
        """`authenticate` if it needs no database read, else None (the caller then runs
        `authenticate` off the event loop)."""
        if not key:
            raise Unauthorized("no API key")
        fresh, _ = self._cached(parse_key(key)[0])
        return self.authenticate(key) if fresh else None

    def authenticate(self, key: str | None) -> Client:
        if not key:
            raise Unauthorized("no API key")
        key_id, secret = parse_key(key)
        row = self._row(key_id)
        if row is None or not hmac.compare_digest(row["key_hash"], _hash(secret)):
            raise Unauthorized("unknown or wrong API key")
        if row["revoked_at"] is not None:
            raise Unauthorized("this API key was revoked")
        scopes = tuple(row["scopes"].split())
        return Client(key_id=key_id, name=row["name"], purpose=row["purpose"], scopes=scopes,
                      rate_per_second=row["rate_per_second"], burst=row["burst"],
                      grant=catalog().grant(row["purpose"], scopes))
