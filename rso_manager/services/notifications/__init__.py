"""Statutory notifications and the convictions that start them (SOA 2003 Part 2, ss.80-91).

This package gathers the inputs the pure rules need from the record (date of birth, custody and
time abroad, SHPOs, notification history, stays), stores their answers, and opens what the Act's
failures call for: a breach for a late notification or refused biometrics (s.91), a safeguarding
task for a stay in a household with a child. Every due date comes from
domain.notification_period and domain.notification_due; nothing here re-states a statutory rule.

One module for each thing it does (kinds, pending, sentence_terms, requirements, convictions,
periods, events, stays, stations, taking, acknowledgements, reading); callers import the
names below from here.
"""

from __future__ import annotations

from rso_manager.services.notifications.acknowledgements import (
    print_acknowledgement,
    save_acknowledgement,
)
from rso_manager.services.notifications.convictions import (
    ConvictionInput,
    ConvictionView,
    convictions_for,
    enter_sentence,
    record_conviction,
)
from rso_manager.services.notifications.events import (
    EventRecorded,
    NewHome,
    record_address_change,
    record_event,
)
from rso_manager.services.notifications.kinds import (
    CONVICTION_KINDS,
    EVENT_KINDS,
    IN_PERSON,
    KINDS,
    LABELS,
    METHODS,
    PERIOD_KINDS,
    RELEASE_KINDS,
    SOURCES,
)
from rso_manager.services.notifications.pending import OPEN_END, PendingNotification
from rso_manager.services.notifications.periods import (
    PeriodView,
    end_disregarded_period,
    record_disregarded_period,
)
from rso_manager.services.notifications.reading import (
    DueNotification,
    NotificationsView,
    TakenRow,
    notifications_for,
    overdue_and_due,
)
from rso_manager.services.notifications.requirements import RequirementView, recompute_requirements
from rso_manager.services.notifications.stations import StationView, list_stations, save_station
from rso_manager.services.notifications.stays import QualifyingCounter, StayResult, record_stay
from rso_manager.services.notifications.taking import (
    S87_MESSAGE,
    NotificationInput,
    TakenNotification,
    take_notification,
)

__all__ = [
    "CONVICTION_KINDS",
    "ConvictionInput",
    "ConvictionView",
    "DueNotification",
    "EVENT_KINDS",
    "EventRecorded",
    "IN_PERSON",
    "KINDS",
    "LABELS",
    "METHODS",
    "NewHome",
    "NotificationInput",
    "NotificationsView",
    "OPEN_END",
    "PERIOD_KINDS",
    "PendingNotification",
    "PeriodView",
    "QualifyingCounter",
    "RELEASE_KINDS",
    "RequirementView",
    "S87_MESSAGE",
    "SOURCES",
    "StationView",
    "StayResult",
    "TakenNotification",
    "TakenRow",
    "convictions_for",
    "end_disregarded_period",
    "enter_sentence",
    "list_stations",
    "notifications_for",
    "overdue_and_due",
    "print_acknowledgement",
    "recompute_requirements",
    "record_address_change",
    "record_conviction",
    "record_disregarded_period",
    "record_event",
    "record_stay",
    "save_acknowledgement",
    "save_station",
    "take_notification",
]
