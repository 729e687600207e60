"""Sign-in, sign-out and the start page (which sends each role where its work is)."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from service.web.accounts import Role, authenticate
from service.web.deps import AnyUser, Csrf, WebDep
from service.web.sessions import (
    COOKIE,
    CSRF_FIELD,
    LOGIN_CSRF_COOKIE,
    SESSION_HOURS,
    close_session,
    csrf_ok,
    open_session,
)

router = APIRouter()


def _safe_next(url: str | None) -> str:
    return url if url and url.startswith("/") and not url.startswith("//") else "/"


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, ctx: WebDep, next: str = "/", error: str | None = None
               ) -> Response:
    token = secrets.token_urlsafe(24)
    resp = ctx.templates.TemplateResponse(request, "login.html", {
        "csrf": token, "next": _safe_next(next), "error": error, "user": None})
    resp.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict",
                    secure=ctx.secure_cookies, max_age=3600)
    return resp


@router.post("/login")
def login(request: Request, ctx: WebDep, username: Annotated[str, Form()],
          password: Annotated[str, Form()], csrf_token: Annotated[str, Form()] = "",
          next: Annotated[str, Form()] = "/") -> Response:
    if not csrf_ok(request.cookies.get(LOGIN_CSRF_COOKIE), csrf_token):
        return RedirectResponse("/login?error=expired", status_code=303)
    user = ctx.db.run(lambda conn: authenticate(conn, username, password))
    if user is None:
        return RedirectResponse(f"/login?error=bad&next={_safe_next(next)}", status_code=303)
    token = ctx.db.run(lambda conn: open_session(conn, user))
    resp = RedirectResponse(_safe_next(next), status_code=303)
    resp.set_cookie(COOKIE, token, httponly=True, samesite="lax", secure=ctx.secure_cookies,
                    max_age=SESSION_HOURS * 3600)
    resp.delete_cookie(LOGIN_CSRF_COOKIE)
    return resp


@router.post("/logout", dependencies=[Csrf])
def logout(request: Request, ctx: WebDep) -> Response:
    token = request.cookies.get(COOKIE)
    if token:
        ctx.db.run(lambda conn: close_session(conn, token))
    resp = RedirectResponse("/login", status_code=303)
    resp.delete_cookie(COOKIE)
    return resp


@router.get("/")
def home(user: AnyUser) -> Response:
    where = {Role.staff: "/upload", Role.reviewer: "/review", Role.admin: "/review"}
    return RedirectResponse(where[user.role], status_code=303)


__all__ = ["CSRF_FIELD", "router"]
