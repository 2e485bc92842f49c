"""The kinds of conviction, notification, disregarded period and method the record stores, and how
users read the notification kinds."""

from __future__ import annotations

from rso_manager.domain.notification_period import DisregardReason

CONVICTION_KINDS = ("conviction", "finding", "caution")
SOURCES = ("court_list", "custody_record", "certificate")
PERIOD_KINDS = tuple(r.value for r in DisregardReason)  # custody | hospital | abroad
RELEASE_KINDS = ("custody", "hospital")  # s.84(1)(d): release from either is a notifiable change
IN_PERSON = "in_person_at_station"
METHODS = (IN_PERSON, "home_visit", "telephone", "other")
EVENT_KINDS = ("change_name", "change_address", "no_fixed_abode", "household", "travel",
               "financial", "did_not_occur")
LABELS = {
    "initial": "Initial notification (s.83)",
    "change_name": "Change of name (s.84(1)(a))",
    "change_address": "Change of home address (s.84(1)(b))",
    "change_premises": "Other premises, qualifying period reached (s.84(1)(c))",
    "release": "Release from custody or detention (s.84(1)(d))",
    "periodic": "Annual notification (s.85)",
    "weekly": "Weekly notification, no fixed abode (s.85)",
    "travel": "Foreign travel (s.86)",
    "household": "Stay in a household with a child (2012 Regs reg 10)",
    "financial": "Bank, card and passport details (2012 Regs)",
    "did_not_occur": "Notified change did not occur (s.84(4)(b))",
}
KINDS = tuple(LABELS)
