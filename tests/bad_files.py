"""Hostile and broken inputs, synthesised (never committed as binaries): hand-written PDFs
(truncated, encrypted, absurd page sizes), a decompression-bomb PNG, a .docx, random bytes."""

from __future__ import annotations

import hashlib
import io
import os
import struct
import zipfile
import zlib


def make_pdf(objects: list[bytes], trailer: bytes = b"") -> bytes:
    """A PDF from object bodies (numbered from 1; 1 is the catalog), with a correct xref."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for num, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (num, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R %s >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, trailer, xref)
    return bytes(out)


def page_objects(n_pages: int = 1, media_box: bytes = b"[0 0 595 842]") -> list[bytes]:
    kids = b" ".join(b"%d 0 R" % (3 + i) for i in range(n_pages))
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, n_pages)]
    objs += [b"<< /Type /Page /Parent 2 0 R /MediaBox %s >>" % media_box] * n_pages
    return objs


def _rc4(key: bytes, data: bytes) -> bytes:
    s, j, out = list(range(256)), 0, bytearray()
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) % 256
        s[i], s[j] = s[j], s[i]
    i = j = 0
    for byte in data:
        i = (i + 1) % 256
        j = (j + s[i]) % 256
        s[i], s[j] = s[j], s[i]
        out.append(byte ^ s[(s[i] + s[j]) % 256])
    return bytes(out)


def encrypted_pdf(user_password: bytes) -> bytes:
    """Standard security handler, revision 2 (RC4 40-bit), PDF spec algorithms 2-4."""
    pad = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")
    padded = (user_password + pad)[:32]
    owner = _rc4(hashlib.md5(padded).digest()[:5], padded)  # owner password = user's
    file_id, perms = b"0123456789abcdef", -4
    key = hashlib.md5(padded + owner + struct.pack("<i", perms) + file_id).digest()[:5]
    user = _rc4(key, pad)
    enc = b"<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P %d >>" % (
        owner.hex().encode(), user.hex().encode(), perms)
    objs = page_objects() + [enc]
    return make_pdf(objs, b"/Encrypt %d 0 R /ID [<%s> <%s>]" % (
        len(objs), file_id.hex().encode(), file_id.hex().encode()))


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(
        ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)




def bomb_png() -> bytes:
    """Under 2 kB, declaring 100,000 × 100,000 pixels."""
    ihdr = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr)
            + png_chunk(b"IDAT", zlib.compress(b"\x00" * 100_001 * 4, 9))
            + png_chunk(b"IEND", b""))


def huge_page_pdf() -> bytes:
    """A tiny PDF whose one page is 200 × 200 inches: 3.6 gigapixels at 300 DPI."""
    return make_pdf(page_objects(1, b"[0 0 14400 14400]"))


def docx() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


def random_bytes(n: int = 4096) -> bytes:
    return os.urandom(n).replace(b"%PDF", b"xxxx")
