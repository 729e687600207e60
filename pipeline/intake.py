"""Intake: what a file is (by its bytes, never its name) and its content hash.

Archive staff rename files, scanners mislabel them and hostile uploads lie, so the media
type is decided from magic bytes only; the name is carried for error messages.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from pipeline.errors import EmptyFile, UnsupportedFormat
from pipeline.models import MediaType

SNIFF_BYTES = 1024
"""How many leading bytes `sniff_media_type` needs (PDF allows junk before `%PDF`)."""

_MAGIC: tuple[tuple[bytes, MediaType], ...] = (
    (b"II*\x00", MediaType.tiff),  # little-endian TIFF
    (b"MM\x00*", MediaType.tiff),  # big-endian TIFF
    (b"\x89PNG\r\n\x1a\n", MediaType.png),
    (b"\xff\xd8\xff", MediaType.jpeg),
)


def sniff_media_type(head: bytes, filename: str) -> MediaType:
    """The media type of a file from its first bytes (pass at least `SNIFF_BYTES`).

    `%PDF-` may follow a little junk (the PDF spec tolerates it and scanners emit it), so
    it is searched in the first KiB; image signatures must be at offset 0.
    """
    if not head:
        raise EmptyFile("the file is empty", filename=filename, stage="intake")
    for magic, media_type in _MAGIC:
        if head.startswith(magic):
            return media_type
    if b"%PDF-" in head[:SNIFF_BYTES]:
        return MediaType.pdf
    kind = "a ZIP container (e.g. .docx/.xlsx)" if head.startswith(b"PK\x03\x04") else (
        f"unrecognised content (starts {head[:8].hex(' ')})")
    raise UnsupportedFormat(f"not a PDF, TIFF, PNG or JPEG scan: {kind}",
                            filename=filename, stage="intake")


def sniff_file(path: Path) -> MediaType:
    """`sniff_media_type` over a file on disk."""
    with path.open("rb") as f:
        return sniff_media_type(f.read(SNIFF_BYTES), path.name)


def sha256_file(path: Path, *, chunk_size: int = 1 << 20) -> str:
    """Hex SHA-256 of a file, streamed: scans can be hundreds of MiB."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(chunk_size):
            digest.update(chunk)
    return digest.hexdigest()
