"""What a photograph file must be to go on the record: a PNG or JPEG image, told by its first
bytes (a name ending .jpg says nothing), and not larger than the force allows."""

from __future__ import annotations

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JPEG_SIGNATURE = b"\xff\xd8\xff"


def image_media_type(data: bytes) -> str | None:
    """image/png or image/jpeg from the file's own signature; None for anything else."""
    if data.startswith(PNG_SIGNATURE):
        return "image/png"
    if data.startswith(JPEG_SIGNATURE):
        return "image/jpeg"
    return None


def image_problem(data: bytes, max_bytes: int) -> str | None:
    """Why DATA cannot be kept as a photograph, in words that say what to do; None if it can."""
    if not data:
        return "Choose a photograph file: the file chosen is empty."
    if len(data) > max_bytes:
        return (f"This file is {megabytes(len(data))}; a photograph may be at most {megabytes(max_bytes)}. "
                "Save a smaller copy (a lower resolution) and import that.")
    if image_media_type(data) is None:
        return "This file is not a photograph the record can keep: choose a JPEG or PNG image."
    return None


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"
