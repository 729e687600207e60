"""A real `uvicorn` serving the SoHoa app (web pages + /v1) on a free port, with its own
data folder and Prefect home, and a few accounts; for the browser tests."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from pipeline.config import Settings
from service.db import ServiceDB
from service.web.accounts import Role, create_user
from service.web.tables import WebBase

CHROMIUM = "/usr/bin/chromium"
PASSWORDS = {"staff1": ("staff", "staff-passphrase-1"),
             "rev1": ("reviewer", "reviewer-passphrase-1"),
             "admin1": ("admin", "admin-passphrase-1")}


@dataclass
class WebServer:
    url: str
    data_dir: Path
    log: Path

    @property
    def settings(self) -> Settings:
        return Settings(data_dir=self.data_dir)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def add_accounts(data_dir: Path) -> None:
    db = ServiceDB(Settings(data_dir=data_dir).effective_database_url)
    db.create_all()
    db.run(lambda conn: WebBase.metadata.create_all(conn))
    for name, (role, password) in PASSWORDS.items():
        db.run(lambda conn, n=name, r=role, p=password: create_user(conn, n, p, Role(r)))
    db.dispose()


@contextmanager
def serve(tmp: Path, *, engine: str = "prefect", startup_s: float = 60.0) -> Iterator[WebServer]:
    data = tmp / "data"
    data.mkdir(parents=True)
    add_accounts(data)
    port = free_port()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SOHOA_", "PREFECT_"))}
    env.update(SOHOA_DATA_DIR=str(data), SOHOA_WEB_ENGINE=engine,
               PREFECT_HOME=str(tmp / "prefect"),
               PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="120",
               PREFECT_LOGGING_LEVEL="WARNING")
    log = tmp / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "service.app:app_from_env", "--factory",
             "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
            env=env, stdout=out, stderr=subprocess.STDOUT, cwd=tmp,
            start_new_session=True)  # its own process group: Prefect's server goes with it
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + startup_s
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"server exited: {log.read_text(errors='replace')[-3000:]}")
            try:
                with urllib.request.urlopen(url + "/login", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"server not up after {startup_s}s: {log.read_text()[-3000:]}")
            time.sleep(0.2)
        yield WebServer(url=url, data_dir=data, log=log)
    finally:
        proc.terminate()  # uvicorn shuts down; Prefect stops its temporary server at exit
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        try:  # anything the server started and left behind (only this test's group)
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
