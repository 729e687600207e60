"""The batch flow under Prefect: in-process with the test harness, and as a deployment run
pulled by a real `prefect worker` from a real `prefect server` (slow: starts both)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from samples import bundled_corpus

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _some_inputs(dst: Path, n: int = 2) -> Path:
    """A small batch from the committed corpus: birth certificates plus one bad file."""
    dst.mkdir(parents=True)
    births = sorted(p for p in bundled_corpus().iterdir()
                    if p.name.startswith("birth") and not p.name.endswith(".json"))[:n]
    for p in births:
        shutil.copy(p, dst / p.name)
    (dst / "empty.pdf").write_bytes(b"")
    return dst


@pytest.fixture(scope="module")
def prefect_harness():
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.mark.slow
def test_batch_flow_runs_under_prefect_and_publishes_a_summary(tmp_path, monkeypatch,
                                                                prefect_harness):
    monkeypatch.setenv("SOHOA_DATA_DIR", str(tmp_path / "data"))
    from flows.context import worker_context
    from pipeline import config

    config._cached = None
    worker_context.cache_clear()
    from flows.batch import batch_flow

    inputs = _some_inputs(tmp_path / "in")
    summary = batch_flow(str(inputs), str(tmp_path / "out"))
    assert summary["documents"] == 3
    assert summary["counts"]["rejected"] == 1
    assert (tmp_path / "out" / "summary.json").exists()
    assert (tmp_path / "out" / "empty.json").exists()
    # a rerun processes nothing again
    again = batch_flow(str(inputs), str(tmp_path / "out"))
    assert again["counts"]["unchanged"] == 3
    config._cached = None
    worker_context.cache_clear()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"prefect server exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError("prefect server did not become healthy")


@pytest.mark.slow
def test_deployment_run_is_pulled_by_a_process_worker(tmp_path):
    port = _free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect-home"), "PREFECT_API_URL": api,
           "SOHOA_DATA_DIR": str(tmp_path / "data"), "SOHOA_HOME": str(REPO),
           "PREFECT_LOGGING_LEVEL": "WARNING", "PATH": f"{BIN}:{os.environ['PATH']}"}
    logs = (tmp_path / "server.log").open("w")
    server = subprocess.Popen([str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1",
                               "--port", str(port)], env=env, stdout=logs, stderr=logs)
    worker = None
    try:
        _wait_healthy(api, server)

        def prefect(*args: str, timeout: float = 300) -> str:
            done = subprocess.run([str(BIN / "prefect"), *args], env=env, cwd=REPO, timeout=timeout,
                                  capture_output=True, text=True)
            assert done.returncode == 0, f"prefect {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
            return done.stdout

        prefect("work-pool", "create", "sohoa", "--type", "process")
        prefect("--no-prompt", "deploy", "--all")
        wlog = (tmp_path / "worker.log").open("w")
        worker = subprocess.Popen([str(BIN / "prefect"), "worker", "start", "--pool", "sohoa"],
                                  env=env, cwd=REPO, stdout=wlog, stderr=wlog)
        inputs = _some_inputs(tmp_path / "in")
        out = tmp_path / "out"
        prefect("deployment", "run", "sohoa-batch/batch", "--param", f"source={inputs}",
                "--param", f"out_dir={out}", "--watch", "--watch-timeout", "600", timeout=660)
        summary = json.loads((out / "summary.json").read_text())
        assert summary["documents"] == 3
        assert {p.name for p in out.glob("*.json")} >= {"empty.json", "summary.json"}
    finally:
        for proc in (worker, server):
            if proc is not None:
                proc.terminate()
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    proc.kill()
