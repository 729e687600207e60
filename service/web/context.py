"""What the web pages need, built once per process by `mount`: the settings, a write-capable
database handle (the pages change records, unlike the read-only /v1 role), the pipeline
context used to store and re-index records, the templates and the batch runner."""

from __future__ import annotations

import json
import logging
import os
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi.templating import Jinja2Templates

from pipeline.config import Settings
from pipeline.document import Context
from pipeline.index import Index
from pipeline.models import Record
from pipeline.storage import ObjectStore, keys
from service.db import ServiceDB
from service.web.batch_runner import BatchRunner
from service.web.page_image import PageGeometry, page_geometry, page_image
from service.web.tables import WebBase

HERE = Path(__file__).parent
log = logging.getLogger(__name__)
LINKER_TTL_S = 300.0


def show_value(value: object) -> str:
    """A field value as people read it (Vietnamese as is; blank shown as —)."""
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


@dataclass
class WebContext:
    settings: Settings
    db: ServiceDB
    pipeline: Context
    templates: Jinja2Templates
    runner: BatchRunner
    secure_cookies: bool
    _geometry: dict[str, list[PageGeometry]] = field(default_factory=dict)
    _linker: tuple[float, Any] | None = None
    _warmer: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(max_workers=1, thread_name_prefix="warm"))

    @property
    def store(self) -> ObjectStore:
        return self.pipeline.store

    @classmethod
    def open(cls, settings: Settings, store: ObjectStore, *, engine: str | None = None
             ) -> WebContext:
        # The pages write (reviews, history, uploads): they need a writer role, unlike the
        # /v1 API, which may run as the insert-only `sohoa_app` role.
        db = ServiceDB(os.environ.get("SOHOA_WEB_DATABASE_URL")
                       or settings.effective_database_url)
        db.create_all(WebBase.metadata)
        index = Index(engine=db.engine)  # one pool for the pages' reads and writes
        engine = engine or os.environ.get("SOHOA_WEB_ENGINE", "prefect")
        templates = Jinja2Templates(directory=str(HERE / "templates"))
        templates.env.filters["showv"] = show_value
        for page in (HERE / "templates").glob("*.html"):  # compile once, at start-up
            templates.env.get_template(page.name)
        ctx = cls(settings=settings, db=db,
                  pipeline=Context(settings=settings, store=store, index=index),
                  templates=templates, runner=BatchRunner(settings, engine),
                  secure_cookies=os.environ.get("SOHOA_WEB_SECURE_COOKIES", "") == "1")
        return ctx

    def geometry(self, record: Record) -> list[PageGeometry]:
        """Page sizes in box coordinates; fixed for given bytes, so cached per process."""
        sha = record.source.sha256
        if sha not in self._geometry:
            if len(self._geometry) > 2048:
                self._geometry.clear()
            self._geometry[sha] = page_geometry(self.store, record, self.settings)
        return self._geometry[sha]

    def linker(self) -> Any | None:
        """matching's Linker over the registry in the index, or None when the matching
        package or a loaded registry is missing; rebuilt every few minutes (the registry
        may be refreshed by a batch)."""
        now = time.monotonic()
        if self._linker is not None and now - self._linker[0] < LINKER_TTL_S:
            return self._linker[1]
        found = None
        try:
            from matching import Linker

            candidate = Linker(self.pipeline.index.engine)
            found = candidate if getattr(candidate, "size", 0) else None
        except Exception:
            log.info("no citizen registry to re-link persons against", exc_info=True)
        self._linker = (now, found)
        return found

    def warm(self, record_id: str) -> None:
        """Make the page derivatives of a claimed record in the background, so the
        workstation's images are ready when the reviewer's browser asks for them."""
        def job() -> None:
            try:
                record = Record.from_json(self.store.get_bytes(keys.record_key(record_id)))
                for geo in self.geometry(record):
                    page_image(self.store, record, geo.page, geo)
            except Exception:
                log.warning("could not prepare the pages of %s", record_id, exc_info=True)
        self._warmer.submit(job)

    def close(self) -> None:
        self._warmer.shutdown(wait=False, cancel_futures=True)
        self.runner.shutdown()
        self.db.dispose()
        self.pipeline.index.dispose()
