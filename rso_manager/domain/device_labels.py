"""How a device is named wherever it is listed: its kind and make, and the identifier that tells
it from another of the same make (the IMEI, else the serial number)."""

from __future__ import annotations


def device_label(kind: str, make_model: str | None, imei: str | None, serial: str | None) -> str:
    ident = f" IMEI {imei}" if imei else (f" serial {serial}" if serial else "")
    return f"{kind.title()} {make_model or ''}".strip() + ident
