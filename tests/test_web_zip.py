"""Uploaded zips are unpacked without trusting them: no path traversal, no links, limits on
member count, sizes (as actually written) and compression ratio."""

from __future__ import annotations

import io
import stat
import zipfile
from pathlib import Path

import pytest

from pipeline.errors import InputError
from service.web.safe_zip import ZipLimits, extract_zip, safe_member_path
from service.web.uploads import store_files


def _zip(path: Path, members: dict[str, bytes], *, compress: int = zipfile.ZIP_STORED,
         symlinks: dict[str, str] | None = None) -> Path:
    with zipfile.ZipFile(path, "w", compression=compress) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
        for name, target in (symlinks or {}).items():
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            zf.writestr(info, target)
    return path


@pytest.mark.parametrize("name", ["../evil.pdf", "a/../../evil.pdf", "/etc/passwd",
                                  "C:/windows/evil.pdf", "..\\evil.pdf", "a/./../../x.pdf"])
def test_traversal_names_are_refused(name: str) -> None:
    with pytest.raises(ValueError):
        safe_member_path(name)


def test_traversal_zip_is_refused_and_nothing_escapes(tmp_path: Path) -> None:
    z = _zip(tmp_path / "bad.zip", {"ok.pdf": b"%PDF-1.4", "../../escaped.pdf": b"x"})
    dest = tmp_path / "out" / "deep"
    with pytest.raises(InputError, match="outside the archive"):
        extract_zip(z, dest)
    assert not (tmp_path / "escaped.pdf").exists()
    assert not (tmp_path / "out" / "escaped.pdf").exists()


def test_regular_files_are_extracted_links_and_junk_skipped(tmp_path: Path) -> None:
    z = _zip(tmp_path / "book.zip", {"book/p1.pdf": b"%PDF-1.4 one", "p2.jpg": b"\xff\xd8",
                                     "__MACOSX/._p2.jpg": b"junk", ".DS_Store": b"junk"},
             symlinks={"link.pdf": "/etc/passwd"})
    got = extract_zip(z, tmp_path / "out")
    names = sorted(p.relative_to(tmp_path / "out").as_posix() for p in got)
    assert names == ["book/p1.pdf", "p2.jpg"]
    assert not (tmp_path / "out" / "link.pdf").exists()


def test_member_count_limit(tmp_path: Path) -> None:
    z = _zip(tmp_path / "many.zip", {f"f{i}.pdf": b"x" for i in range(6)})
    with pytest.raises(InputError, match="over the limit of 5"):
        extract_zip(z, tmp_path / "out", ZipLimits(max_members=5))


def test_zip_bomb_ratio_is_refused(tmp_path: Path) -> None:
    z = _zip(tmp_path / "bomb.zip", {"bomb.pdf": b"\0" * (2 << 20)},
             compress=zipfile.ZIP_DEFLATED)
    with pytest.raises(InputError, match="zip bomb"):
        extract_zip(z, tmp_path / "out")


def test_sizes_are_checked_on_the_bytes_written(tmp_path: Path) -> None:
    z = _zip(tmp_path / "big.zip", {"a.pdf": b"x" * 3000, "b.pdf": b"y" * 3000})
    with pytest.raises(InputError, match="size limit"):
        extract_zip(z, tmp_path / "out", ZipLimits(max_total_bytes=5000))
    with pytest.raises(InputError, match="size limit"):
        extract_zip(z, tmp_path / "out2", ZipLimits(max_member_bytes=2000))


def test_not_a_zip(tmp_path: Path) -> None:
    p = tmp_path / "fake.zip"
    p.write_bytes(b"PK not really")
    with pytest.raises(InputError, match="not a readable zip"):
        extract_zip(p, tmp_path / "out")


def test_upload_folder_is_removed_when_a_zip_is_refused(tmp_path: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("../x.pdf", b"x")
    buf.seek(0)
    folder = tmp_path / "u-1"
    folder.mkdir()
    with pytest.raises(InputError):
        store_files(folder, [("scan.pdf", io.BytesIO(b"%PDF")), ("bad.zip", buf)])
    assert not folder.exists()


def test_upload_names_cannot_climb(tmp_path: Path) -> None:
    folder = tmp_path / "u-2"
    folder.mkdir()
    n = store_files(folder, [("../../etc/evil.pdf", io.BytesIO(b"%PDF")),
                             ("evil.pdf", io.BytesIO(b"%PDF"))])
    assert n == 2
    names = sorted(p.name for p in (folder / "files").iterdir())
    assert len(names) == 2 and "evil.pdf" in names  # the second one renamed, not overwritten
    assert all(p.parent == folder / "files" for p in (folder / "files").iterdir())


def test_oversized_upload_is_refused_before_it_is_read(settings) -> None:  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from service.app import create_app
    from service.web import MAX_UPLOAD_BYTES

    with TestClient(create_app(settings)) as client:
        r = client.post("/upload", content=b"x",
                        headers={"content-length": str(MAX_UPLOAD_BYTES + 1),
                                 "content-type": "multipart/form-data; boundary=x"})
    assert r.status_code == 413
