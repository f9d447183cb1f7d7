"""Small helpers shared by several stages: output checks and atomic writes, hashing, user folders.

An analysis can take minutes; a typo in ``--xlsx`` must not cost them, nor leave the HTML
written and the spreadsheet missing.  So every output is checked first (a folder where a file
is expected, a path under a file, a place that cannot be written: :func:`check_file_target`,
:func:`check_folder_target`, :func:`check_distinct`), and whatever the operating system still
refuses while writing (a full disk) becomes an :class:`OutputError` naming the file
(:func:`atomic_open`, :func:`writing`).
"""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, Any

from policytext.errors import OutputError

#: Environment variable that points at the shared public corpora (tests, examples, benchmarks).
SHARED_CORPORA_ENV = "POLICYTEXT_SHARED_CORPORA"


def shared_corpora_dir() -> Path:
    """Folder of the public reference corpora: ``$POLICYTEXT_SHARED_CORPORA`` or ``../shared/corpora``."""
    env = os.environ.get(SHARED_CORPORA_ENV)
    if env:
        return Path(env)
    here = Path(__file__).resolve().parent.parent
    return here.parent / "shared" / "corpora"


def line_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of every line of ``text`` (newlines excluded), in order."""
    spans = []
    position = 0
    for line in text.split("\n"):
        spans.append((position, position + len(line)))
        position += len(line) + 1
    return spans


def plural(count: int, noun: str, plural_form: str | None = None) -> str:
    """``count`` and ``noun`` for an English message: ``1 document``, ``2 documents``, ``0 errors``."""
    return f"{count} {noun if count == 1 else plural_form or noun + 's'}"


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: str | Path, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


@contextmanager
def atomic_open(path: str | Path, mode: str = "w", encoding: str | None = "utf-8") -> Iterator[IO[Any]]:
    """Open a temporary file beside ``path`` and move it into place only when the block succeeds.

    A crash or an exception leaves either the old file or none, never a half-written one.  A
    symbolic link is written through (its target is replaced, the link stays).  A path that
    names a folder, a device or a pipe is refused rather than replaced, and a failure to write
    (no permission, disk full) is an :class:`~policytext.errors.OutputError` naming the path.
    """
    target = _output_target(Path(path))
    binary = "b" in mode
    tmp_name = ""
    try:
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            # the temporary file is created inside ``try``, under a name known before it exists,
            # so that an interruption anywhere (Ctrl-C raises between any two bytecodes) removes
            # it; ``tempfile.mkstemp`` can be interrupted after creating its file, before
            # returning its name
            while True:
                tmp_name = str(target.parent / f".{target.name}.{secrets.token_hex(6)}.tmp")
                try:
                    fd = os.open(tmp_name, _CREATE_NEW, 0o600)
                    break
                except FileExistsError:
                    continue
            with os.fdopen(fd, mode, encoding=None if binary else encoding) as handle:
                yield handle
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp_name, 0o666 & ~_umask())  # created 0600 while partial; give the usual mode
            os.replace(tmp_name, target)
        except OSError as error:
            # an error of the caller's own (reading another file inside the block) names that
            # file: only errors of this output (no file name, or ours) become an OutputError
            if error.filename not in (None, tmp_name, str(target), str(target.parent)):
                raise
            raise OutputError(f"cannot write: {error.strerror or error}", path) from error
    except BaseException:
        with suppress(OSError):  # none made, or a name too long to create: the first error counts
            os.unlink(tmp_name)
        raise


def _output_target(path: Path) -> Path:
    """The file an atomic write replaces: a link's target; never a folder, device or pipe."""
    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    kind = _not_a_file(target)
    if kind:
        raise OutputError(f"cannot write: it is {kind}", path)
    return target


def _not_a_file(target: Path) -> str | None:
    """What ``target`` is when it exists but is no regular file (an atomic write would replace it)."""
    if not target.exists() or target.is_file():
        return None
    return "a folder" if target.is_dir() else "not a regular file (a device, pipe or socket)"


#: A new file only (as ``tempfile.mkstemp`` opens its files): never an existing one or a link.
_CREATE_NEW = os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def check_file_target(path: str | Path, what: str = "output", example: str = "report.html") -> Path:
    """Refuse an output file that cannot be written; ``what`` names it in the message."""
    target = _path(path, what)
    if str(path).endswith(("/", os.sep)) or target.is_dir():
        raise OutputError(f"the {what} is a folder; give a file name such as {example}", target)
    kind = _not_a_file(target)
    if kind:  # an atomic write would replace a device or pipe
        raise OutputError(f"the {what} is {kind}", target)
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


def atomic_write_text(path: str | Path, text: str) -> Path:
    with atomic_open(path, "w") as handle:
        handle.write(text)
    return Path(path)


def atomic_write_bytes(path: str | Path, data: bytes) -> Path:
    with atomic_open(path, "wb") as handle:
        handle.write(data)
    return Path(path)


def user_cache_dir() -> Path:
    """policytext's cache folder (platform-specific, overridable with ``$POLICYTEXT_CACHE_DIR``)."""
    env = os.environ.get("POLICYTEXT_CACHE_DIR")
    if env:
        return Path(env)
    from platformdirs import user_cache_path

    return user_cache_path("policytext")


def user_data_dir() -> Path:
    """policytext's data folder for downloads (overridable with ``$POLICYTEXT_DATA_DIR``)."""
    env = os.environ.get("POLICYTEXT_DATA_DIR")
    if env:
        return Path(env)
    from platformdirs import user_data_path

    return user_data_path("policytext")
