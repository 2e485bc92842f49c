"""Writing a printed document (a report, an acknowledgement) to the user's disk.

Every one is OFFICIAL-SENSITIVE and names people, so it is readable by its owner only, and it
never sits half-written under its real name.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


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
