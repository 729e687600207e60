"""The published OpenAPI document (docs/openapi.json), generated from the app and checked
in; a test keeps it in sync. `python -m service.openapi [--check]`."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

OPENAPI_PATH = Path(__file__).resolve().parent.parent / "docs" / "openapi.json"


def openapi_text() -> str:
    from pipeline.config import Settings
    from service.app import create_app

    with tempfile.TemporaryDirectory(prefix="sohoa-openapi-") as tmp:
        app = create_app(Settings(data_dir=Path(tmp)))
        doc = app.openapi()
        app.state.service.close()
    return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def main(argv: list[str]) -> int:
    text = openapi_text()
    if "--check" in argv:
        current = OPENAPI_PATH.read_text("utf-8") if OPENAPI_PATH.exists() else ""
        if current != text:
            print(f"{OPENAPI_PATH} is stale: run `python -m service.openapi`", file=sys.stderr)
            return 1
        return 0
    OPENAPI_PATH.parent.mkdir(parents=True, exist_ok=True)
    OPENAPI_PATH.write_text(text, encoding="utf-8")
    print(f"wrote {OPENAPI_PATH}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
