"""Input listing: folders, single files and S3 prefixes; companions skipped, nothing filtered
by extension, stems unique."""

from __future__ import annotations

import io
import secrets
from pathlib import Path

import pytest

from pipeline.config import Settings
from pipeline.errors import InputError
from pipeline.sources import assign_stems, fetch, list_inputs
from pipeline.storage import minio_client

CORPUS = {
    "scan_0001.pdf": b"%PDF-1.4 a",
    "scan_0001.truth.json": b"{}",
    "registry.csv": b"citizen_id\n",
    "summary.json": b"{}",
    ".DS_Store": b"junk",
    ".hidden/inner.pdf": b"%PDF hidden",
    "letter.docx": b"PK\x03\x04 not a scan",
    "a/scan.tif": b"II*\x00 a",
    "b/scan.tif": b"II*\x00 b",
    "b/c/photo.JPG": b"\xff\xd8\xff",
}
EXPECTED = ["a/scan.tif", "b/c/photo.JPG", "b/scan.tif", "letter.docx", "scan_0001.pdf"]


def _write_corpus(root: Path) -> None:
    for rel, data in CORPUS.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)


def test_folder_listing(tmp_path: Path, settings: Settings) -> None:
    _write_corpus(tmp_path / "in")
    refs = list_inputs(str(tmp_path / "in"), settings)
    assert [r.relpath for r in refs] == EXPECTED
    by_rel = {r.relpath: r for r in refs}
    assert by_rel["letter.docx"].stem == "letter"  # listed: intake rejects it by content
    assert by_rel["a/scan.tif"].stem == "a__scan"
    assert by_rel["b/scan.tif"].stem == "b__scan"
    assert by_rel["scan_0001.pdf"].stem == "scan_0001"
    assert by_rel["b/c/photo.JPG"].filename == "photo.JPG"
    assert by_rel["scan_0001.pdf"].size == len(CORPUS["scan_0001.pdf"])
    assert fetch(by_rel["letter.docx"], tmp_path / "dl") == tmp_path / "in" / "letter.docx"
    assert not (tmp_path / "dl").exists()  # local inputs are not copied


def test_single_file_and_file_uri(tmp_path: Path, settings: Settings) -> None:
    _write_corpus(tmp_path)
    [ref] = list_inputs(str(tmp_path / "b" / "scan.tif"), settings)
    assert (ref.filename, ref.stem, ref.relpath) == ("scan.tif", "scan", "scan.tif")
    [ref] = list_inputs((tmp_path / "scan_0001.pdf").as_uri(), settings)
    assert ref.uri == str(tmp_path / "scan_0001.pdf")


def test_missing_input(tmp_path: Path, settings: Settings) -> None:
    with pytest.raises(InputError, match="no such file"):
        list_inputs(str(tmp_path / "nope"), settings)


def test_empty_folder(tmp_path: Path, settings: Settings) -> None:
    assert list_inputs(str(tmp_path), settings) == []


def test_stem_rule() -> None:
    assert assign_stems(["x.pdf", "y.pdf"]) == ["x", "y"]
    assert assign_stems(["a/s.pdf", "b/s.pdf"]) == ["a__s", "b__s"]
    assert assign_stems(["s.pdf", "s.tif", "S.png"]) == ["s_pdf", "s_tif", "S_png"]
    stems = assign_stems(["a__s.pdf", "a/s.pdf", "b/s.pdf"])
    assert len({s.casefold() for s in stems}) == 3 and stems[0] == "a__s"


@pytest.mark.s3
def test_s3_prefix_listing_and_fetch(s3_settings: Settings, tmp_path: Path) -> None:
    client = minio_client(s3_settings)
    bucket = f"sohoa-in-{secrets.token_hex(4)}"  # the input bucket differs from the store's
    client.make_bucket(bucket)
    for rel, data in CORPUS.items():
        client.put_object(bucket, f"incoming/{rel}", io.BytesIO(data), len(data))
    client.put_object(bucket, "incoming2/other.pdf", io.BytesIO(b"%PDF"), 4)  # not under dir

    refs = list_inputs(f"s3://{bucket}/incoming", s3_settings)
    assert [r.relpath for r in refs] == EXPECTED
    assert list_inputs(f"s3://{bucket}/incoming/", s3_settings) == refs
    by_rel = {r.relpath: r for r in refs}
    assert by_rel["a/scan.tif"].uri == f"s3://{bucket}/incoming/a/scan.tif"
    assert by_rel["a/scan.tif"].stem == "a__scan"

    local = fetch(by_rel["b/scan.tif"], tmp_path / "dl", s3_settings)
    assert local.read_bytes() == CORPUS["b/scan.tif"]
    assert local.name == "b__scan.tif"

    [one] = list_inputs(f"s3://{bucket}/incoming/letter.docx", s3_settings)
    assert (one.filename, one.size) == ("letter.docx", len(CORPUS["letter.docx"]))
    assert len(list_inputs(f"s3://{bucket}", s3_settings)) == len(EXPECTED) + 1
    assert list_inputs(f"s3://{bucket}/nothing-here", s3_settings) == []
