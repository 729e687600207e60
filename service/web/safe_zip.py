"""Unpacking an uploaded zip without trusting it: no absolute paths or `..` (path
traversal), no links, no device files; limits on the number of members, each member's
size and the total, checked against the bytes actually written (a zip's declared sizes
can lie), and on the compression ratio (zip bombs)."""

from __future__ import annotations

import shutil
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from pipeline.errors import InputError

CHUNK = 1 << 20


@dataclass(frozen=True)
class ZipLimits:
    max_members: int = 5000
    max_member_bytes: int = 512 * 1024 * 1024
    max_total_bytes: int = 4 * 1024 * 1024 * 1024
    max_ratio: float = 200.0  # uncompressed / compressed, per member


DEFAULT_LIMITS = ZipLimits()


def _fail(zip_name: str, message: str, hint: str) -> InputError:
    return InputError(message, filename=zip_name, stage="upload", hint=hint)


def safe_member_path(name: str) -> PurePosixPath | None:
    """The relative path a member may be written to, or None for a directory entry.
    Raises ValueError for absolute paths, drive letters and `..`."""
    name = name.replace("\\", "/")
    if name.endswith("/"):
        return None
    path = PurePosixPath(name)
    if path.is_absolute() or ":" in path.parts[0] or any(p in ("..", "") for p in path.parts):
        raise ValueError(name)
    return path


def extract_zip(archive: Path, dest: Path, limits: ZipLimits = DEFAULT_LIMITS,
                zip_name: str | None = None) -> list[Path]:
    """Extract the regular files of `archive` under `dest`; returns their paths. Nothing is
    left behind when a limit is broken (the caller removes `dest`)."""
    zip_name = zip_name or archive.name
    try:
        zf = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError) as exc:
        raise _fail(zip_name, f"not a readable zip archive ({exc})",
                    "upload the scans themselves or re-create the zip") from exc
    written: list[Path] = []
    total = 0
    dest = dest.resolve()
    with zf:
        members = zf.infolist()
        if len(members) > limits.max_members:
            raise _fail(zip_name, f"{len(members)} entries, over the limit of "
                        f"{limits.max_members}", "split the upload into several zips")
        for info in members:
            try:
                rel = safe_member_path(info.filename)
            except ValueError:
                raise _fail(zip_name, f"entry {info.filename!r} points outside the archive",
                            "the zip is malformed or hostile; re-create it") from None
            kind = stat.S_IFMT(info.external_attr >> 16)  # 0 when the zip does not say
            if rel is None or kind not in (0, stat.S_IFREG):
                continue  # directories, symlinks, devices: never written
            if rel.name.startswith(".") or "__MACOSX" in rel.parts:
                continue
            target = (dest / rel).resolve()
            if dest not in target.parents:
                raise _fail(zip_name, f"entry {info.filename!r} points outside the archive",
                            "the zip is malformed or hostile; re-create it")
            if info.compress_size and info.file_size / info.compress_size > limits.max_ratio:
                raise _fail(zip_name, f"entry {info.filename!r} expands "
                            f"{info.file_size / info.compress_size:.0f}×: a zip bomb?",
                            "scans do not compress like that; re-create the zip")
            target.parent.mkdir(parents=True, exist_ok=True)
            size = 0
            with zf.open(info) as src, target.open("wb") as out:
                while chunk := src.read(CHUNK):
                    size += len(chunk)
                    total += len(chunk)
                    if size > limits.max_member_bytes or total > limits.max_total_bytes:
                        raise _fail(zip_name, f"entry {info.filename!r} or the whole archive "
                                    "is over the size limit",
                                    "split the upload into several zips")
                    out.write(chunk)
            written.append(target)
    return written


def copy_limited(src: object, target: Path, max_bytes: int, name: str) -> int:
    """Copy a file-like upload to `target`, refusing more than `max_bytes`."""
    size = 0
    with target.open("wb") as out:
        while chunk := src.read(CHUNK):  # type: ignore[attr-defined]
            size += len(chunk)
            if size > max_bytes:
                raise InputError(f"over the upload limit of {max_bytes} bytes", filename=name,
                                 stage="upload", hint="split the scan or the upload")
            out.write(chunk)
    return size


def remove_tree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
