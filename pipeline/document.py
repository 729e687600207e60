"""The stages of one document: receive (hash, keep the original), then process the stored
original (pages → OCR → extract → record). Each is `f(input, context) -> output` and knows
nothing of Prefect; the batch runner and the Prefect flows compose them."""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from pipeline import __version__
from pipeline.config import Settings
from pipeline.errors import InputError, SohoaError
from pipeline.index import Index
from pipeline.intake import sha256_file, sniff_media_type
from pipeline.models import (
    DocType,
    FieldState,
    FieldValue,
    MediaType,
    PageText,
    PersonLink,
    Record,
    RecordStatus,
    ScanFile,
    Source,
    record_id_for,
)
from pipeline.ocr import ocr_rendered_page, upright_reading
from pipeline.pages import RenderedPage, load_pages
from pipeline.readings import load_reading, save_reading
from pipeline.reread import reread_rendered, with_rereads
from pipeline.sources import InputRef, fetch
from pipeline.storage import ObjectStore, keys

if TYPE_CHECKING:
    from extractors import Extraction

# `extractors` is imported where it is used: `sohoa process` then imports it (and loads its
# tables) in the batch's warm-up thread while the first inputs are received and read.

log = logging.getLogger(__name__)


@dataclass
class Context:
    """What every stage needs: live handles stay here, stage inputs/outputs are data."""

    settings: Settings
    store: ObjectStore
    index: Index
    page_pool: Executor | None = None  # shared OCR pool: caps concurrent Tesseract processes
    linker: Any | None = None  # matching.Linker: links the persons of each record (one per batch)


class Received(BaseModel):
    """An input whose bytes are hashed and kept. `scan` is None when the type is unknown."""

    ref: InputRef
    sha256: str
    size: int
    original_key: str
    scan: ScanFile | None = None
    error_stage: str | None = None
    error_code: str | None = None
    error: str | None = None


def receive(ref: InputRef, ctx: Context) -> Received:
    """Hash the bytes and keep the original immutably under its hash, *before* judging it:
    nothing is lost, even a file that turns out not to be a document."""
    with tempfile.TemporaryDirectory(prefix="sohoa-rx-") as tmp:
        local = fetch(ref, Path(tmp), ctx.settings)
        size = local.stat().st_size
        sha = sha256_file(local)
        key = keys.original_key(sha)
        ctx.store.put_if_absent(key, local)
        received = Received(ref=ref, sha256=sha, size=size, original_key=key)
        try:
            if size > ctx.settings.max_file_bytes:
                raise InputError(
                    f"file is {size} bytes, over the limit of {ctx.settings.max_file_bytes}",
                    filename=ref.filename, hint="split the scan or raise SOHOA_MAX_FILE_BYTES")
            with local.open("rb") as fh:
                head = fh.read(4096)
            media_type = sniff_media_type(head, ref.filename)
        except InputError as err:
            received.error_stage, received.error_code = err.stage, err.code
            received.error = _reason(err)
            return received
    received.scan = ScanFile(filename=ref.filename, sha256=sha, size=size,
                             media_type=media_type, original_key=key)
    return received


def process_original(rx: Received, ctx: Context) -> Record:
    """From a kept original to a stored, indexed record. Bad input ends as a `rejected`
    record naming the stage and the reason; other errors propagate (the batch marks them)."""
    if rx.scan is None:
        record = rejected_record(rx, rx.error_stage or "intake", rx.error_code or "input_error",
                                 rx.error or "unreadable")
    else:
        try:
            record = _read_document(rx.scan, ctx)
        except InputError as err:
            record = rejected_record(rx, err.stage, err.code, _reason(err))
    if ctx.linker is not None:
        link_persons(record, ctx.linker)
    save_record(record, ctx)
    return record


def link_persons(record: Record, linker: Any) -> None:
    """Fill `persons` from the registry and confirm what the registry agrees with; an
    ambiguous person (a candidate link, or an ID or family contradiction) sends the record
    to a reviewer."""
    if record.status == RecordStatus.rejected:
        return
    record.persons = linker.link_record(record)
    if any(p.match.value == "candidate" for p in record.persons) \
            and "person_needs_review" not in record.issues:
        record.issues.append("person_needs_review")
    confirm_from_registry(record, linker)
    record.status = review_status(record.fields, record.persons, record.issues)


REGISTRY_SUGGESTED = "registry_suggested"
REGISTRY_SPELLING = "registry_spelling"  # an accepted name written as the registry spells it


def confirm_from_registry(record: Record, linker: Any) -> None:
    """Fields equal to the linked citizen's registry values (`matching.confirm`) are
    confirmed by an independent source: one held back only for low confidence or for
    repaired figures is accepted.
    Each confirmed field says so (`registry_confirmed`, an extension key). A reading that
    differs from the registry only by OCR slips takes the registry's value and stays with a
    reviewer (issue `registry_suggested`), except a name whose differing words are no name
    words while the registry's are (`matching.confirm.name_misread`): it is accepted with
    those words in the registry's spelling, marked `registry_spelling`, its OCR text kept in
    `raw`."""
    from extractors.review import CONFIRMABLE, REGISTRY_SETTLES
    from matching.confirm import (
        CONFIRMED_CONFIDENCE,
        misread_names,
        registry_confirmed,
        registry_suggestions,
    )

    for key in registry_confirmed(record, linker):
        f = record.fields[key]
        f.registry_confirmed = True  # type: ignore[attr-defined]  # extra key, records.md allows
        # held back for low confidence or for figures read back ('7990' as 1990): the
        # registry's value, equal to the reading, settles it
        if f.state == FieldState.flagged and set(f.issues) - REGISTRY_SETTLES <= CONFIRMABLE:
            f.confidence, f.state, f.issues = max(f.confidence, CONFIRMED_CONFIDENCE), \
                FieldState.auto, []
    suggestions = registry_suggestions(record, linker)
    settled = misread_names(record.doc_type.value,
                            {k: f.value for k, f in record.fields.items()}, suggestions,
                            {k: f.raw for k, f in record.fields.items()})
    for key, value in suggestions.items():
        f = record.fields[key]
        # (accepted or flagged alike: a name the model accepted whose marks the registry
        # corrects is respelled, not sent to a person)
        if key in settled and f.state in (FieldState.flagged, FieldState.auto) \
                and set(f.issues) - REGISTRY_SETTLES <= CONFIRMABLE:
            # marks misread (into words that are no name, or in capitals): those words as
            # the registry spells them (the rest as printed), said so
            f.value, f.state, f.issues = settled[key], FieldState.auto, [REGISTRY_SPELLING]
            f.confidence = max(f.confidence, CONFIRMED_CONFIDENCE)
            f.registry_confirmed = True  # type: ignore[attr-defined]
            continue
        f.value, f.state = value, FieldState.flagged
        f.issues = [*f.issues, REGISTRY_SUGGESTED]


def review_status(fields: dict[str, FieldValue], persons: list[PersonLink],
                  issues: list[str]) -> RecordStatus:
    """A readable document waits for a person while a field is flagged, a person is only a
    candidate, or its form has no extractor (no fields); otherwise it is verified."""
    waits = (not fields or "extractor_not_available" in issues
             or any(f.state == FieldState.flagged for f in fields.values())
             or any(p.match.value == "candidate" for p in persons))
    return RecordStatus.needs_review if waits else RecordStatus.verified


def _read_document(scan: ScanFile, ctx: Context) -> Record:
    pages = load_reading(ctx.store, scan.sha256, ctx.settings)
    if pages is None:
        pages = read_pages(scan, ctx)
        save_reading(ctx.store, scan.sha256, ctx.settings, pages)
    pages = with_rereads(scan, pages, ctx.store, ctx.settings, _submit(ctx))
    from extractors import extract_document

    extraction = extract_document(pages, ctx.settings)
    return build_record(scan, len(pages), extraction)


def read_pages(scan: ScanFile, ctx: Context) -> list[PageText]:
    """Render or decode the original's pages and read their words (text layer or OCR)."""
    from extractors import classify_pages

    with tempfile.TemporaryDirectory(prefix="sohoa-doc-") as tmp:
        workdir = Path(tmp)
        local = workdir / ("original" + _suffix(scan.media_type))
        ctx.store.download(scan.original_key, local)
        try:
            rendered = load_pages(local, scan.media_type, ctx.settings, workdir)
        except InputError as err:
            err.filename = scan.filename
            raise
        pages = ocr_pages(rendered, ctx)
        if ctx.settings.reread_lines:  # while the cleaned images are on disk
            pages = reread_rendered(rendered, pages, ctx.settings, _submit(ctx), on_disk=True)
        # Only OCR can read a page turned on its side; a real text layer is read as laid out.
        if any(p.source == "ocr" for p in pages) and classify_pages(pages) is DocType.unknown:
            pages = _upright_if_it_helps(rendered, pages, ctx)
        return pages


def _upright_if_it_helps(rendered: list[RenderedPage], pages: list[PageText],
                         ctx: Context) -> list[PageText]:
    """A document that matches no form may have pages turned 90/180/270°: read those
    upright, and keep the upright reading only if the document then matches a form."""
    from extractors import classify_pages

    upright = [upright_reading(r, p, ctx.settings) for r, p in zip(rendered, pages, strict=True)]
    if all(u is None for u in upright):
        return pages
    candidate = [u or p for u, p in zip(upright, pages, strict=True)]
    return candidate if classify_pages(candidate) is not DocType.unknown else pages


def ocr_pages(rendered: list[RenderedPage], ctx: Context) -> list[PageText]:
    """OCR every page (a page with a real text layer skips Tesseract) through the shared
    pool, so a batch never runs more Tesseract processes than `ocr_workers`."""
    if ctx.page_pool is None:
        return [ocr_rendered_page(p, ctx.settings) for p in rendered]
    futures = [ctx.page_pool.submit(ocr_rendered_page, p, ctx.settings) for p in rendered]
    return [f.result() for f in futures]


def _submit(ctx: Context) -> Callable[..., Future] | None:
    return ctx.page_pool.submit if ctx.page_pool is not None else None


def build_record(scan: ScanFile, n_pages: int, extraction: Extraction) -> Record:
    fields = extraction.fields
    issues = list(extraction.issues)
    stage = reason = None
    if extraction.doc_type == DocType.unknown:
        status = RecordStatus.rejected
        if not issues:
            issues.append("unsupported_document")
        stage = "classify"
        reason = ("no text could be read" if "no_text" in issues else
                  "matches none of the supported forms (birth, marriage, death, land)")
    else:
        if not fields and not issues:  # a known form whose extractor is not built
            issues.append("extractor_not_available")
        status = review_status(fields, [], issues)
    return Record(
        record_id=record_id_for(scan.sha256),
        source=Source(filename=scan.filename, sha256=scan.sha256, pages=n_pages,
                      media_type=scan.media_type),
        doc_type=extraction.doc_type, status=status, fields=fields, issues=issues,
        rejected_stage=stage, rejected_reason=reason, pipeline_version=__version__,
    )


def rejected_record(rx: Received, stage: str, code: str, reason: str) -> Record:
    media = rx.scan.media_type if rx.scan else MediaType.unknown
    return Record(
        record_id=record_id_for(rx.sha256),
        source=Source(filename=rx.ref.filename, sha256=rx.sha256, pages=0, media_type=media),
        doc_type=DocType.unknown, status=RecordStatus.rejected,
        issues=[code], rejected_stage=stage, rejected_reason=reason,
        pipeline_version=__version__,
    )


def save_record(record: Record, ctx: Context) -> str:
    """Store the record under its id and index it: both idempotent, so a rerun overwrites
    the same record rather than adding one."""
    key = keys.record_key(record.record_id)
    ctx.store.put_bytes(key, record.to_json().encode("utf-8"), content_type="application/json")
    ctx.index.upsert_record(record, key, __version__, stage=record.rejected_stage,
                            reason=record.rejected_reason)
    return key


def load_record(record_id: str, ctx: Context) -> Record:
    return Record.from_json(ctx.store.get_bytes(keys.record_key(record_id)))


def write_output(record: Record, out_dir: Path, stem: str) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{stem}.json"
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(record.to_json(), encoding="utf-8")
    tmp.replace(path)
    return path


def _reason(err: SohoaError) -> str:
    return f"{err.message} ({err.hint})" if err.hint else err.message


def _suffix(media_type: MediaType) -> str:
    return {MediaType.pdf: ".pdf", MediaType.tiff: ".tif", MediaType.png: ".png",
            MediaType.jpeg: ".jpg"}[media_type]
