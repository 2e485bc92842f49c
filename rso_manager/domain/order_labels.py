"""What a civil order and its items are called on screen and in breaches: the order's kind, a
prohibition or a positive requirement, the category, and an order's title."""

from __future__ import annotations

from datetime import date

ORDER_KINDS = {
    "SHPO": "SHPO - Sexual Harm Prevention Order",
    "SRO": "SRO - Sexual Risk Order",
    "SOPO": "SOPO - Sexual Offences Prevention Order (before March 2015)",
}
REQUIREMENT_KINDS = {"prohibition": "Prohibition", "positive": "Positive requirement"}
REQUIREMENT_CATEGORIES = {
    "devices": "Devices", "internet": "Internet and accounts", "foreign_travel": "Foreign travel",
    "contact": "Contact", "other": "Other",
}
UNTIL_FURTHER_ORDER = "Until further order"


def order_title(kind: str, made_on: date, court: str | None) -> str:
    """How an order is named beside its items and in a breach of one: "SHPO made 01/03/2025 at
    Northam Crown Court"."""
    return f"{kind} made {made_on:%d/%m/%Y}" + (f" at {court}" if court else "")


def requirement_label(kind: str, text: str) -> str:
    """One item of an order: "Prohibition: Not to travel outside the United Kingdom"."""
    return f"{REQUIREMENT_KINDS.get(kind, kind)}: {text}"
