"""Writing a printed document (a report, an acknowledgement) to the user's disk.

Every one is OFFICIAL-SENSITIVE and names people, so it is readable by its owner only, and it
never sits half-written under its real name.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from rso_manager.services.errors import FieldProblem, ValidationFailed


def write_owner_only(path: str | os.PathLike[str], data: bytes) -> None:
    """Write DATA to PATH through a temporary file in the same folder, readable by its owner
    only (0o600), then rename it into place; on any failure the temporary file is removed and
    PATH is left as it was."""
    target = Path(path)
    fd, temp = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=".part", dir=target.parent)
    try:
        os.chmod(temp, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


@contextmanager
def audited_file(path: str | os.PathLike[str], what: str = "file") -> Iterator[Callable[[bytes], None]]:
    """Around the unit of work that audits a saved document: gives write(data), called after the
    audit row is flushed. A file that cannot be written is a field problem on "path"; a file
    written whose unit of work then fails is removed: no file without its audit row."""
    written = False

    def write(data: bytes) -> None:
        nonlocal written
        try:
            write_owner_only(path, data)
        except OSError as exc:
            raise ValidationFailed(FieldProblem(
                "path", f"The {what} could not be saved there ({exc.strerror or exc}). Choose another folder.")) from exc
        written = True

    try:
        yield write
    except BaseException:
        if written:
            Path(path).unlink(missing_ok=True)
        raise
