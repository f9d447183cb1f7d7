"""The value every reader returns, and the guarded file access all readers share."""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from policytext.errors import EmptyDocumentError, FileTooLargeError, InputError
from policytext.model import Source

#: Files larger than this are refused before a single byte is read (override with ``max_bytes=``).
DEFAULT_MAX_BYTES = 50 * 1024 * 1024

# Any character that counts as content (not white space, not a BOM or zero-width mark).
_VISIBLE = re.compile(r"[^\s\ufeff\u200b\u200c\u200d\u2060\x00]")


@dataclass(frozen=True)
class RawText:
    """Decoded text of one document, before normalisation, with where it came from.

    ``metadata`` carries what the container knew besides the text: the other columns of a
    record, the ``<title>`` of an HTML page, the core properties of a docx.
    """

    text: str
    source: Source
    metadata: dict[str, Any] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()


def check_regular_file(path: str | Path, max_bytes: int) -> int:
    """Stat ``path`` and refuse what cannot be read safely; return its size in bytes.

    The size is checked before reading so that a huge file never reaches memory, and
    non-regular files (FIFOs, devices) are refused because reading them can block forever.
    """
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise InputError("file not found", path) from None
    except PermissionError:
        raise InputError("permission denied", path) from None
    except OSError as error:
        raise InputError(f"cannot access file ({error.strerror or error})", path) from None
    except ValueError as error:  # an embedded NUL byte in the path
        raise InputError(f"invalid path ({error})", path) from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError("is a directory, not a file (read the files inside it one by one)", path)
    if not stat.S_ISREG(info.st_mode):
        raise InputError("not a regular file (FIFO, socket or device)", path)
    if info.st_size > max_bytes:
        raise FileTooLargeError(
            f"file is {info.st_size:,} bytes, over the limit of {max_bytes:,} bytes (raise max_bytes to read it)",
            path,
        )
    return info.st_size


def read_bytes(path: str | Path, max_bytes: int) -> bytes:
    """All bytes of ``path`` after :func:`check_regular_file`; OS errors become InputError."""
    check_regular_file(path, max_bytes)
    try:
        with open(path, "rb") as handle:
            # Read one byte more than allowed: the file may have grown since stat().
            data = handle.read(max_bytes + 1)
    except PermissionError:
        raise InputError("permission denied", path) from None
    except OSError as error:
        raise InputError(f"cannot read file ({error.strerror or error})", path) from None
    if len(data) > max_bytes:
        raise FileTooLargeError(f"file is over the limit of {max_bytes:,} bytes", path)
    return data


def is_blank(text: str) -> bool:
    """True when ``text`` holds nothing but white space and invisible marks."""
    return _VISIBLE.search(text) is None


def require_text(text: str, path: str | Path | None, what: str = "file") -> None:
    """Raise EmptyDocumentError when ``text`` has no visible content."""
    if is_blank(text):
        raise EmptyDocumentError(f"{what} is empty or holds only white space", path)
