"""Input sources: what `sohoa process INPUT` reads — a file, a folder, or `s3://bucket/prefix`.

Listing does not filter by extension: intake decides a file's type by its content, so a
stray `.docx` is listed here and rejected downstream with a reason staff can see. Only hidden
files and our own companion files (`*.truth.json`, `registry.csv`, `summary.json`,
`manifest.json`, `eval.json`, `README.md` of a corpus) are skipped.

Output stems (`<out>/<stem>.json`) must be unique within a batch. The rule:
1. the file name without its last suffix (`a/scan_01.pdf` → `scan_01`), if no other listed
   file has the same stem (compared case-insensitively, for case-insensitive file systems);
2. otherwise the relative path without the suffix, `/` replaced by `__`
   (`a/scan.pdf`, `b/scan.pdf` → `a__scan`, `b__scan`);
3. otherwise (same path, different suffix: `scan.pdf`, `scan.tif`) the relative path with
   the suffix's dot replaced by `_` (`scan_pdf`, `scan_tif`);
4. any stem still taken gets `~2`, `~3`… in listing order.
So a corpus of uniquely named files keeps `<stem>.json` next to its `<stem>.truth.json`.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlparse

from pydantic import BaseModel, ConfigDict

from pipeline.config import Settings
from pipeline.errors import InputError, StorageError

COMPANION_NAMES = frozenset({"registry.csv", "summary.json", "manifest.json", "eval.json",
                             "README.md"})
COMPANION_SUFFIXES = (".truth.json",)


class InputRef(BaseModel):
    """One input document before intake: where it is, not its bytes (small and picklable)."""

    model_config = ConfigDict(frozen=True)
    uri: str  # absolute local path, or s3://bucket/key
    filename: str  # base name, as the sender named it
    relpath: str  # path relative to the listed root ('/'-separated); unique in a listing
    stem: str  # output name: <out>/<stem>.json; unique in a listing (rule in module doc)
    size: int

    @property
    def is_s3(self) -> bool:
        return self.uri.startswith("s3://")


def is_skipped(relpath: str) -> bool:
    """Hidden files (or files in hidden folders) and our own companion files."""
    parts = PurePosixPath(relpath).parts
    name = parts[-1]
    return (any(p.startswith(".") for p in parts) or name in COMPANION_NAMES
            or name.endswith(COMPANION_SUFFIXES))


def list_inputs(uri: str, settings: Settings) -> list[InputRef]:
    """The documents under `uri` (a file, a folder — recursive — or s3://bucket/prefix),
    sorted by relative path, each with a batch-unique stem. An explicitly named single file
    is always listed, even if it looks like a companion."""
    if uri.startswith("s3://"):
        entries = _list_s3(uri, settings)
    else:
        entries = _list_local(_local_path(uri))
    entries.sort(key=lambda e: e[1])
    stems = assign_stems([rel for _, rel, _ in entries])
    return [InputRef(uri=u, filename=PurePosixPath(rel).name, relpath=rel, stem=stem, size=size)
            for (u, rel, size), stem in zip(entries, stems)]


def fetch(ref: InputRef, dest_dir: Path, settings: Settings | None = None) -> Path:
    """A local file with the input's bytes: the file itself for local inputs (no copy), or a
    download into `dest_dir` (named `<stem><suffix>`) for S3 inputs."""
    if not ref.is_s3:
        path = Path(ref.uri)
        if not path.is_file():
            raise InputError("the input file vanished before it was read", filename=ref.uri,
                             hint="check the folder was not changed while the batch ran")
        return path
    if settings is None:
        raise StorageError(f"fetching {ref.uri} needs the S3 settings",
                           hint="pass settings=… to fetch()")
    from pipeline.storage.s3 import S3_FAILURES, minio_client, parse_s3_url, s3_error

    bucket, key = parse_s3_url(ref.uri)
    dest = Path(dest_dir) / f"{ref.stem}{PurePosixPath(ref.filename).suffix}"
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        minio_client(settings).fget_object(bucket, key, str(dest))
    except S3_FAILURES as exc:
        raise s3_error(ref.uri, "download", exc) from exc
    return dest


def assign_stems(relpaths: list[str]) -> list[str]:
    """Batch-unique output stems for `relpaths` (in order), by the rule in the module doc."""
    tiers: list[Callable[[PurePosixPath], str]] = [
        lambda p: p.stem,
        lambda p: "__".join((*p.parent.parts, p.stem)),
        lambda p: "__".join((*p.parent.parts, p.stem + p.suffix.replace(".", "_"))),
    ]
    paths = [PurePosixPath(r) for r in relpaths]
    stems: list[str | None] = [None] * len(paths)
    pending = list(range(len(paths)))
    for tier in tiers:
        counts = Counter(tier(paths[i]).casefold() for i in pending)
        still = []
        for i in pending:
            stem = tier(paths[i])
            if counts[stem.casefold()] == 1:
                stems[i] = stem
            else:
                still.append(i)
        pending = still
    for i in pending:
        stems[i] = tiers[-1](paths[i])
    # the tiers can still collide across groups (or tier 3 leave duplicates): number them
    taken: set[str] = set()
    out: list[str] = []
    for stem in stems:
        assert stem is not None
        candidate, n = stem, 1
        while candidate.casefold() in taken:
            n += 1
            candidate = f"{stem}~{n}"
        taken.add(candidate.casefold())
        out.append(candidate)
    return out


def _local_path(uri: str) -> Path:
    if uri.startswith("file://"):
        parsed = urlparse(uri)
        return Path(unquote(parsed.path))
    return Path(uri).expanduser()


def _list_local(path: Path) -> list[tuple[str, str, int]]:
    if path.is_file():
        resolved = path.resolve()
        return [(str(resolved), resolved.name, resolved.stat().st_size)]
    if not path.is_dir():
        raise InputError("no such file or folder", filename=str(path), stage="intake",
                         hint="give a file, a folder or s3://bucket/prefix")
    root = path.resolve()
    entries: list[tuple[str, str, int]] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for name in filenames:
            full = Path(dirpath) / name
            rel = full.relative_to(root).as_posix()
            if is_skipped(rel) or not full.is_file():  # sockets, fifos, broken links
                continue
            entries.append((str(full), rel, full.stat().st_size))
    return entries


def _list_s3(uri: str, settings: Settings) -> list[tuple[str, str, int]]:
    """`s3://b/key` naming one object lists that object; otherwise the prefix is a folder
    (`s3://b/dir` lists `dir/…`, never `dir2/…`)."""
    from pipeline.storage.s3 import S3_FAILURES, minio_client, parse_s3_url, s3_error

    bucket, prefix = parse_s3_url(uri)
    client = minio_client(settings)
    try:
        if prefix:
            try:
                stat = client.stat_object(bucket, prefix)
                return [(f"s3://{bucket}/{prefix}", PurePosixPath(prefix).name, stat.size or 0)]
            except S3_FAILURES as exc:
                err = s3_error(uri, "stat", exc)
                if err.http_status != 404:
                    raise err from exc
        folder = f"{prefix}/" if prefix else ""
        entries = []
        for obj in client.list_objects(bucket, prefix=folder or None, recursive=True):
            name = obj.object_name or ""
            rel = name[len(folder):]
            if obj.is_dir or not rel or name.endswith("/") or is_skipped(rel):
                continue
            entries.append((f"s3://{bucket}/{name}", rel, obj.size or 0))
        return entries
    except S3_FAILURES as exc:
        raise s3_error(uri, "list", exc) from exc
