"""One case at a time, told in order: sentence, release, requirement, record, risk, then the events
and people around it. Intervals and periods come from domain/, not a copy of them."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from functools import cache
from typing import Any

from rso_manager.demo.events import Events
from rso_manager.demo.invented import (
    ACTIONS,
    COURTS,
    HIGHER,
    LESSER,
    LEVEL_CUMULATIVE,
    LEVELS,
    MARKS,
    PLAN_CONTINGENCY,
    PLAN_INTERVENTIONS,
    PLAN_MONITORING,
    PLAN_SUPERVISION,
    PLAN_VICTIM,
    POSTCODE_LETTERS,
    SERIOUS,
    STREET_TYPES,
    SURNAME_HEADS,
    invented_forename,
    invented_surname,
    pick,
)
from rso_manager.demo.people import People
from rso_manager.demo.person_details import add_person_details
from rso_manager.demo.rows import cached_add_months
from rso_manager.domain.dates import add_years, age_on, within_months_beginning_with
from rso_manager.domain.notification_period import DisposalKind, notification_period
from rso_manager.domain.visit_window import RiskLevel


@cache
def s82_months(disposal: DisposalKind, sentence: int | None) -> int | None:
    """The s.82 period in months (None: indefinite) for an adult; the demo's offenders are all
    adults when convicted, so the dates the period is worked out from do not change it."""
    relevant = date(2000, 1, 1)
    return notification_period(disposal, relevant, date(1960, 1, 1), sentence_months=sentence).length_months


class Builder(People, Events):
    """One case's story at a time, in chunks for prepare() and write()."""

    def chunk(self, size: int) -> dict[str, list[dict[str, Any]]]:
        """Generate SIZE cases; returns their rows by table, ready for prepare()."""
        for _ in range(size):
            self._offender()
        rows, self.rows = self.rows, defaultdict(list)
        return rows

    def _offender(self) -> None:
        """One case's story, told in order: sentence, release, record, visits, notifications."""
        rng, today = self.rng, self.today
        oid = self.ids.take("offender")
        team = self.teams[int(rng.random() * len(self.teams))]
        om = team.officers[int(rng.random() * len(team.officers))]
        u = rng.random()
        level = next(lv for lv, cut in zip(LEVELS, LEVEL_CUMULATIVE, strict=True) if u < cut)
        interval = self.policy.interval_months[RiskLevel(level)]
        female = rng.random() < 0.04

        # Disposal and the s.82 period: higher risk leans towards long custodial sentences.
        u = rng.random() * (0.75 if level in ("very_high", "high") else 1.0)
        sentence: int | None
        if u < 0.45:  # 30 months or more: indefinite
            disposal, sentence = "imprisonment", pick(rng, (30, 36, 42, 48, 60, 72, 84, 96, 120, 144, 180))
        elif u < 0.75:  # more than 6 and less than 30 months: 10 years
            disposal, sentence = "imprisonment", rng.randint(8, 28)
        elif u < 0.82:  # 6 months or less: 7 years
            disposal, sentence = "imprisonment", rng.randint(2, 6)
        elif u < 0.97:  # a community order, any other disposal: 5 years
            disposal, sentence = "other", None
        else:
            disposal, sentence = "caution", None
        period = s82_months(DisposalKind(disposal), sentence)
        custody_months = (sentence + 1) // 2 if sentence else 0  # automatic release at halfway
        serious = disposal == "imprisonment" and sentence is not None and sentence >= 30
        offence, online, threshold = pick(rng, SERIOUS if serious else LESSER)

        # Community time: the case must still be live today and released at least a month ago.
        # Custodial cases are remanded at conviction while reports are prepared, so the custody
        # (disregarded for the 3-day clock, s.83(6)) runs from conviction to release.
        delay = int(rng.random() * 56) if custody_months else 0
        if period is None:
            max_days = 12 * 365
        else:
            max_days = max(31, period * 30 - custody_months * 31 - delay - 45)
        released = today - timedelta(days=30 + int(rng.random() * (max_days - 30)))
        sentenced = cached_add_months(released, -custody_months)
        convicted = sentenced - timedelta(days=delay)
        nr_end = None if period is None else within_months_beginning_with(convicted, period)
        if nr_end is not None and nr_end <= today:  # rounding at the edges: pull it back in
            shift = (today - nr_end).days + 15
            convicted, sentenced = convicted + timedelta(days=shift), sentenced + timedelta(days=shift)
            released = released + timedelta(days=shift)
        dob = convicted - timedelta(days=18 * 366 + int(rng.random() ** 1.6 * 50 * 365.25))
        age = age_on(dob, convicted)
        town = team.name
        courts = COURTS[town]

        offender_row: dict[str, Any] = {
            "id": oid, "reference": f"RSO-{oid:06d}", "surname": invented_surname(rng),
            "forenames": invented_forename(rng, female)
            + (f" {invented_forename(rng, female)}" if rng.random() < 0.4 else ""),
            "date_of_birth": dob, "gender": "female" if female else "male",
            "pnc_id": f"DEMO/{oid:07d}", "identifying_marks": pick(rng, MARKS),
            "offender_manager_id": om, "team_id": team.id, "mappa_category": 1,
            "mappa_level": 1, "status": "active", "risk_level": level, "next_visit_due": None,
            "next_notification_due": None, "open_breaches": 0, "version_id": 1,
            "created_at": self._stamp(released), "created_by_id": om,
        }
        self.rows["offender"].append(offender_row)
        mappa = rng.random()
        if level == "very_high":
            offender_row["mappa_level"] = 3 if mappa < 0.15 else 2 if mappa < 0.5 else 1
        elif level == "high":
            offender_row["mappa_level"] = 2 if mappa < 0.1 else 1

        if rng.random() < 0.1:
            self._entry("alias", oid, released, om,
                        name=f"{invented_forename(rng, female)} {invented_surname(rng)}",
                        kind=pick(rng, ("alias", "previous", "nickname")))

        # Conviction, notification requirement, custody, order.
        conviction_id = self._entry(
            "conviction", oid, convicted, om, kind="caution" if disposal == "caution" else "conviction",
            court=None if disposal == "caution" else courts[0 if serious or rng.random() < 0.5 else 1],
            convicted_on=convicted, offence=offence, schedule3=True,
            threshold_depends_on_sentence=threshold, disposal=disposal, sentence_months=sentence,
            discharge_months=None, sentenced_on=None if disposal == "caution" else sentenced,
            age_at_conviction=age, source="custody_record" if disposal == "caution" else "court_list",
            learned_on=convicted,
        )
        if custody_months:
            self._entry("disregarded_period", oid, released, om, kind="custody",
                        starts_on=convicted, ends_on=released)
        device_requirement: int | None = None
        shpo_end: date | None = None
        shpo_indefinite = False
        if disposal != "caution" and rng.random() < (0.6 if online else 0.15):
            shpo_end = add_years(sentenced, 10)
            shpo_indefinite = shpo_end <= today or rng.random() < 0.3
            if shpo_indefinite:
                shpo_end = None
            order_id = self._entry("civil_order", oid, sentenced, om, kind="SHPO", court=courts[0],
                                   made_on=sentenced, ends_on=shpo_end, indefinite=shpo_indefinite,
                                   device_notify_days=3)
            texts = [("devices", "Not to use any device capable of accessing the internet unless it "
                                 "retains and displays the history of internet use, and not to "
                                 "delete that history."),
                     ("devices", "Not to possess any device capable of accessing the internet unless "
                                 "it has been notified to the police within 3 days of acquisition.")]
            if not online or rng.random() < 0.5:
                texts.append(("contact", "Not to have unsupervised contact with any child under 16, "
                                         "other than that which is inadvertent and not reasonably "
                                         "avoidable, without the approval of children's services."))
            for category, text in texts:
                rid = self._entry(
                    "order_requirement", oid, sentenced, om, order_id=order_id, kind="prohibition",
                    category=category, text=text, starts_on=sentenced, ends_on=shpo_end,
                    indefinite=shpo_indefinite)
                if "notified to the police" in text:
                    device_requirement = rid
        # The requirement as the notifications service works it out (s.82, s.103G for an SHPO).
        requirement = notification_period(
            DisposalKind(disposal), convicted, dob, sentence_months=sentence,
            sentenced_on=None if disposal == "caution" else sentenced,
            shpo_end=shpo_end, shpo_indefinite=shpo_indefinite)
        first_notice = released + timedelta(days=int(rng.random() * 3))
        self._entry("notification_requirement", oid, convicted, om, conviction_id=conviction_id,
                    starts_on=convicted, ends_on=requirement.end, indefinite=requirement.indefinite,
                    basis=requirement.explanation,
                    review_eligible_on=add_years(first_notice, 15) if requirement.indefinite else None)

        # Addresses: moves after release, each told to the police (s.84).
        moves = sorted(self._between(released + timedelta(days=60), today - timedelta(days=10))
                       for _ in range((rng.random() < 0.35) + (rng.random() < 0.12))
                       if (today - released).days > 90)
        starts = [released, *moves]
        for i, start in enumerate(starts):
            self._entry("address", oid, start, om, kind="home",
                        line1=f"{1 + int(rng.random() * 180)} {pick(rng, SURNAME_HEADS)} "
                              f"{pick(rng, STREET_TYPES)}",
                        line2=f"Flat {1 + int(rng.random() * 12)}" if rng.random() < 0.25 else None,
                        town=town, postcode=self._postcode(team.index), from_date=start,
                        to_date=starts[i + 1] - timedelta(days=1) if i + 1 < len(starts) else None,
                        notified=True)

        # Risk assessments: a static tool before release, ARMS after, reviewed on a cadence.
        # The latest assessment, whichever tool, carries the case's risk level.
        review_months = 12 if level in ("very_high", "high") else 24
        reviews = []
        assessed = released + timedelta(days=30 + int(rng.random() * 60))
        while assessed < today:
            reviews.append(assessed)
            assessed = cached_add_months(assessed, review_months) - timedelta(days=int(rng.random() * 20))
        if len(reviews) > 1 and rng.random() < 0.05:
            reviews.pop()  # the latest review not done: an exception the caseload should show
        prior = HIGHER[level] if reviews and rng.random() < 0.25 else level
        latest_on = released - timedelta(days=30)
        latest_ra = self._entry(
            "risk_assessment", oid, latest_on, om, tool="RM2000" if released.year < 2019 else "OSP/C",
            level=prior, assessed_on=latest_on, assessor_id=None, review_by=None,
            notes="Pre-release static assessment (prison offender manager).")
        if online and released.year >= 2019:
            latest_ra = self._entry(
                "risk_assessment", oid, latest_on, om, tool="OSP/I", level=prior,
                assessed_on=latest_on, assessor_id=None, review_by=None,
                notes="Indecent images predictor completed before release.")
        for i, assessed in enumerate(reviews):
            final = i == len(reviews) - 1
            latest_ra = self._entry(
                "risk_assessment", oid, assessed, om, tool="ARMS",
                level=level if final or rng.random() < 0.5 else prior, assessed_on=assessed,
                assessor_id=om, review_by=cached_add_months(assessed, review_months),
                notes="ARMS completed with the offender; protective factors reviewed.")
            latest_on = assessed
        plan_id = self._entry(
            "risk_management_plan", oid, latest_on, om, effective_from=latest_on,
            review_by=cached_add_months(latest_on, review_months), visit_interval_months=interval,
            reactive=False, supervision=pick(rng, PLAN_SUPERVISION),
            monitoring_control=pick(rng, PLAN_MONITORING),
            interventions=pick(rng, PLAN_INTERVENTIONS), victim_safety=pick(rng, PLAN_VICTIM),
            contingency=pick(rng, PLAN_CONTINGENCY))
        for _ in range(int(rng.random() * 3) + 1):
            description, result = pick(rng, ACTIONS)
            due = self._between(latest_on, today + timedelta(days=60))
            done = due < today - timedelta(days=7) and rng.random() < 0.85
            self._entry("plan_action", oid, latest_on, om, plan_id=plan_id, description=description,
                        owner_id=om, due_on=due, result=result if done else None,
                        completed_on=due - timedelta(days=int(rng.random() * 10)) if done else None)

        seen_visits, visit_due = self._visits(oid, team, om, level, interval, released)
        notification_due = self._notifications(oid, team, om, released, first_notice, moves)
        self._devices(oid, om, released, online, seen_visits, device_requirement)
        self._people(oid, om, town, released)
        add_person_details(self, oid, om, released, today, offender_row["surname"])

        # Recent reviews wait for the supervisor's sign-off in some cases.
        if (today - latest_on).days <= 90 and rng.random() < 0.5:
            self._add("sign_off", {
                "offender_id": oid, "entity": "risk_assessment", "entity_id": latest_ra,
                "summary": f"ARMS review {latest_on.isoformat()}: {level.replace('_', ' ')} risk",
                "author_id": om, "supervisor_id": team.supervisor,
                "requested_at": self._stamp(latest_on), "status": "pending", "via_cover": False,
                "version_id": 1, "created_at": self._stamp(latest_on), "created_by_id": om,
            })
        for row in reversed(self.rows.get("breach", ())):
            if row["offender_id"] != oid:
                break
            offender_row["open_breaches"] += row["status"] == "open"
        offender_row["next_visit_due"] = visit_due
        offender_row["next_notification_due"] = notification_due

    def _postcode(self, team_index: int) -> str:
        rng = self.rng
        return (f"ZZ{team_index * 3 + 1 + int(rng.random() * 3)} {int(rng.random() * 10)}"
                f"{pick(rng, POSTCODE_LETTERS)}{pick(rng, POSTCODE_LETTERS)}")
