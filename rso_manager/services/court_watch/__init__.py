"""The court watch (issue 18): people charged with a Schedule 3 offence, their hearings and
outcomes, the daily list, the reminders of hearings with no outcome, and court lists matched
against the watch. Each module is one workflow; this package names what the others call."""

from rso_manager.services.court_watch.court_list import (
    CourtListRow,
    ProposedMatch,
    apply_court_list,
    match_court_list,
)
from rso_manager.services.court_watch.daily_list import DailyList, daily_list
from rso_manager.services.court_watch.hearings import HearingInput, add_hearing, correct_hearing
from rso_manager.services.court_watch.outcomes import OutcomeInput, OutcomeResult, record_outcome
from rso_manager.services.court_watch.registered import ExistingCase, existing_cases
from rso_manager.services.court_watch.reminders import OutcomeReminder, outcome_reminders
from rso_manager.services.court_watch.views import (
    ChargedPersonView,
    HearingView,
    OffenceView,
    watch_reference,
)
from rso_manager.services.court_watch.watch import (
    ChargeInput,
    OffenceInput,
    Watcher,
    charged_person,
    correct_charged_person,
    record_charged_person,
    void_charged_person,
    watched_people,
    watchers,
)

__all__ = [
    "ChargeInput", "ChargedPersonView", "CourtListRow", "DailyList", "ExistingCase", "HearingInput", "HearingView",
    "OffenceInput", "OffenceView", "OutcomeInput", "OutcomeReminder", "OutcomeResult", "ProposedMatch", "Watcher",
    "add_hearing", "apply_court_list", "charged_person", "correct_charged_person", "correct_hearing", "daily_list",
    "existing_cases", "match_court_list", "outcome_reminders", "record_charged_person", "record_outcome",
    "void_charged_person", "watch_reference", "watched_people", "watchers",
]
