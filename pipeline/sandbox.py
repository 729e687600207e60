"""Run an untrusted-input parser in a child process with a time and a memory limit.

A hostile or broken PDF can make a parser loop, recurse or allocate without bound; in the
worker process that would hang the batch or get it OOM-killed. The child is a fresh
`python -m <module>` (not a fork: the parent may be threaded - OCR pool, Prefect), it caps
its own address space first thing (`limit_self`), and talks to the parent in JSON lines on
stdout. The time limit applies *between* messages, so a 200-page PDF that reports each
page gets `timeout_s` per page, while a page that hangs is stopped.
"""

from __future__ import annotations

import json
import os
import resource
import selectors
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pipeline.errors import ResourceLimitExceeded

_PROJECT_ROOT = str(Path(__file__).resolve().parent.parent)


def limit_self(memory_mb: int) -> None:
    """Child side: cap this process's address space (RLIMIT_AS) before parsing anything."""
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def emit(message: dict[str, Any]) -> None:
    """Child side: send one message to the parent."""
    sys.stdout.write(json.dumps(message, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def run_module(module: str, args: list[str], *, timeout_s: float, filename: str,
               stage: str = "pages") -> Iterator[dict[str, Any]]:
    """Parent side: run `python -m module args...` and yield its messages as they come.

    Raises ResourceLimitExceeded when no message arrives within `timeout_s`, or when the
    child dies without a final message (killed by a signal, e.g. abort on allocation
    failure under the memory cap). The child's exit is awaited and it is never leaked.
    """
    env = dict(os.environ)
    env["PYTHONPATH"] = _PROJECT_ROOT + os.pathsep + env.get("PYTHONPATH", "")
    env.setdefault("OMP_THREAD_LIMIT", "1")
    errfile = tempfile.TemporaryFile()  # a file, not a pipe: a chatty child cannot block
    proc = subprocess.Popen(
        [sys.executable, "-m", module, *args],
        stdout=subprocess.PIPE, stderr=errfile, stdin=subprocess.DEVNULL, env=env,
    )
    assert proc.stdout is not None
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    buffer = b""
    try:
        while True:
            deadline = time.monotonic() + timeout_s
            line = None
            while line is None:
                if b"\n" in buffer:
                    line, buffer = buffer.split(b"\n", 1)
                    break
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not sel.select(remaining):
                    raise ResourceLimitExceeded(
                        f"gave up after {timeout_s:g} s without progress (render_timeout_s)",
                        filename=filename, stage=stage)
                chunk = os.read(proc.stdout.fileno(), 1 << 16)
                if not chunk:  # EOF: the child is gone
                    _raise_dead(proc, errfile, filename, stage)
                buffer += chunk
            if line.strip():
                yield json.loads(line)
    finally:
        sel.close()
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        proc.stdout.close()
        errfile.close()


def _raise_dead(proc: subprocess.Popen[bytes], errfile: Any, filename: str,
                stage: str) -> None:
    code = proc.wait()
    errfile.seek(0)
    err = errfile.read().decode("utf-8", "replace")[-500:]
    cause = f"signal {-code}" if code < 0 else f"exit code {code}"
    raise ResourceLimitExceeded(
        f"the parser stopped without finishing ({cause}; likely out of memory, "
        f"limit render_memory_mb){': ' + err.strip() if err.strip() else ''}",
        filename=filename, stage=stage)
