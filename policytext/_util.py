"""Small helpers shared by several stages: atomic writes, hashing, user folders."""

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
    if target.exists() and not target.is_file():
        kind = "a folder" if target.is_dir() else "not a regular file (a device, pipe or socket)"
        raise OutputError(f"cannot write: it is {kind}", path)
    return target


#: A new file only (as ``tempfile.mkstemp`` opens its files): never an existing one or a link.
_CREATE_NEW = os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


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
