"""Check output paths before any work, and turn OS errors while writing into one-line errors.

An analysis can take minutes; a typo in ``--xlsx`` must not cost them, nor leave the HTML
written and the spreadsheet missing.  So every output is checked first (a folder where a file
is expected, a path under a file, a place that cannot be written), and whatever the operating
system still refuses while writing (a full disk) becomes an :class:`OutputError` naming the file.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from policytext.errors import OutputError


def check_file_target(path: str | Path, what: str = "output", example: str = "report.html") -> Path:
    """Refuse an output file that cannot be written; ``what`` names it in the message."""
    target = _path(path, what)
    if str(path).endswith(("/", os.sep)) or target.is_dir():
        raise OutputError(f"the {what} is a folder; give a file name such as {example}", target)
    if target.exists() and not target.is_file():  # an atomic write would replace a device or pipe
        raise OutputError(f"the {what} is not a regular file (a device, pipe or socket)", target)
    if target.exists() and not os.access(target, os.W_OK):
        raise OutputError(f"cannot write the {what} (permission denied)", target)
    _check_parent(target, what)
    return target


def check_folder_target(path: str | Path, what: str = "output folder") -> Path:
    """Refuse an output folder that is a file, lies under a file or cannot be written into."""
    target = _path(path, what)
    if target.exists() and not target.is_dir():
        raise OutputError(f"the {what} must be a folder, but this is a file", target)
    if target.is_dir():
        if not os.access(target, os.W_OK | os.X_OK):
            raise OutputError(f"cannot write into the {what} (permission denied)", target)
        return target
    _check_parent(target, what)
    return target


def check_distinct(paths: dict[str, str | Path | None]) -> None:
    """Refuse two outputs at the same place (``-o t.html --xlsx t.html`` would overwrite one)."""
    seen: dict[Path, str] = {}
    for what, path in paths.items():
        if path is None:
            continue
        key = Path(os.path.abspath(path))
        if key in seen:
            raise OutputError(f"the {seen[key]} and the {what} are the same path", path)
        seen[key] = what


@contextmanager
def writing(path: str | Path, what: str = "output") -> Iterator[None]:
    """Turn an OS error raised while writing ``path`` into an :class:`OutputError` naming it."""
    try:
        yield
    except OutputError:  # already names its file (it is an OSError too)
        raise
    except IsADirectoryError:
        raise OutputError(f"the {what} is a folder, not a file", path) from None
    except NotADirectoryError:
        raise OutputError(
            f"cannot write the {what}: a part of its path is a file, not a folder", path
        ) from None
    except PermissionError:
        raise OutputError(f"cannot write the {what} (permission denied)", path) from None
    except OSError as error:
        raise OutputError(f"cannot write the {what} ({error.strerror or error})", path) from None


def _path(path: str | Path, what: str) -> Path:
    if "\x00" in str(path):
        raise OutputError(f"the {what} path holds a NUL character", repr(str(path)))
    if not str(path).strip():
        raise OutputError(f"the {what} path is empty")
    return Path(path)


def _check_parent(target: Path, what: str) -> None:
    """The nearest existing folder above ``target`` must be a folder we may write into (the
    folders below it are created when the output is written)."""
    parent = Path(os.path.abspath(target)).parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        raise OutputError(f"cannot write the {what}: {parent} is a file, not a folder", target)
    if not os.access(parent, os.W_OK | os.X_OK):
        raise OutputError(f"cannot write the {what}: no permission to write into {parent}", target)


__all__ = ["check_distinct", "check_file_target", "check_folder_target", "writing"]
