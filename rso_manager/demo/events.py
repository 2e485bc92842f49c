"""What happens on a case after release: home visits at the plan interval, notifications at their
statutory dates (ss.83-86), and devices checked at visits."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from rso_manager.demo.breaches import Breaches
from rso_manager.demo.invented import BANDS, PEOPLE_PRESENT, VISIT_NOTES, luhn_digit, pick
from rso_manager.demo.rows import DemoTeam, cached_add_months
from rso_manager.domain.dates import add_years

VISIT_HISTORY_YEARS = 5  # older visits add rows without adding anything a user would look at


class Events(Breaches):
    """What happens on a case after release: home visits, notifications and devices."""

    def _visits(self, oid: int, team: DemoTeam, om: int, level: str, interval: int,
                released: date) -> tuple[list[tuple[int, date, dict[str, Any]]], date]:
        """Home visits at the risk interval; returns (visit id, day, row) of those where the
        offender was seen, for device checks, and when the next home visit is due."""
        rng, today = self.rng, self.today
        interval_days = interval * 30
        start = max(released + timedelta(days=14 + int(rng.random() * 28)),
                    today - timedelta(days=VISIT_HISTORY_YEARS * 365 + int(rng.random() * interval_days)))
        overdue = rng.random() < 0.05  # miss the latest visit: the caseload shows exceptions
        seen: list[tuple[int, date, dict[str, Any]]] = []
        last_seen: date | None = None
        day = start
        while day < today:
            if overdue and cached_add_months(day, interval) >= today and last_seen is not None:
                break
            if rng.random() < 0.04:  # an office interview between visits: not a home visit
                office = day - timedelta(days=interval_days // 2)
                if office > released:
                    self._visit(oid, team, om, office, kind="office", outcome="seen")
            outcome = self._attempt_outcome()
            vid = self._visit(oid, team, om, day, kind="home", outcome=outcome)
            attempts = 1
            while outcome != "seen" and attempts < 3:
                day = day + timedelta(days=2 + int(rng.random() * 8))
                if day >= today:
                    break
                attempts += 1
                outcome = "seen" if rng.random() < 0.85 else "no_answer"
                vid = self._visit(oid, team, om, day, kind="home", outcome=outcome,
                                  warrant=attempts == 3 and outcome != "seen")
            if outcome == "seen":
                seen.append((vid, day, self.rows["visit"][-1]))
                last_seen = day
            # Mostly on or before the due date; sometimes a little late, as in real caseloads.
            jitter = -int(rng.random() * max(3, interval_days * 0.15))
            if rng.random() < 0.05:
                jitter = int(rng.random() * max(3, interval_days * 0.1))
            day = cached_add_months(day, interval) + timedelta(days=jitter)
            if day.weekday() == 6:  # the policy allows Monday to Saturday
                day += timedelta(days=1)
        due = cached_add_months(last_seen, interval) if last_seen else released + timedelta(days=28)
        if due >= today and (due - today).days <= 45 and rng.random() < 0.5:
            earliest = due - timedelta(days=max(3, interval_days // 4))
            planned = self._between(max(earliest, today + timedelta(days=1)), max(due, today + timedelta(days=1)))
            self._visit(oid, team, om, planned, kind="home", outcome=None, status="booked",
                        window=(earliest, due))
        return seen, due

    def _attempt_outcome(self) -> str:
        u = self.rng.random()
        return "seen" if u < 0.9 else "no_answer" if u < 0.96 else "not_at_address" if u < 0.985 \
            else "refused_entry"

    def _visit(self, oid: int, team: DemoTeam, om: int, day: date, *, kind: str, outcome: str | None,
               status: str = "completed", window: tuple[date, date] | None = None,
               warrant: bool = False) -> int:
        rng = self.rng
        band, first_hour, hours = BANDS[0 if (u := rng.random()) < 0.35 else 1 if u < 0.75 else 2]
        lone = rng.random() < 0.1 or len(team.officers) < 1
        announced = kind == "office" or rng.random() < 0.07
        reasons = []
        if announced and kind == "home":
            reasons.append("Announced: offender works shifts and two unannounced attempts failed.")
        if lone and kind == "home":
            reasons.append("Lone visit: second officer withdrawn for an urgent job; risk judged acceptable.")
        officers = team.officers
        lead = om if rng.random() < 0.9 else pick(rng, officers)
        second = pick(rng, officers) if len(officers) > 1 else team.supervisor
        while second == lead:
            second = pick(rng, officers)
        if status == "completed":
            visited_at = self._local(day, first_hour + int(rng.random() * hours),
                                     int(rng.random() * 60))
            notes = pick(rng, VISIT_NOTES) if outcome == "seen" else {
                "no_answer": "No answer at the door. Calling card left; neighbours not spoken to.",
                "not_at_address": "Occupier says the offender is away for the night; whereabouts checked.",
                "refused_entry": "Offender refused entry on the doorstep; advised of consequences.",
            }[outcome or "no_answer"]
        else:
            visited_at, notes = None, None
        station = f"{team.name} police station"
        vid = self._entry(
            "visit", oid, min(day, self.today), lead, kind=kind, status=status,
            window_earliest=window[0] if window else None,
            window_latest=window[1] if window else None, planned_on=day, time_band=band,
            visited_at=visited_at, outcome=outcome, announced=announced,
            location=station if kind == "office" else "Home address",
            override_reason=" ".join(reasons) or None,
            people_present=pick(rng, PEOPLE_PRESENT) if outcome == "seen" else None,
            notes=notes,
            warrant_decision=("Two unsuccessful attempts: s.96B warrant considered; not sought "
                              "as the offender attended the station the next day.") if warrant else None,
        )
        self._add("visit_officer", {"visit_id": vid, "user_id": lead, "part": "lead"})
        if not lone and kind == "home":
            self._add("visit_officer", {"visit_id": vid, "user_id": second, "part": "second"})
        return vid

    def _notifications(self, oid: int, team: DemoTeam, om: int, released: date, first: date,
                       moves: list[date]) -> date:
        """Initial, change of address and annual notifications; each s.83/84/85 notification
        restarts the annual clock (s.85(1)). Returns when the next annual one is due."""
        rng, today = self.rng, self.today
        self._notice(oid, team, om, "initial", released, released + timedelta(days=2), first)
        last = first
        pending = list(moves)
        while True:
            due = add_years(last, 1) - timedelta(days=1)
            if pending and pending[0] <= due:
                event = pending.pop(0)
                late = rng.random() < 0.03
                at = event + timedelta(days=int(rng.random() * 3) if not late else 3 + int(rng.random() * 10))
                if at >= today:
                    at = event
                self._notice(oid, team, om, "change_address", event, event + timedelta(days=2), at)
                last = at
                continue
            if due >= today:
                break
            if today - due <= timedelta(days=45) and rng.random() < 0.2:
                # Missed: the annual date has passed without the offender attending.
                if rng.random() < 0.5:
                    self._breach(oid, om, due + timedelta(days=1), "missed_notification",
                                 "Failed to make the annual notification by the due date (s.85).",
                                 notification_id=None, device_id=None, open_=True)
                break
            late = rng.random() < 0.015
            at = due + timedelta(days=1 + int(rng.random() * 14)) if late \
                else due - timedelta(days=int(rng.random() * 40))
            if at >= today:
                at = due - timedelta(days=int(rng.random() * 5))
                late = False
            self._notice(oid, team, om, "periodic", due - timedelta(days=30), due, at)
            last = at
        if rng.random() < 0.04:
            depart = self._between(max(released, today - timedelta(days=700)), today - timedelta(days=8))
            self._notice(oid, team, om, "travel", depart, depart - timedelta(days=7),
                         depart - timedelta(days=8 + int(rng.random() * 20)))
        next_due = add_years(last, 1) - timedelta(days=1)
        # The outstanding annual notification, as the notifications workflow keeps it: a row
        # with no notified_at, so the record's notifications page and the caseload agree.
        self._entry("statutory_notification", oid, last, om, kind="periodic", event_on=None,
                    due_on=next_due, notified_at=None, station_id=None, in_person=True,
                    taken_by_id=None, fingerprints_taken=None, photographs_taken=None,
                    details=None, late=False)
        return next_due

    def _notice(self, oid: int, team: DemoTeam, om: int, kind: str, event: date, due: date,
                on: date) -> int:
        rng = self.rng
        late = on > due
        notified_at = self._local(on, 9 + int(rng.random() * 8), int(rng.random() * 60))
        taken_by = om if rng.random() < 0.7 else pick(rng, team.officers)
        nid = self._entry(
            "statutory_notification", oid, on, taken_by, kind=kind, event_on=event, due_on=due,
            notified_at=notified_at, station_id=team.station_id, in_person=True,
            taken_by_id=taken_by, fingerprints_taken=kind in ("initial", "periodic"),
            photographs_taken=kind in ("initial", "periodic"),
            # The same JSON object the notifications service keeps (pending.set_details).
            details=json.dumps({"notes": {
                "initial": "Initial notification on release; all s.83(5) details given.",
                "periodic": "Annual notification; bank, card and passport details confirmed.",
                "change_address": "Change of home address notified.",
                "travel": "Foreign travel notified: one week, return flight booked."}[kind]}),
            late=late,
        )
        if late:
            open_ = rng.random() < 0.1
            bid = self._breach(oid, om, due + timedelta(days=1), "late_notification",
                               f"{kind.replace('_', ' ').capitalize()} notification made "
                               f"{(on - due).days} day(s) late.", notification_id=nid,
                               device_id=None, open_=open_)
            if not open_:
                self._warning(oid, om, bid, on, "written",
                              "Written warning: late notification without reasonable excuse; "
                              "offender accepted the warning and the duty was explained again.")
        return nid

    def _devices(self, oid: int, om: int, released: date, online: bool,
                 seen: list[tuple[int, date, dict[str, Any]]], requirement: int | None) -> None:
        rng, today = self.rng, self.today
        u = rng.random()
        count = 0 if u < 0.15 else 1 if u < 0.6 else 2 if u < 0.88 else 3
        for i in range(count):
            k = rng.random()
            kind = "phone" if i == 0 or k < 0.45 else "laptop" if k < 0.7 else "tablet" if k < 0.85 \
                else "console" if k < 0.93 else "desktop" if k < 0.97 else "storage"
            declared_on = released if i == 0 else self._between(released, today - timedelta(days=5))
            undeclared = rng.random() < 0.02 and len(seen) > 1
            found_at = None
            if undeclared:
                found_at, declared_on, visit = pick(rng, seen[1:])
                visit["notes"] = (f"Undeclared {kind} found in the bedroom; offender said it "
                                  "belonged to a friend. Seized for examination.")
            imei = serial = phone = None
            if kind in ("phone", "tablet"):
                body = f"00{int(rng.random() * 1e12):012d}"  # "00": the GSMA test range
                imei = body + luhn_digit(body)
            else:
                serial = f"DEMO-SN-{int(rng.random() * 1e8):08d}"
            if kind == "phone":
                self._phone_seq += 1
                phone = f"07700 900{self._phone_seq % 1000:03d}"  # Ofcom's drama range
            status = "seized" if undeclared else "disposed" if rng.random() < 0.07 else "active"
            did = self._entry(
                "device", oid, declared_on, om, kind=kind,
                make_model={"phone": "Smartphone (Android)", "tablet": "Tablet", "laptop": "Laptop (Windows)",
                            "console": "Games console", "desktop": "Desktop PC",
                            "storage": "USB memory stick"}[kind],
                imei=imei, serial=serial, phone_number=phone,
                accounts="Email and one social media account declared" if kind in ("phone", "laptop") else None,
                declared=not undeclared, declared_on=None if undeclared else declared_on,
                declared_to_id=None if undeclared else om,
                monitoring_software="Approved monitoring software installed"
                if online and kind in ("laptop", "desktop", "phone") and requirement else None,
                status=status, found_at_visit_id=found_at,
            )
            if undeclared:
                open_ = rng.random() < 0.6
                bid = self._breach(
                    oid, om, declared_on, "order_prohibition" if requirement else "undeclared_device",
                    "Undeclared internet-enabled device found at a home visit and seized.",
                    notification_id=None, device_id=did, open_=open_,
                    requirement_id=requirement)
                if not open_:
                    self._warning(oid, om, bid, declared_on, "written",
                                  "Written warning: device not declared; seized for examination, "
                                  "no indecent material found, so no charge.")
                continue
            if rng.random() < 0.12:  # never checked: an exception the device tab should show
                continue
            for vid, day, _ in seen:
                if day < declared_on or rng.random() < 0.45:
                    continue
                r = rng.random()
                result = "checked" if r < 0.93 else "not_seen" if r < 0.98 else "refused"
                self._entry("device_check", oid, day, om, device_id=did, visit_id=vid, result=result,
                            outcome={"checked": "Browsing history present; nothing of concern.",
                                     "not_seen": "Offender said the device was at a friend's house.",
                                     "refused": "Offender refused to unlock the device."}[result],
                            checked_on=day)
