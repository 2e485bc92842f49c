"""Relationships, safeguarding referrals, disclosures and risk management plan actions.

The inspection found delays in referrals to children's social care and in disclosures to
parents (rules R21-R23). Every concern is a SafeguardingReferral row from the moment it is
known (concern_at), so the clocks in domain.safeguarding_clocks can measure how long the
referral, the local authority's decision and any disclosure took.

One module for each part of it (relationships, referrals, disclosures, actions, overview, staff,
checks, referral_document); callers import the names below from here.
"""

from __future__ import annotations

from rso_manager.services.safeguarding.actions import (
    ActionView,
    actions_for,
    add_action,
    overdue_actions,
    record_action_result,
)
from rso_manager.services.safeguarding.disclosures import (
    DISCLOSURE_DECISIONS,
    DISCLOSURE_ROUTES,
    ROUTE_LABEL,
    DisclosureInput,
    DisclosureView,
    record_disclosure,
    update_disclosure,
)
from rso_manager.services.safeguarding.overview import (
    SafeguardingException,
    SafeguardingView,
    Timeliness,
    safeguarding_exceptions,
    safeguarding_for,
    timeliness,
)
from rso_manager.services.safeguarding.referral_document import (
    PrintedReferral,
    print_referral_document,
    record_referral_content,
    referral_document,
)
from rso_manager.services.safeguarding.referrals import (
    SENT_METHOD_LABEL,
    SENT_METHODS,
    ReferralView,
    record_acknowledgement,
    record_concern,
    record_referral,
    record_referral_decision,
    referral_flags,
    referral_state,
)
from rso_manager.services.safeguarding.relationships import (
    RELATIONSHIP_KINDS,
    LinkedCase,
    RelationshipInput,
    RelationshipResult,
    RelationshipView,
    record_relationship,
    relationship_warning,
    relationships_for,
)
from rso_manager.services.safeguarding.responses import (
    ResponsePart,
    ResponseView,
    add_child_check,
    change_part_owner,
    open_response,
    record_child_check,
    record_disclosure_decision,
    record_disclosure_made,
    record_not_applicable,
    record_ppn_reference,
)
from rso_manager.services.safeguarding.staff import Person, action_owners, disclosure_deciders

__all__ = [
    "ActionView",
    "DISCLOSURE_DECISIONS",
    "DISCLOSURE_ROUTES",
    "DisclosureInput",
    "DisclosureView",
    "LinkedCase",
    "Person",
    "PrintedReferral",
    "RELATIONSHIP_KINDS",
    "ROUTE_LABEL",
    "SENT_METHODS",
    "SENT_METHOD_LABEL",
    "ReferralView",
    "ResponsePart",
    "ResponseView",
    "add_child_check",
    "open_response",
    "change_part_owner",
    "record_child_check",
    "record_disclosure_decision",
    "record_disclosure_made",
    "record_not_applicable",
    "record_ppn_reference",
    "RelationshipInput",
    "RelationshipResult",
    "RelationshipView",
    "SafeguardingException",
    "SafeguardingView",
    "Timeliness",
    "action_owners",
    "actions_for",
    "add_action",
    "disclosure_deciders",
    "overdue_actions",
    "print_referral_document",
    "record_acknowledgement",
    "record_action_result",
    "record_concern",
    "record_disclosure",
    "record_referral",
    "record_referral_content",
    "record_referral_decision",
    "record_relationship",
    "referral_document",
    "referral_flags",
    "referral_state",
    "relationship_warning",
    "relationships_for",
    "safeguarding_exceptions",
    "safeguarding_for",
    "timeliness",
    "update_disclosure",
]
