"""The staff pages: upload scans (files or zips) with the batch's metadata, then watch the
batch: live counts polled from the index, the summary, failed files with a retry button."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import ValidationError

from pipeline.errors import InputError, NotFound
from service.web import uploads
from service.web.deps import Csrf, Staff, WebDep, session
from service.web.sessions import CSRF_FIELD

router = APIRouter()


def _start(ctx: WebDep, upload_id: str, source: str) -> None:
    def on_state(state: str, error: str | None) -> None:
        ctx.db.run(lambda conn: uploads.set_state(conn, upload_id, state, error))
    ctx.runner.submit(source, on_state)


@router.get("/upload", response_class=HTMLResponse)
def upload_page(request: Request, ctx: WebDep, user: Staff) -> Response:
    recent = ctx.db.run(lambda conn: uploads.list_uploads(conn, 20))
    return ctx.templates.TemplateResponse(request, "upload.html", {
        "user": user, "csrf": session(request, ctx)[1], "csrf_field": CSRF_FIELD,
        "uploads": recent})


@router.post("/upload", dependencies=[Csrf])
def upload(request: Request, ctx: WebDep, user: Staff,
           files: Annotated[list[UploadFile], File()],
           archive_office: Annotated[str, Form()], register_book: Annotated[str, Form()] = "",
           year: Annotated[str, Form()] = "") -> Response:
    try:
        meta = uploads.UploadMeta(archive_office=archive_office.strip(),
                                  register_book=register_book.strip(),
                                  year=int(year) if year.strip() else None)
    except (ValidationError, ValueError) as exc:
        raise InputError(f"bad batch metadata: {exc}", stage="upload",
                         hint="archive office is required; year is 1900-2100") from None
    folder = uploads.new_upload_folder(ctx.settings.data_dir)
    n = uploads.store_files(folder, [(f.filename or "upload", f.file) for f in files])
    upload_id = ctx.db.run(lambda conn: uploads.create_upload(conn, folder, meta, n,
                                                              user.username))
    _start(ctx, upload_id, str(folder / "files"))
    if request.headers.get("accept", "").startswith("application/json"):
        return JSONResponse({"upload_id": upload_id, "files": n,
                             "url": f"/uploads/{upload_id}"}, status_code=201)
    return RedirectResponse(f"/uploads/{upload_id}", status_code=303)


@router.get("/uploads/{upload_id}", response_class=HTMLResponse)
def upload_detail(request: Request, ctx: WebDep, user: Staff, upload_id: str) -> Response:
    up = ctx.db.run(lambda conn: uploads.get_upload(conn, upload_id))
    prog = ctx.db.run(lambda conn: uploads.progress(conn, upload_id))
    return ctx.templates.TemplateResponse(request, "upload_detail.html", {
        "user": user, "csrf": session(request, ctx)[1], "csrf_field": CSRF_FIELD, "up": up,
        "p": prog})


@router.get("/uploads/{upload_id}/progress")
def upload_progress(ctx: WebDep, user: Staff, upload_id: str) -> uploads.Progress:
    return ctx.db.run(lambda conn: uploads.progress(conn, upload_id))  # type: ignore[no-any-return]


@router.post("/uploads/{upload_id}/retry", dependencies=[Csrf])
def retry(ctx: WebDep, user: Staff, upload_id: str,
          filename: Annotated[str, Form()]) -> Response:
    up = ctx.db.run(lambda conn: uploads.get_upload(conn, upload_id))
    root = Path(up.folder).resolve()
    target = (root / filename).resolve()
    if root not in target.parents or not target.is_file():
        raise NotFound(f"no file {filename!r} in upload {upload_id}",
                       hint="retry from the list of failed files")
    ctx.db.run(lambda conn: uploads.add_run(conn, upload_id, str(target)))
    _start(ctx, upload_id, str(target))
    return RedirectResponse(f"/uploads/{upload_id}", status_code=303)
