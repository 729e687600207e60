"""Server time to render the review workstation for a 300-DPI page, on loopback.

Processes one committed sample page (300 DPI) into a record, starts a real `uvicorn` serving
the app on a free loopback port, signs a reviewer in, claims the record, then times:
- the workstation HTML (`GET /review/<record>`), warm: N requests, median / p95 / max;
- the page image: the first request (renders the ~1,600 px WebP derivative from the original
  unless the claim's background warm-up made it already) and cached requests;
- the flagged field's crop (cached).
Target: workstation HTML < 150 ms. Prints the figures; nothing is asserted.

    python benchmarks/workstation_render.py [--n 200] [--doc marriage_0001.pdf]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from pipeline.batch import run_batch
from pipeline.config import Settings
from pipeline.models import MediaType
from samples import bundled_corpus
from service.db import ServiceDB
from service.web.accounts import Role, create_user
from service.web.page_image import render_derivative
from service.web.tables import WebBase

PASSWORD = "benchmark-passphrase"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _times(client: httpx.Client, url: str, n: int) -> list[float]:
    out = []
    for _ in range(n):
        t = time.perf_counter()
        r = client.get(url)
        out.append((time.perf_counter() - t) * 1000)
        r.raise_for_status()
    return out


def _summary(ms: list[float]) -> str:
    ms = sorted(ms)
    p95 = ms[min(len(ms) - 1, int(0.95 * len(ms)))]
    return (f"median {statistics.median(ms):6.1f} ms · p95 {p95:6.1f} ms · "
            f"max {ms[-1]:6.1f} ms (n={len(ms)})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--doc", default="marriage_0001.pdf",
                    help="a committed sample (300 DPI; the default is a scanned page, OCR'd)")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="sohoa-ws-bench-"))
    data = tmp / "data"
    settings = Settings(data_dir=data)
    src = tmp / "in"
    src.mkdir()
    shutil.copy(bundled_corpus() / args.doc, src / args.doc)
    summary = run_batch(str(src), None, settings)
    item = summary.items[0]
    assert item.record_id, item
    db = ServiceDB(settings.effective_database_url)
    db.create_all()
    db.run(lambda c: WebBase.metadata.create_all(c))
    db.run(lambda c: create_user(c, "bench", PASSWORD, Role.reviewer))
    db.dispose()
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOHOA_")}
    env.update(SOHOA_DATA_DIR=str(data), SOHOA_WEB_ENGINE="local")
    server = subprocess.Popen([sys.executable, "-m", "uvicorn", "service.app:app_from_env",
                               "--factory", "--host", "127.0.0.1", "--port", str(port),
                               "--log-level", "warning"], env=env, cwd=tmp)
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=30) as c:
            for _ in range(150):
                try:
                    if c.get("/login").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.2)
            token = re.search(r'name="csrf_token" value="([^"]+)"', c.get("/login").text)[1]
            c.post("/login", data={"username": "bench", "password": PASSWORD,
                                   "csrf_token": token})
            csrf = re.search(r'name="csrf-token" content="([^"]+)"', c.get("/review").text)[1]
            rid = item.record_id
            c.post(f"/review/{rid}/claim", data={"csrf_token": csrf})
            ws = f"/review/{rid}"
            first = _times(c, ws, 1)
            page = c.get(ws).text
            flagged = re.findall(r'class="field flagged todo" id="f-([^"]+)"', page)
            warm = _times(c, ws, args.n)
            img_first = _times(c, f"/review/{rid}/page/1.webp", 1)
            img = c.get(f"/review/{rid}/page/1.webp")
            img_warm = _times(c, f"/review/{rid}/page/1.webp", 50)
            crop_key = next((k for k in flagged
                             if c.get(f"/review/{rid}/crop/{k}.png").status_code == 200), None)
            crop = _times(c, f"/review/{rid}/crop/{crop_key}.png", 50) if crop_key else []
        print(f"document: {args.doc} ({item.pages} page(s), 300 DPI), record {rid}, "
              f"{len(flagged)} flagged field(s), HTML {len(page) / 1024:.0f} KiB")
        print(f"workstation HTML, first request:     {first[0]:6.1f} ms "
              "(first view: page geometry read, first-use paths)")
        print(f"workstation HTML, warm:              {_summary(warm)}   target < 150 ms")
        original = (src / args.doc).read_bytes()
        media = MediaType.pdf if args.doc.endswith(".pdf") else MediaType.jpeg
        cold = []
        for _ in range(3):
            t = time.perf_counter()
            render_derivative(original, media, 1)
            cold.append((time.perf_counter() - t) * 1000)
        print(f"page image derivative, made once:    {statistics.median(cold):6.1f} ms "
              "(median of 3; off the request path: made when the record is claimed)")
        print(f"page image (WebP {len(img.content) / 1024:.0f} KiB), first request: "
              f"{img_first[0]:6.1f} ms")
        print(f"page image, cached:                  {_summary(img_warm)}")
        if crop:
            print(f"field crop ({crop_key}), cached:     {_summary(crop)}")
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
