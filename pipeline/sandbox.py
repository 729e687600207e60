"""Run an untrusted-input parser in a child process with a time and a memory limit.

A hostile or broken PDF can make a parser loop, recurse or allocate without bound; in the
worker process that would hang the batch or get it OOM-killed. The child is a fresh
`python -m <module> --serve` (not a fork: the parent may be threaded - OCR pool, Prefect),
it caps its own address space first thing (`limit_self`), and talks to the parent in JSON
lines on stdout. The time limit applies *between* messages, so a 200-page PDF that reports each
page gets `timeout_s` per page, while a page that hangs is stopped.

Starting Python and importing the parsers costs more than parsing a one-page PDF, so
children are kept warm (`WarmPool`): a child serves jobs (one JSON line each on stdin) one
after another, each job ending in a `done` or `error` message. A child that times out, dies
or reports an error is killed and never reused; healthy children retire after
`JOBS_PER_CHILD` jobs so that memory fragmentation cannot creep up.
"""

from __future__ import annotations

import atexit
import json
import os
import resource
import selectors
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

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


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = _PROJECT_ROOT + os.pathsep + env.get("PYTHONPATH", "")
    env.setdefault("OMP_THREAD_LIMIT", "1")
    return env


def _messages(proc: subprocess.Popen[bytes], errfile: IO[bytes], *, timeout_s: float,
              filename: str, stage: str) -> Iterator[dict[str, Any]]:
    """The child's messages as they come; ResourceLimitExceeded when none arrives within
    `timeout_s` or when the child dies (EOF)."""
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


def _stop(proc: subprocess.Popen[bytes], errfile: IO[bytes]) -> None:
    if proc.poll() is None:
        proc.kill()
    proc.wait()
    for stream in (proc.stdin, proc.stdout):
        if stream is not None:
            stream.close()
    errfile.close()


JOBS_PER_CHILD = 50


class _WarmChild:
    def __init__(self, module: str, memory_mb: int) -> None:
        self.errfile = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", module, "--serve", str(memory_mb)],
            stdout=subprocess.PIPE, stderr=self.errfile, stdin=subprocess.PIPE,
            env=_child_env())
        self.jobs = 0

    def stop(self) -> None:
        _stop(self.proc, self.errfile)


_POOLS: list[WarmPool] = []


def close_all() -> None:
    """Stop every idle warm child of this process (also run at exit; a multiprocessing
    worker, which skips atexit, calls it from a finaliser)."""
    for pool in list(_POOLS):
        pool.close()


class WarmPool:
    """Reusable sandbox children for one module (see the module docstring)."""

    def __init__(self, module: str) -> None:
        self.module = module
        self._idle: dict[int, list[_WarmChild]] = {}
        self._lock = threading.Lock()
        _POOLS.append(self)
        atexit.register(self.close)

    def run(self, job: dict[str, Any], *, memory_mb: int, timeout_s: float, filename: str,
            stage: str = "pages") -> Iterator[dict[str, Any]]:
        """Send one job; yield its messages up to and including `done` or `error`."""
        with self._lock:
            idle = self._idle.setdefault(memory_mb, [])
            child = idle.pop() if idle else None
        if child is None or child.proc.poll() is not None:
            child = _WarmChild(self.module, memory_mb)
        healthy = False
        try:
            assert child.proc.stdin is not None
            try:
                child.proc.stdin.write(json.dumps(job).encode() + b"\n")
                child.proc.stdin.flush()
            except BrokenPipeError:
                _raise_dead(child.proc, child.errfile, filename, stage)
            for msg in _messages(child.proc, child.errfile, timeout_s=timeout_s,
                                 filename=filename, stage=stage):
                if "done" in msg:
                    healthy = True
                yield msg
                if "done" in msg or "error" in msg:
                    return
        finally:
            child.jobs += 1
            if healthy and child.jobs < JOBS_PER_CHILD:
                with self._lock:
                    self._idle.setdefault(memory_mb, []).append(child)
            else:
                child.stop()

    def close(self) -> None:
        with self._lock:
            children = [c for cs in self._idle.values() for c in cs]
            self._idle.clear()
        for child in children:
            child.stop()


def serve(handle: Callable[[dict[str, Any]], None], memory_mb: int,
          preload: Callable[[], None] | None = None) -> None:
    """Child side of `WarmPool`: cap memory, preload the parsers, then handle one job per
    stdin line until stdin closes. `handle` must end every job with `done` or `error`."""
    limit_self(memory_mb)
    if preload is not None:
        preload()
    for line in sys.stdin:
        if line.strip():
            handle(json.loads(line))


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
