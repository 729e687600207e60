"""Settings in one place: environment variables prefixed `SOHOA_`, an optional TOML file
named by `SOHOA_CONFIG`, and embedded defaults under which everything lives in one local
data folder (local-folder store, SQLite index)."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)


def _default_workers() -> int:
    return max(1, os.cpu_count() or 1)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SOHOA_", extra="ignore")

    data_dir: Path = Field(default=Path(".sohoa"), description="root of every local artefact")
    store_url: str | None = Field(
        default=None,
        description="object store: file:///path (default: <data_dir>/store) or s3://bucket",
    )
    s3_endpoint: str = "127.0.0.1:8333"
    s3_access_key: SecretStr | None = Field(default=None, description="else AWS_ACCESS_KEY_ID")
    s3_secret_key: SecretStr | None = Field(default=None, description="else AWS_SECRET_ACCESS_KEY")
    s3_secure: bool = False
    s3_region: str | None = None
    database_url: str | None = Field(default=None, description="default: sqlite in data_dir")

    # pages and OCR
    dpi: int = 300
    min_ocr_dpi: int = 250  # scans below this are upscaled to `dpi` before OCR
    tesseract_lang: str = "vie"
    tesseract_psm: int = 6
    ocr_letter_px: float = Field(
        default=21.0, description="pages whose letters stand taller than this (median, in "
        "pixels) are scaled down to it for Tesseract, boxes scaled back (pipeline.ocr."
        "ocr_scale); 0: always read at full size")
    ocr_workers: int = Field(default_factory=_default_workers)
    document_processes: int | None = Field(
        default=None, description="worker processes a batch runs its documents in (default "
        "ocr_workers + 1); 0: in threads of the calling process (pipeline.workers)")
    max_page_pixels: int = 120_000_000  # ~A3 at 600 DPI; larger is a decompression bomb
    max_pages: int = 200
    max_file_bytes: int = 512 * 1024 * 1024
    render_timeout_s: float = 120.0
    render_memory_mb: int = 3072
    reread_lines: bool = Field(default=True, description="read weak lines a second time, "
                               "alone, and let extraction choose (pipeline.reread)")
    # Each weak line is read again once per mode (one Tesseract call per mode and page).
    # Measured on 17 office-dev / 15 poor-dev documents (in-process, stored readings), fields
    # right of 381 / 277: first reading 314 / 197; psm 6 alone 328 / 201; psm 4 alone 328 /
    # 207; both 336 / 209 (psm 4 recovers lines beside a QR code and lost register numbers,
    # psm 6 tone marks and dates). With today's cleaning and scaled reading, on the whole dev
    # corpora (READING_VERSION 10): psm 4 alone 2185/2220 and 1642/1850 fields right, both
    # 2188 and 1643, for a second Tesseract call per page (+13% of an image page's CPU):
    # psm 4 alone is the default.
    reread_modes: tuple[int, ...] = Field(default=(4,), description="Tesseract page "
                                          "segmentation modes weak lines are re-read in, one "
                                          "reading each (pipeline.reread)")
    deslant_italic: bool = Field(default=True, description="read the italic runs of a page "
                                 "(slanted values) a second time sheared upright, and let "
                                 "extraction choose (pipeline.slant)")
    reread_figures: bool = Field(default=True, description="read upright figures Tesseract "
                                 "was unsure of a second time, cut out, in the weak lines' "
                                 "call, and let extraction choose (pipeline.slant)")
    figure_witness: str = Field(default="eng", description="Tesseract language that reads "
                                "every figure of a page once more, cut out, in process, as a "
                                "witness the confidence model weighs ('' for none; "
                                "pipeline.reread)")
    reuse_readings: bool = Field(default=True, description="reuse stored page readings "
                                 "(OCR output) when reprocessing; see pipeline.readings")

    # review rule (issue 4 replaces the single threshold with calibrated, per-field ones)
    auto_accept_confidence: float = 0.90
    identity_auto_accept_confidence: float = 0.95
    # A field with a word Tesseract scored below this always goes to a reviewer. Off by
    # default: measured on birth validation corpora, floors of 0.1-0.3 flagged 40-65 more
    # right fields and removed no wrong auto-accept; 0.5 removed the one wrong auto-accept
    # for +14 points of review load. Raise it for extra caution on unfamiliar scans.
    min_ocr_word_confidence: float = 0.0

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        config_file = os.environ.get("SOHOA_CONFIG")
        if config_file:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=config_file))
        return tuple(sources)

    @model_validator(mode="after")
    def _resolve(self) -> Settings:
        self.data_dir = self.data_dir.expanduser().resolve()
        if self.s3_access_key is None and os.environ.get("AWS_ACCESS_KEY_ID"):
            self.s3_access_key = SecretStr(os.environ["AWS_ACCESS_KEY_ID"])
        if self.s3_secret_key is None and os.environ.get("AWS_SECRET_ACCESS_KEY"):
            self.s3_secret_key = SecretStr(os.environ["AWS_SECRET_ACCESS_KEY"])
        return self

    @property
    def effective_store_url(self) -> str:
        return self.store_url or (self.data_dir / "store").as_uri()

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'index.db'}"



_cached: Settings | None = None


def get_settings() -> Settings:
    global _cached
    if _cached is None:
        _cached = Settings()
    return _cached
