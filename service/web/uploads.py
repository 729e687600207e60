"""Uploads from the staff page: files (or zips, unpacked safely) into a folder of their
own under the data folder, a batch run of that folder, and its live progress read from the
index (`batches`, `document_names`, `documents`, `batch_items`)."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import Connection, Table, func, insert, select, update

from pipeline.errors import InputError, NotFound
from pipeline.index.index import BATCHES, DOCS, ITEMS, NAMES
from service.web.safe_zip import (
    DEFAULT_LIMITS,
    ZipLimits,
    copy_limited,
    extract_zip,
    remove_tree,
)
from service.web.tables import UploadRow

UPLOADS: Table = UploadRow.__table__  # type: ignore[assignment]
MAX_FILE_BYTES = 512 * 1024 * 1024
MAX_FILES = 5000


class UploadMeta(BaseModel):
    archive_office: str = Field(min_length=1, max_length=200)
    register_book: str = Field(default="", max_length=100)
    year: int | None = Field(default=None, ge=1900, le=2100)


class FailedFile(BaseModel):
    filename: str
    stage: str | None
    reason: str | None
    sha256: str | None = None


class Progress(BaseModel):
    upload_id: str
    state: str
    error: str | None
    files: int
    received: int = 0
    processed: int = 0
    verified: int = 0
    needs_review: int = 0
    rejected: int = 0
    failed: int = 0
    finished: bool = False
    batches: list[str] = Field(default_factory=list)
    failures: list[FailedFile] = Field(default_factory=list)  # a stage raised: retry
    rejections: list[FailedFile] = Field(default_factory=list)  # not a document we can read
    records: list[dict[str, Any]] = Field(default_factory=list)


def uploads_root(data_dir: Path) -> Path:
    return data_dir / "uploads"


def _safe_name(name: str) -> PurePosixPath:
    parts = [p for p in name.replace("\\", "/").split("/") if p not in ("", ".", "..")]
    if not parts:
        raise InputError(f"bad file name {name!r}", stage="upload", hint="rename the file")
    return PurePosixPath(parts[-1])


def store_files(folder: Path, files: list[tuple[str, Any]],
                limits: ZipLimits = DEFAULT_LIMITS) -> int:
    """Write uploaded (name, file-like) pairs under `folder/files`, unpacking zips into a
    subfolder each; returns the number of documents. Removes everything on failure."""
    dest = folder / "files"
    dest.mkdir(parents=True, exist_ok=True)
    count = 0
    try:
        for name, fh in files:
            safe = _safe_name(name)
            if safe.suffix.lower() == ".zip":
                tmp = folder / f"upload-{secrets.token_hex(4)}.zip"
                copy_limited(fh, tmp, limits.max_total_bytes, name)
                count += len(extract_zip(tmp, dest / safe.stem, limits, zip_name=name))
                tmp.unlink()
            else:
                target = dest / safe.name
                if target.exists():
                    target = dest / f"{safe.stem}-{secrets.token_hex(2)}{safe.suffix}"
                copy_limited(fh, target, MAX_FILE_BYTES, name)
                count += 1
            if count > MAX_FILES:
                raise InputError(f"more than {MAX_FILES} files in one upload", stage="upload",
                                 hint="split the upload")
    except Exception:
        remove_tree(folder)
        raise
    if count == 0:
        remove_tree(folder)
        raise InputError("the upload holds no files", stage="upload",
                         hint="choose scans (PDF, TIFF, JPEG, PNG) or a zip of them")
    return count


def create_upload(conn: Connection, folder: Path, meta: UploadMeta, files: int,
                  user: str) -> str:
    upload_id = folder.name
    conn.execute(insert(UPLOADS).values(
        upload_id=upload_id, folder=str(folder / "files"), archive_office=meta.archive_office,
        register_book=meta.register_book, year=meta.year, files=files, created_by=user,
        created_at=datetime.now(UTC), state="queued", error=None,
        runs=[str(folder / "files")]))
    return upload_id


def new_upload_folder(data_dir: Path) -> Path:
    folder = uploads_root(data_dir) / f"u-{datetime.now(UTC):%Y%m%dT%H%M%S}-{secrets.token_hex(4)}"
    folder.mkdir(parents=True)
    return folder


def get_upload(conn: Connection, upload_id: str) -> Any:
    row = conn.execute(select(UPLOADS).where(UPLOADS.c.upload_id == upload_id)).first()
    if row is None:
        raise NotFound(f"no upload {upload_id!r}", hint="see the list of uploads")
    return row


def list_uploads(conn: Connection, limit: int = 50) -> list[Any]:
    return list(conn.execute(select(UPLOADS).order_by(UPLOADS.c.created_at.desc())
                             .limit(limit)).all())


def set_state(conn: Connection, upload_id: str, state: str, error: str | None) -> None:
    conn.execute(update(UPLOADS).where(UPLOADS.c.upload_id == upload_id)
                 .values(state=state, error=error))


def add_run(conn: Connection, upload_id: str, source: str) -> None:
    row = get_upload(conn, upload_id)
    conn.execute(update(UPLOADS).where(UPLOADS.c.upload_id == upload_id)
                 .values(runs=[*row.runs, source], state="queued", error=None))


def progress(conn: Connection, upload_id: str) -> Progress:
    """Where the upload's documents are now: every batch run of its files, each document
    counted once at its current status (a record verified by a reviewer counts as verified)."""
    up = get_upload(conn, upload_id)
    runs = list(up.runs or [])
    batches = conn.execute(select(BATCHES.c.batch_id, BATCHES.c.started_at,
                                  BATCHES.c.finished_at)
                           .where(BATCHES.c.source.in_(runs))
                           .order_by(BATCHES.c.started_at)).all()
    ids = [b.batch_id for b in batches]
    p = Progress(upload_id=upload_id, state=up.state, error=up.error, files=up.files,
                 batches=ids, finished=up.state in ("done", "error"))
    if not ids:
        return p
    shas = select(NAMES.c.sha256).where(NAMES.c.batch_id.in_(ids)).distinct().subquery()
    p.received = conn.execute(select(func.count()).select_from(shas)).scalar_one()
    docs = conn.execute(select(DOCS.c.sha256, DOCS.c.record_id, DOCS.c.filename,
                               DOCS.c.status, DOCS.c.stage, DOCS.c.reason, DOCS.c.doc_type)
                        .where(DOCS.c.sha256.in_(select(shas.c.sha256)))
                        .order_by(DOCS.c.filename)).all()
    for d in docs:
        if d.status == "failed":
            p.failed += 1
            p.failures.append(FailedFile(filename=d.filename, stage=d.stage, reason=d.reason,
                                         sha256=d.sha256))
        elif d.status in ("verified", "needs_review", "rejected"):
            setattr(p, d.status, getattr(p, d.status) + 1)
            if d.status == "rejected":
                p.rejections.append(FailedFile(filename=d.filename, stage=d.stage,
                                               reason=d.reason, sha256=d.sha256))
        p.records.append({"record_id": d.record_id, "filename": d.filename,
                          "status": d.status, "doc_type": d.doc_type})
    p.processed = p.verified + p.needs_review + p.rejected + p.failed
    # files that never got a hash (receiving failed) show only in the finished batch items
    unhashed = conn.execute(select(ITEMS.c.filename, ITEMS.c.stage, ITEMS.c.reason)
                            .where(ITEMS.c.batch_id.in_(ids), ITEMS.c.sha256.is_(None),
                                   ITEMS.c.outcome == "failed")).all()
    for it in unhashed:
        p.failed += 1
        p.processed += 1
        p.failures.append(FailedFile(filename=it.filename, stage=it.stage, reason=it.reason))
    return p
