"""Sexual Offences Act 2003 s.80-82: whether a notification requirement still applies on a day.

Pure: the requirement's end as notification_period worked it out, and the day, are passed in.
"""

from __future__ import annotations

from datetime import date


def in_force(indefinite: bool, ends_on: date | None, on: date) -> bool:
    """True while the offender is subject to the requirement ON that day. With no end date and
    not indefinite, the period waits on the sentence (s.82 turns on its length): the requirement
    applies from conviction meanwhile (s.80(1)), so it counts as in force."""
    return indefinite or ends_on is None or ends_on >= on
