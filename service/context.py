"""What every request handler needs, built once per process by `create_app`."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.config import Settings
from pipeline.storage import ObjectStore, open_store
from service.auth import Authenticator
from service.db import ServiceDB
from service.ratelimit import RateLimiter


@dataclass
class ServiceContext:
    settings: Settings
    db: ServiceDB
    store: ObjectStore
    auth: Authenticator
    limiter: RateLimiter

    @classmethod
    def open(cls, settings: Settings, *, database_url: str | None = None,
             rate_share: float = 1.0, create_tables: bool = True) -> ServiceContext:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        db = ServiceDB(database_url or settings.effective_database_url)
        if create_tables:
            db.create_all()
        return cls(settings=settings, db=db, store=open_store(settings),
                   auth=Authenticator(db), limiter=RateLimiter(rate_share))

    def close(self) -> None:
        self.db.dispose()
