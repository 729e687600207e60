"""`sohoa process` on local folders starts without importing what only other paths need
(the S3 SDK, the PostgreSQL dialect, pdfplumber in the parent): start-up is paid per batch
and is a large share of a small batch of text-layer PDFs (benchmarks/throughput.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

NOT_AT_START = ("extractors", "minio", "urllib3", "sqlalchemy.dialects.postgresql", "pdfplumber", "prefect")


def _modules_after(code: str) -> set[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    out = subprocess.run([sys.executable, "-c", code + "\nimport sys, json\n"
                          "print(json.dumps(sorted(sys.modules)))"],
                         capture_output=True, text=True, check=True, env=env, cwd=ROOT)
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_process_path_imports_no_s3_postgres_or_pdfplumber() -> None:
    loaded = _modules_after("import sys\nsys.argv = ['sohoa', 'process']\n"
                            "import pipeline.cli, pipeline.batch, pipeline.document")
    assert "pipeline.batch" in loaded
    assert not {m for m in NOT_AT_START if m in loaded}


def test_s3_names_still_importable_from_storage() -> None:
    loaded = _modules_after("from pipeline.storage import S3Store, minio_client, parse_s3_url\n"
                            "assert parse_s3_url('s3://b/p') == ('b', 'p')")
    assert "minio" in loaded


def test_warm_up_loads_what_extraction_caches() -> None:
    """`extractors.warm_up` (run by the batch in a background thread) leaves the form specs
    and the unit tables loaded, so the first document does not pay for them."""
    loaded = _modules_after(
        "from extractors import warm_up\n"
        "from extractors.normalise.admin_units import trees\n"
        "from extractors.registry import form_specs\n"
        "warm_up()\n"
        "assert trees.cache_info().currsize == 1 and form_specs.cache_info().currsize == 1")
    assert "extractors.normalise.places" in loaded


def test_cli_import_leaves_the_garbage_collector_as_it_found_it() -> None:
    """pipeline.cli pauses collection while it imports (and freezes what the imports built),
    but a process that imports it - the tests, the service - still collects afterwards."""
    _modules_after("import gc, sys\nsys.argv = ['sohoa', 'process']\nimport pipeline.cli\n"
                   "assert gc.isenabled() and gc.get_freeze_count() > 0")
    _modules_after("import gc, sys\ngc.disable()\nsys.argv = ['sohoa', 'process']\n"
                   "import pipeline.cli\nassert not gc.isenabled()")
