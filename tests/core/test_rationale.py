from __future__ import annotations

from datetime import date

import pytest

from rso_manager.domain.rationale import (
    GUIDANCE,
    RationalePolicy,
    SignOffDecision,
    assess_rationale,
    can_sign_off,
    escalation_due,
    is_boilerplate,
    route_sign_off,
    word_count,
)

GOOD = (
    "Considered the visit record and device checks; no undeclared devices were found. "
    "Approve the plan; next unannounced visit by 30 January."
)


@pytest.mark.parametrize("text", [
    "seen", "Seen", "SEEN", "Noted.", "noted!!", "Agreed", "ok", "OK", "Okay.", "NFA", "N.F.A.",
    "No further action", "as above", "As per above.", "fine", "Approved", "checked",
    "Happy with this", "seen & agreed", "Seen and noted", "Seen, noted, agreed.", "OK - NFA",
    "noted noted noted", "Seen / agreed / NFA", "  seen\n\tand agreed  ", "Noted. NFA.",
    "I am happy with this entry", "Checked & approved - no further action.", "seen 12/03/2026",
])
def test_boilerplate_refused_with_reason(text: str) -> None:
    verdict = assess_rationale(text)
    assert not verdict.ok
    assert len(verdict.problems) == 1
    assert "stock phrase" in verdict.problems[0]
    assert verdict.guidance == GUIDANCE


@pytest.mark.parametrize("text", ["seen the offender at home", "not agreed", "noted breach"])
def test_content_words_are_not_boilerplate(text: str) -> None:
    assert not is_boilerplate(text)


@pytest.mark.parametrize("text", ["", "   ", "\n"])
def test_empty_refused(text: str) -> None:
    verdict = assess_rationale(text)
    assert not verdict.ok
    assert "empty" in verdict.problems[0]


def test_short_refused_counting_words_not_punctuation() -> None:
    text = "Visit done - devices checked - all fine, 2 phones !!! ... ---"
    assert word_count(text) == 7
    verdict = assess_rationale(text)
    assert not verdict.ok
    assert verdict.problems == (
        "The rationale has 7 words; at least 15 are needed to explain what was considered, "
        "the decision and what happens next.",)


def test_min_words_configurable() -> None:
    assert assess_rationale("Breach recorded as crime, ref issued.", policy=RationalePolicy(min_words=5)).ok


def test_good_rationale_accepted() -> None:
    assert word_count(GOOD) == 20
    verdict = assess_rationale(GOOD, ["Returned: the RMP lacks a contingency plan for the new address."])
    assert verdict.ok
    assert verdict.problems == ()


def test_templated_near_copy_refused() -> None:
    earlier = ("Reviewed the home visit to John Smith on 12/03/2026. All declared devices were "
               "checked against the register and none were undeclared. Approve; next visit by "
               "12 June 2026 as per the RMP.")
    now = ("Reviewed the home visit to Peter Jones on 02/04/2026. All declared devices were "
           "checked against the register and none were undeclared. Approve; next visit by "
           "3rd July 2026 as per the RMP.")
    verdict = assess_rationale(now, ["Something quite different about another case entirely.", earlier])
    assert not verdict.ok
    assert "recent sign-offs" in verdict.problems[0]


def test_near_copy_only_within_window_and_threshold() -> None:
    earlier = GOOD.replace("30 January", "2 March")
    assert not assess_rationale(GOOD, [earlier]).ok
    older = ["x"] * 20 + [earlier]
    assert assess_rationale(GOOD, older).ok
    assert assess_rationale(GOOD, [earlier], RationalePolicy(similarity_threshold=1.01)).ok


def test_genuinely_different_rationale_not_a_copy() -> None:
    other = ("Returned to author: the breach of the SHPO device condition has no crime reference. "
             "Record the crime and re-submit within two working days.")
    assert assess_rationale(GOOD, [other]).ok


def test_decisions() -> None:
    assert [d.value for d in SignOffDecision] == ["approve", "return", "escalate"]


def test_self_sign_off_refused() -> None:
    decision = can_sign_off(7, 7, signer_is_supervisor=True, signer_trained=True)
    assert not decision.allowed
    assert "own entry" in decision.reason


def test_untrained_or_non_supervisor_refused() -> None:
    assert not can_sign_off(1, 2, signer_is_supervisor=True, signer_trained=False).allowed
    assert not can_sign_off(1, 2, signer_is_supervisor=False, signer_trained=True).allowed
    assert can_sign_off(1, 2, signer_is_supervisor=True, signer_trained=True).allowed


SUP, COVER, JUNIOR, LEAD = "sup", "cover", "junior", "lead"
USERS = {
    SUP: (True, True, True),
    COVER: (True, True, True),
    JUNIOR: (False, False, True),
    LEAD: (True, True, True),
}
LEAVE = {SUP: [(date(2026, 8, 3), date(2026, 8, 14))]}


def test_routes_to_owner_when_present() -> None:
    routed = route_sign_off(SUP, LEAVE, {SUP: COVER}, USERS, date(2026, 8, 17), LEAD)
    assert (routed.assignee_id, routed.via_cover) == (SUP, False)


def test_routes_to_cover_during_absence() -> None:
    for day in (date(2026, 8, 3), date(2026, 8, 14)):
        routed = route_sign_off(SUP, LEAVE, {SUP: COVER}, USERS, day, LEAD)
        assert (routed.assignee_id, routed.via_cover) == (COVER, True)
        assert "absent" in routed.reason


def test_never_routes_to_untrained_cover() -> None:
    routed = route_sign_off(SUP, LEAVE, {SUP: JUNIOR}, USERS, date(2026, 8, 5), LEAD)
    assert (routed.assignee_id, routed.via_cover) == (LEAD, False)
    assert "not a supervisor" in routed.reason
    untrained = {**USERS, COVER: (True, False, True)}
    routed = route_sign_off(SUP, LEAVE, {SUP: COVER}, untrained, date(2026, 8, 5), LEAD)
    assert routed.assignee_id == LEAD and "not trained" in routed.reason


def test_absent_cover_or_no_cover_goes_to_lead() -> None:
    both_away = {**LEAVE, COVER: [(date(2026, 8, 1), None)]}
    routed = route_sign_off(SUP, both_away, {SUP: COVER}, USERS, date(2026, 8, 5), LEAD)
    assert routed.assignee_id == LEAD and "cover is absent" in routed.reason
    routed = route_sign_off(SUP, LEAVE, {}, USERS, date(2026, 8, 5), LEAD)
    assert routed.assignee_id == LEAD and "no named cover" in routed.reason


def test_escalation_across_christmas_2026() -> None:
    # Wed 23 Dec: working days Thu 24, Tue 29, Wed 30, Thu 31, Mon 4 Jan (25, 28 Dec and
    # 1 Jan 2027 are bank holidays), so the fifth working day ends on Monday 4 January.
    created = date(2026, 12, 23)
    assert not escalation_due(created, date(2026, 12, 31))
    assert not escalation_due(created, date(2027, 1, 4))
    assert escalation_due(created, date(2027, 1, 5))
    assert not escalation_due(created, date(2027, 1, 5), limit_working_days=6)
