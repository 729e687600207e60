"""Field evidence: the crop of the source page that a field was read from.

The stored original's page is re-created in the frame the record's boxes refer to - the
page as it was read, upscaled, turned and levelled like the OCR's input (its geometry comes
from the stored reading; `pipeline.page_frames`) - and the field's box is cut out with a
small margin. The crop is a derived artefact, cached in the store under
`evidence/<sha256>/…` keyed by page, box and DPI, so it is re-creatable and shared by every
record of the same bytes.

The crop is prepared before the audited read (rendering can take a few hundred ms and must
not hold a database transaction); the read itself — authorisation, fetching the crop bytes
and the audit row — is one transaction, so no crop leaves the service unaudited.
"""

from __future__ import annotations

from pipeline.config import Settings
from pipeline.errors import NotFound
from pipeline.models import BBox, MediaType, PageText, Record
from pipeline.page_frames import crop, page_as_read, png_bytes
from pipeline.readings import load_reading
from pipeline.storage import ObjectStore, keys
from service.audit import write_audit
from service.auth import Client
from service.context import ServiceContext
from service.errors import Conflict, Forbidden
from service.records import authorise_record, build, load

MARGIN_PX = 8


def evidence_key(sha256: str, page: int, bbox: BBox, dpi: int) -> str:
    x0, y0, x1, y1 = bbox
    return f"evidence/{sha256}/p{page}-{x0}-{y0}-{x1}-{y1}-{dpi}dpi-asread.png"


def field_crop_png(original: bytes, media_type: MediaType, page: int, bbox: BBox,
                   settings: Settings, reading: PageText | None = None) -> bytes:
    """PNG bytes of `bbox` on page `page` (1-based) of the original, in the frame the box
    refers to: the page as it was read (upscaled, turned, levelled: see
    `pipeline.page_frames`), cut with a small margin."""
    image = page_as_read(original, media_type, reading, settings, page=page)
    return png_bytes(crop(image, bbox, MARGIN_PX))


def page_reading(store: ObjectStore, settings: Settings, rec: Record,
                 page: int) -> PageText | None:
    """The stored reading of the page (its geometry), if the pipeline kept one."""
    pages = load_reading(store, rec.source.sha256, settings) or []
    return next((p for p in pages if p.page == page), None)


def ensure_field_crop(store: ObjectStore, settings: Settings, rec: Record, field_key: str,
                      dpi: int) -> str:
    """The store key of the field's crop (the field must have a page and a box), made on
    first use and cached for every later reader: the API's evidence and the workstation."""
    fv = rec.fields[field_key]
    page, bbox = fv.page or 1, fv.bbox or (0, 0, 1, 1)
    key = evidence_key(rec.source.sha256, page, bbox, dpi)
    if not store.exists(key):
        original = store.get_bytes(keys.original_key(rec.source.sha256))
        png = field_crop_png(original, rec.source.media_type, page, bbox, settings,
                             page_reading(store, settings, rec, page))
        store.put_bytes(key, png, content_type="image/png")
    return key


def _locate(svc: ServiceContext, client: Client, rec: Record, citizen_id: str,
            field_key: str) -> tuple[int, str]:
    built = build(svc, client, rec.model_dump(mode="json", by_alias=True), citizen_id, None)
    if built is None:
        raise NotFound(f"no record {rec.record_id!r} for citizen {citizen_id}")
    if field_key not in built.body["fields"]:
        if field_key in rec.fields:
            raise Forbidden(f"field {field_key!r} is not allow-listed for the client's scopes")
        raise NotFound(f"record {rec.record_id!r} has no field {field_key!r}")
    fv = rec.fields[field_key]
    if fv.bbox is None or fv.page is None:
        raise Conflict(f"field {field_key!r} has no box on the page",
                       hint="it was not read from the page (e.g. absent on the form)")
    return int(built.body["provenance"]["dpi"]), f"{rec.doc_type.value}.{field_key}"


def field_evidence(svc: ServiceContext, client: Client, request_id: str, record_id: str,
                   field_key: str, citizen_id: str) -> bytes:
    if not client.grant.allows("evidence"):
        raise Forbidden("the client's scopes do not include field evidence")
    svc.db.run(lambda conn: authorise_record(conn, client, record_id, citizen_id))
    rec = Record.model_validate(load(svc, record_id))
    dpi, audited_field = _locate(svc, client, rec, citizen_id, field_key)
    key = ensure_field_crop(svc.store, svc.settings, rec, field_key, dpi)
    with svc.db.transaction() as conn:
        authorise_record(conn, client, record_id, citizen_id)
        data = svc.store.get_bytes(key)
        write_audit(conn, client, request_id, "evidence", citizen_id=citizen_id,
                    citizens=[citizen_id], record_ids=[record_id], fields=[audited_field])
    return data
