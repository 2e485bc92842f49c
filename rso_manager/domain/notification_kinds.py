"""How the notification rules (domain.notification_due) see each kind of notification the record
stores: the stored kinds are finer (three kinds of s.84(1) change, release), the rules only ask
which section a notification falls under, e.g. which restart the annual clock (s.85(2))."""

from __future__ import annotations

from rso_manager.domain.notification_due import NotificationKind

DOMAIN_KIND: dict[str, NotificationKind] = {
    "initial": NotificationKind.INITIAL,
    "change_name": NotificationKind.CHANGE,
    "change_address": NotificationKind.CHANGE,
    "change_premises": NotificationKind.CHANGE,
    "release": NotificationKind.CHANGE,
    "periodic": NotificationKind.PERIODIC,
    "weekly": NotificationKind.WEEKLY,
    "travel": NotificationKind.TRAVEL,
    "household": NotificationKind.HOUSEHOLD,
    "financial": NotificationKind.DETAILS_2012,
    "did_not_occur": NotificationKind.DID_NOT_OCCUR,
}
