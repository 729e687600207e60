"""One error hierarchy. Each error names the file, the stage and what to do; the edges
(CLI exit codes, HTTP statuses) map from these classes and nowhere else."""

from __future__ import annotations

import re
from enum import IntEnum


class ExitCode(IntEnum):
    ok = 0
    bad_args = 2
    input_error = 3
    missing_dependency = 4
    storage_error = 5
    config_error = 6
    internal = 70


class SohoaError(Exception):
    """Base of every error SoHoa raises on purpose."""

    exit_code: ExitCode = ExitCode.internal
    http_status: int = 500
    stage: str = "pipeline"
    hint: str = ""

    def __init__(self, message: str, *, filename: str | None = None, stage: str | None = None,
                 hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.filename = filename
        if stage is not None:
            self.stage = stage
        if hint is not None:
            self.hint = hint

    @property
    def code(self) -> str:
        """Machine-readable reason, e.g. `encrypted_pdf`: what record `issues` carry."""
        return re.sub(r"(?<!^)(?=[A-Z])", "_", type(self).__name__).lower()

    def __str__(self) -> str:
        where = f"{self.filename}: " if self.filename else ""
        hint = f" ({self.hint})" if self.hint else ""
        return f"{where}[{self.stage}] {self.message}{hint}"


class ConfigError(SohoaError):
    exit_code = ExitCode.config_error
    stage = "config"


class MissingDependencyError(SohoaError):
    exit_code = ExitCode.missing_dependency
    stage = "setup"


class InputError(SohoaError):
    """The document itself is bad: the batch goes on, the file is kept and marked."""

    exit_code = ExitCode.input_error
    http_status = 422
    stage = "intake"


class UnsupportedFormat(InputError):
    hint = "send a PDF, TIFF, PNG or JPEG scan"


class EmptyFile(InputError):
    hint = "the file has no bytes; rescan or re-export it"


class EncryptedPdf(InputError):
    stage = "pages"
    hint = "remove the password and resubmit"


class CorruptDocument(InputError):
    stage = "pages"
    hint = "the file is damaged or truncated; re-export it from the scanner"


class ImageTooLarge(InputError):
    stage = "pages"
    hint = "split or downscale the scan (limit: SOHOA_MAX_PAGE_PIXELS)"


class ResourceLimitExceeded(InputError):
    """Parsing or rendering ran out of time or memory in the sandbox."""

    stage = "pages"
    hint = "the file may be malformed; check it opens in a viewer, then resubmit"


class OcrError(SohoaError):
    stage = "ocr"


class ExtractionError(SohoaError):
    stage = "extract"


class StorageError(SohoaError):
    exit_code = ExitCode.storage_error
    http_status = 503
    stage = "storage"


class NotFound(SohoaError):
    exit_code = ExitCode.input_error
    http_status = 404
    stage = "lookup"


class CorpusError(SohoaError):
    """A corpus, truth file or prediction file that does not follow the spec."""

    exit_code = ExitCode.input_error
    stage = "eval"
