"""Intake: media type by content, never by name; streaming hash."""

from __future__ import annotations

import hashlib
import io
import os
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from pipeline.errors import EmptyFile, UnsupportedFormat
from pipeline.intake import sha256_file, sniff_file, sniff_media_type
from pipeline.models import MediaType


def _image_bytes(fmt: str, **kw: object) -> bytes:
    buf = io.BytesIO()
    Image.new("L", (8, 8), 255).save(buf, format=fmt, **kw)
    return buf.getvalue()


@pytest.mark.parametrize(("fmt", "expected"), [
    ("PNG", MediaType.png), ("JPEG", MediaType.jpeg), ("TIFF", MediaType.tiff),
])
def test_images_by_magic(fmt: str, expected: MediaType) -> None:
    assert sniff_media_type(_image_bytes(fmt), "scan.bin") is expected


def test_big_endian_tiff() -> None:
    assert sniff_media_type(b"MM\x00*\x00\x00\x00\x08", "x") is MediaType.tiff


def test_png_named_pdf_is_png(tmp_path: Path) -> None:
    path = tmp_path / "giay_khai_sinh.pdf"
    path.write_bytes(_image_bytes("PNG"))
    assert sniff_file(path) is MediaType.png


def test_pdf_even_with_leading_junk_and_wrong_name() -> None:
    assert sniff_media_type(b"%PDF-1.7\n%\xe2\xe3", "scan.jpg") is MediaType.pdf
    assert sniff_media_type(b"\r\n\x00junk%PDF-1.4\n", "scan") is MediaType.pdf


def test_docx_is_unsupported_and_says_why() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(UnsupportedFormat) as err:
        sniff_media_type(buf.getvalue(), "don.docx")
    assert err.value.filename == "don.docx" and err.value.stage == "intake"
    assert "ZIP" in str(err.value)


def test_random_bytes_unsupported() -> None:
    head = os.urandom(1024).replace(b"%PDF", b"xxxx")
    if head[:1] in (b"I", b"M", b"\x89", b"\xff"):
        head = b"\x00" + head[1:]
    with pytest.raises(UnsupportedFormat) as err:
        sniff_media_type(head, "noise.pdf")
    assert "noise.pdf" in str(err.value) and "[intake]" in str(err.value)


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.pdf"
    path.write_bytes(b"")
    with pytest.raises(EmptyFile) as err:
        sniff_file(path)
    assert err.value.filename == "empty.pdf" and err.value.stage == "intake"


def test_sha256_streams_in_chunks(tmp_path: Path) -> None:
    data = os.urandom(3 * 1024 + 17)
    path = tmp_path / "f.bin"
    path.write_bytes(data)
    assert sha256_file(path, chunk_size=1024) == hashlib.sha256(data).hexdigest()
