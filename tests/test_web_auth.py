"""Web pages: sign-in with argon2-hashed passwords, server-side sessions, CSRF on every
POST, and roles (a reviewer never reaches admin pages; staff never reach the review)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from pipeline.config import Settings
from pipeline.errors import InputError
from service.app import create_app
from service.db import ServiceDB
from service.web.accounts import Role, authenticate, create_user
from service.web.sessions import COOKIE

PASSWORDS = {"staff1": "staff-passphrase", "rev1": "reviewer-passphrase",
             "admin1": "admin-passphrase", "rev9": "reviewer-9-passphrase"}
ROLES = {"staff1": Role.staff, "rev1": Role.reviewer, "admin1": Role.admin,
         "rev9": Role.reviewer}


@pytest.fixture(scope="module")
def shared_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """One app for the module (accounts cost an argon2 hash each); tests start signed out."""
    app = create_app(Settings(data_dir=tmp_path_factory.mktemp("web-auth")))
    for name, pw in PASSWORDS.items():
        app.state.web.db.run(lambda conn, n=name, p=pw: create_user(conn, n, p, ROLES[n]))
    with TestClient(app) as client:
        yield client


@pytest.fixture
def app_client(shared_client: TestClient) -> TestClient:
    shared_client.cookies.clear()
    return shared_client


def sign_in(client: TestClient, user: str, password: str | None = None) -> str:
    """Sign in; returns the session's CSRF token (from the page's meta tag)."""
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    r = client.post("/login", data={"username": user, "password": password or PASSWORDS[user],
                                    "csrf_token": token, "next": "/"}, follow_redirects=False)
    assert r.status_code == 303
    home = client.get("/")
    found = re.search(r'name="csrf-token" content="([^"]*)"', home.text)
    return found.group(1) if found else ""


def test_pages_need_a_session(app_client: TestClient) -> None:
    r = app_client.get("/review", headers={"accept": "text/html"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login?next=/review")
    assert app_client.post("/review/x/approve").status_code == 401


def test_wrong_password_and_unknown_user_are_refused(app_client: TestClient) -> None:
    sign_in(app_client, "rev1", "not-the-password")
    assert COOKIE not in app_client.cookies
    sign_in(app_client, "nobody", "whatever-it-is")
    assert COOKIE not in app_client.cookies


def test_login_form_needs_its_csrf_cookie(app_client: TestClient) -> None:
    r = app_client.post("/login", data={"username": "rev1", "password": PASSWORDS["rev1"],
                                        "csrf_token": "forged"}, follow_redirects=False)
    assert r.status_code == 303 and "error=expired" in r.headers["location"]
    assert COOKIE not in app_client.cookies


def test_passwords_are_argon2_and_session_tokens_are_not_stored(
        app_client: TestClient) -> None:
    sign_in(app_client, "rev1")
    token = app_client.cookies[COOKIE]
    db = app_client.app.state.web.db  # type: ignore[attr-defined]
    hashes = db.run(lambda c: c.execute(text("select password_hash from web_users")).all())
    assert all(h[0].startswith("$argon2id$") for h in hashes)
    stored = db.run(lambda c: c.execute(text("select token_hash from web_sessions")).all())
    assert stored and all(token not in s[0] for s in stored)
    assert db.run(lambda c: authenticate(c, "rev1", PASSWORDS["rev1"])) is not None
    assert db.run(lambda c: authenticate(c, "rev1", PASSWORDS["rev1"] + "x")) is None


@pytest.mark.parametrize("user,allowed,forbidden", [
    ("rev1", ["/review"], ["/admin/users", "/upload"]),
    ("staff1", ["/upload"], ["/review", "/admin/users"]),
    ("admin1", ["/review", "/upload", "/admin/users"], []),
])
def test_roles(app_client: TestClient, user: str, allowed: list[str],
               forbidden: list[str]) -> None:
    sign_in(app_client, user)
    for path in allowed:
        assert app_client.get(path).status_code == 200, path
    for path in forbidden:
        assert app_client.get(path).status_code == 403, path


def test_every_post_needs_the_session_csrf_token(app_client: TestClient) -> None:
    csrf = sign_in(app_client, "admin1")
    form = {"username": "rev2", "password": "another-passphrase", "role": "reviewer"}
    assert app_client.post("/admin/users", data=form).status_code == 403
    assert app_client.post("/admin/users", data={**form, "csrf_token": "forged"}
                           ).status_code == 403
    r = app_client.post("/admin/users", data={**form, "csrf_token": csrf},
                        follow_redirects=False)  # (runs once per module: rev2 is new)
    assert r.status_code == 303
    assert "rev2" in app_client.get("/admin/users").text
    # and a reviewer cannot create accounts even with a valid token of their own
    app_client.cookies.clear()
    csrf = sign_in(app_client, "rev1")
    assert app_client.post("/admin/users", data={**form, "username": "rev3",
                                                 "csrf_token": csrf}).status_code == 403


def test_sign_out_ends_the_session_on_the_server(app_client: TestClient) -> None:
    csrf = sign_in(app_client, "rev1")
    token = app_client.cookies[COOKIE]
    r = app_client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert r.status_code == 303
    app_client.cookies.set(COOKIE, token)  # replaying the old cookie does not work
    assert app_client.get("/review", headers={"accept": "text/html"},
                          follow_redirects=False).status_code == 303


def test_disabled_account_loses_its_session(app_client: TestClient) -> None:
    sign_in(app_client, "rev9")
    assert app_client.get("/review").status_code == 200
    db = app_client.app.state.web.db  # type: ignore[attr-defined]
    db.run(lambda c: c.execute(text("update web_users set disabled = true "
                                    "where username = 'rev9'")))
    assert app_client.get("/review", headers={"accept": "text/html"},
                          follow_redirects=False).status_code == 303


def test_short_passwords_are_refused(settings: Settings) -> None:
    from service.web.tables import WebBase

    db = ServiceDB(settings.effective_database_url)
    db.run(lambda c: WebBase.metadata.create_all(c))
    with pytest.raises(InputError, match="shorter"):
        db.run(lambda c: create_user(c, "shorty", "short", Role.staff))


def test_users_cli_creates_accounts(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from pipeline import config
    from pipeline.cli import app

    monkeypatch.setenv("SOHOA_DATA_DIR", str(settings.data_dir))
    monkeypatch.setattr(config, "_cached", None)
    runner = CliRunner()
    r = runner.invoke(app, ["users", "add", "clerk", "--role", "staff", "--password-stdin"],
                      input="clerk-passphrase-1\n")
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["users", "list"])
    assert "clerk" in r.output and "staff" in r.output
    db = ServiceDB(settings.effective_database_url)
    assert db.run(lambda c: authenticate(c, "clerk", "clerk-passphrase-1")) is not None
    r = runner.invoke(app, ["users", "add", "clerk2", "--role", "staff", "--password-stdin"],
                      input="short\n")
    assert r.exit_code != 0
