"""Administration: the accounts (admins only; a reviewer or staff member gets 403)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from service.web.accounts import Role, create_user, list_users, set_disabled
from service.web.deps import Admin, Csrf, WebDep, session
from service.web.sessions import CSRF_FIELD

router = APIRouter(prefix="/admin")


@router.get("/users", response_class=HTMLResponse)
def users(request: Request, ctx: WebDep, user: Admin) -> Response:
    rows = ctx.db.run(list_users)
    return ctx.templates.TemplateResponse(request, "admin_users.html", {
        "user": user, "csrf": session(request, ctx)[1], "csrf_field": CSRF_FIELD,
        "rows": rows, "roles": [r.value for r in Role]})


@router.post("/users", dependencies=[Csrf])
def add_user(ctx: WebDep, user: Admin, username: Annotated[str, Form()],
             password: Annotated[str, Form()], role: Annotated[Role, Form()]) -> Response:
    ctx.db.run(lambda conn: create_user(conn, username, password, role))
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/users/{username}/disable", dependencies=[Csrf])
def disable(ctx: WebDep, user: Admin, username: str) -> Response:
    ctx.db.run(lambda conn: set_disabled(conn, username, True))
    return RedirectResponse("/admin/users", status_code=303)
