"""`LocalStore`: the object store as a plain folder — the embedded default.

Writes go to a hidden temp file in the target's folder and are then renamed into place, so a
reader (or a crash) never sees half an object. `put_if_absent` uses a hard link, which fails
atomically if the name exists, so two workers racing on the same original cannot overwrite it.
"""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from pipeline.errors import StorageError
from pipeline.storage.base import ObjectMissing, ObjectStore, validate_key, validate_prefix

_TMP_PREFIX = ".tmp-"


class LocalStore(ObjectStore):
    def __init__(self, root: Path | str) -> None:
        self.root = Path(root).expanduser().resolve()
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageError(f"cannot create store folder {self.root}: {exc}",
                               hint="check SOHOA_DATA_DIR / SOHOA_STORE_URL and permissions") from exc

    def __repr__(self) -> str:
        return f"LocalStore({str(self.root)!r})"

    def _path(self, key: str) -> Path:
        return self.root.joinpath(*validate_key(key).split("/"))

    def _fail(self, key: str, action: str, exc: OSError) -> StorageError:
        return StorageError(f"cannot {action} {self.url_for(key)}: {exc.strerror or exc}",
                            hint="check the store folder exists, is writable and has free space")

    def _write_temp(self, key: str, data: Path | bytes) -> Path:
        """Write `data` to a temp file next to `key`'s final path; return the temp path."""
        target = self._path(key)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=_TMP_PREFIX, dir=target.parent)
            try:
                with os.fdopen(fd, "wb") as out:
                    if isinstance(data, bytes):
                        out.write(data)
                    else:
                        with open(data, "rb") as src:
                            shutil.copyfileobj(src, out, 1024 * 1024)
                    out.flush()
                    os.fsync(out.fileno())
            except BaseException:
                os.unlink(tmp)
                raise
        except FileNotFoundError as exc:
            if not isinstance(data, bytes) and not Path(data).exists():
                raise StorageError(f"cannot store {key!r}: source file {data} does not exist",
                                   hint="the input vanished before it was stored") from exc
            raise self._fail(key, "write", exc) from exc
        except OSError as exc:
            raise self._fail(key, "write", exc) from exc
        return Path(tmp)

    def _put(self, key: str, data: Path | bytes) -> None:
        tmp = self._write_temp(key, data)
        try:
            os.replace(tmp, self._path(key))
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise self._fail(key, "write", exc) from exc

    def put_bytes(self, key: str, data: bytes, content_type: str | None = None) -> None:
        self._put(key, data)

    def put_file(self, key: str, path: Path, content_type: str | None = None) -> None:
        self._put(key, Path(path))

    def put_if_absent(self, key: str, data: Path | bytes,
                      content_type: str | None = None) -> bool:
        target = self._path(key)
        if target.is_dir():
            raise StorageError(f"cannot store {self.url_for(key)}: a folder has that name",
                               hint="keys must not be prefixes of other keys")
        if target.exists():
            return False
        tmp = self._write_temp(key, data)
        try:
            os.link(tmp, target)  # atomic: fails if the name already exists
            return True
        except FileExistsError:
            return False
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EXDEV):
                raise self._fail(key, "write", exc) from exc
            # file systems without hard links: best effort (a race writes equal bytes)
            if target.exists():
                return False
            os.replace(tmp, target)
            return True
        finally:
            tmp.unlink(missing_ok=True)

    def get_bytes(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError) as exc:
            raise ObjectMissing(f"no object {self.url_for(key)}",
                                hint="check the key; originals are under originals/<sha256>") from exc
        except OSError as exc:
            raise self._fail(key, "read", exc) from exc

    def download(self, key: str, path: Path) -> Path:
        src = self._path(key)
        path = Path(path)
        if not src.is_file():
            raise ObjectMissing(f"no object {self.url_for(key)}",
                                hint="check the key; originals are under originals/<sha256>")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, path)
        except OSError as exc:
            raise self._fail(key, "copy", exc) from exc
        return path

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def list(self, prefix: str = "") -> Iterator[str]:
        validate_prefix(prefix)
        # walk only the folder the prefix points into, then filter as S3 would
        folder = prefix.rsplit("/", 1)[0] if "/" in prefix else ""
        start = self.root.joinpath(*folder.split("/")) if folder else self.root
        keys: list[str] = []
        for dirpath, dirnames, filenames in os.walk(start):
            dirnames[:] = [d for d in dirnames if not d.startswith(".")]
            rel = Path(dirpath).relative_to(self.root).as_posix()
            for name in filenames:
                if name.startswith("."):
                    continue
                key = name if rel == "." else f"{rel}/{name}"
                if key.startswith(prefix):
                    keys.append(key)
        yield from sorted(keys)

    def url_for(self, key: str) -> str:
        return self._path(key).as_uri()

    def _delete(self, key: str) -> None:
        try:
            self._path(key).unlink(missing_ok=True)
        except OSError as exc:
            raise self._fail(key, "delete", exc) from exc
