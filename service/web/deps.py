"""Dependencies of the web pages: the signed-in user, role checks and the CSRF check.

A page asked for without a session redirects to the sign-in page; a fetch call gets 401.
A user whose role does not allow a page gets 403 (a reviewer never reaches admin pages)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request

from service.errors import Forbidden
from service.web.accounts import Role, User
from service.web.context import WebContext
from service.web.sessions import COOKIE, CSRF_FIELD, CSRF_HEADER, csrf_ok, session_user


class LoginRequired(Exception):
    """No live session: pages redirect to /login, fetch calls get 401."""

    def __init__(self, next_url: str) -> None:
        super().__init__("sign in first")
        self.next_url = next_url


class CsrfFailed(Forbidden):
    hint = "reload the page and try again (the form's token is missing or stale)"


def web(request: Request) -> WebContext:
    return request.app.state.web  # type: ignore[no-any-return]


WebDep = Annotated[WebContext, Depends(web)]


def session(request: Request, ctx: WebDep) -> tuple[User, str]:
    cached = getattr(request.state, "web_session", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    found = ctx.db.run(lambda conn: session_user(conn, request.cookies.get(COOKIE)))
    if found is None:
        raise LoginRequired(str(request.url.path))
    request.state.web_session = found
    return found


def current_user(sess: Annotated[tuple[User, str], Depends(session)]) -> User:
    return sess[0]


def require(*roles: Role) -> Callable[..., User]:
    """A dependency admitting `roles` (admins always)."""
    def check(user: Annotated[User, Depends(current_user)]) -> User:
        if not user.can(*roles):
            raise Forbidden(f"{user.username} ({user.role.value}) may not open this page",
                            hint="ask an administrator for the right role")
        return user
    return check


async def csrf(request: Request, sess: Annotated[tuple[User, str], Depends(session)]) -> None:
    """Every state-changing request echoes the session's CSRF token."""
    given = request.headers.get(CSRF_HEADER)
    if given is None and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        given = value if isinstance(value, str) else None
    if not csrf_ok(sess[1], given):
        raise CsrfFailed("CSRF token missing or wrong")


Staff = Annotated[User, Depends(require(Role.staff))]
Reviewer = Annotated[User, Depends(require(Role.reviewer))]
Admin = Annotated[User, Depends(require(Role.admin))]
AnyUser = Annotated[User, Depends(current_user)]
Csrf = Depends(csrf)
