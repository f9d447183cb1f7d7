"""Errors raised by policytext.

Every error a user can trigger with bad input is a :class:`PolicyTextError`; the CLI turns
it into a one-line message and exit code 2.  Each error names the file (when there is one)
and the reason, so that a batch run can record it in its errors table and go on.
"""

from __future__ import annotations

from pathlib import Path


class PolicyTextError(Exception):
    """Base class of every error policytext raises on purpose.

    ``path`` is the offending file (or ``None`` for in-memory text) and ``reason`` a short
    human explanation.  ``str(error)`` is a single line suitable for a CLI or a table cell.
    """

    code = "error"

    def __init__(self, reason: str, path: str | Path | None = None) -> None:
        self.reason = reason
        self.path = str(path) if path is not None else None
        super().__init__(self.message)

    @property
    def message(self) -> str:
        text = self.reason.replace("\n", " ")
        return f"{self.path}: {text}" if self.path else text

    def __reduce__(self):  # keep errors picklable across worker processes
        return (self.__class__, (self.reason, self.path))


class InputError(PolicyTextError):
    """The input cannot be used at all (missing, a directory, not readable)."""

    code = "input"


class EmptyDocumentError(InputError):
    """The file is empty or holds only white space."""

    code = "empty"


class UnsupportedFormatError(InputError):
    """The file extension or content type is not one policytext reads."""

    code = "unsupported_format"


class DecodingError(InputError):
    """The bytes are not text in any encoding policytext can detect (or binary data)."""

    code = "decoding"


class CorruptFileError(InputError):
    """A container format (docx, pdf) is truncated, damaged or refused as unsafe."""

    code = "corrupt"


class FileTooLargeError(InputError):
    """The file exceeds the configured size limit."""

    code = "too_large"


class RecordError(InputError):
    """A JSONL/CSV record set is malformed or lacks the requested text column."""

    code = "record"


class ConfigurationError(PolicyTextError):
    """An option or a user-supplied data file (dictionary, lexicon) is invalid."""

    code = "configuration"


class OutputError(PolicyTextError, OSError):
    """An output file cannot be written: its folder is not writable, the disk is full, or the
    path names a folder, a device or a pipe (which an atomic write would replace).

    It is also an :class:`OSError`, so code that caught the operating system's error still does.
    """

    code = "output"


class DependencyError(PolicyTextError):
    """An optional dependency needed for this feature is not installed."""

    code = "dependency"


class DownloadError(PolicyTextError):
    """A download the user asked for failed or its checksum did not match."""

    code = "download"
