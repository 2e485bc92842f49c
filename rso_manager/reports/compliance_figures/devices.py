"""The devices section: active devices, and offenders with a device never checked or not checked
at their last few home visits."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, or_, select, true, type_coerce

from rso_manager.persistence import models as m
from rso_manager.persistence.types import LondonDay
from rso_manager.reports.compliance_figures import selections as sel
from rso_manager.reports.compliance_figures.context import Ctx, oldest_first, person_name
from rso_manager.reports.compliance_figures.figures import DeviceFigures, ExceptionRow


def device_figures(c: Ctx) -> DeviceFigures:
    D, K = m.Device, m.DeviceCheck
    n = c.cfg.device_check_visits
    live = sel.live_devices(c)
    # The checks of the scope's devices only: a team's report need not aggregate the force's.
    # The force's are nearly all of them, and listing them first cost more than it saved.
    scoped = select(D.id).join(m.Offender, m.Offender.id == D.offender_id).where(live)
    last_check = (select(K.device_id, func.max(K.checked_on).label("last"))
                  .where(c.live(K), K.result == "checked", K.checked_on <= c.as_of,
                         true() if c.scope.info.kind == "force" else K.device_id.in_(scoped))
                  .group_by(K.device_id).subquery())
    active_devices = c.s.scalar(select(func.count(D.id)).join(m.Offender, m.Offender.id == D.offender_id)
                                .where(live)) or 0
    # Each case's Nth most recent home visit where the offender was seen (entry gained, so the
    # devices could have been checked). A correlated LIMIT/OFFSET rides the visit index; a
    # window over every visit in the force costs more (measured on SQLite, 100k cases). Worked
    # out once per case with devices, in a derived table joined back to them: correlated to
    # each device it ran twice a device, once to shortlist and once to show (issue 16).
    owners = (select(D.offender_id.label("offender_id"),
                     type_coerce(c.seen_at_home(D.offender_id, n).correlate(D), LondonDay()).label("cut_on"))
              .join(m.Offender, m.Offender.id == D.offender_id).where(live)
              .group_by(D.offender_id).subquery())
    # SQL shortlists by comparing a check date with the visit's UTC instant, which can only let
    # a same-day check through; the London-day comparison below is the one that decides.
    # (Both days are read as London days: LondonDay makes no datetime for most rows.)
    devices = c.s.execute(
        c.join_case(select(D.offender_id, D.kind, D.declared_on,
                           type_coerce(D.created_at, LondonDay()).label("created_on"), last_check.c.last,
                           owners.c.cut_on, *c.case_cols()), D.offender_id)
        .join(owners, owners.c.offender_id == D.offender_id)
        .outerjoin(last_check, last_check.c.device_id == D.id)
        .where(live, or_(last_check.c.last.is_(None), last_check.c.last < owners.c.cut_on))).all()

    never = stale = 0
    flagged: dict[int, list] = defaultdict(list)
    for d in devices:
        known_on = d.declared_on or d.created_on
        if d.last is None:
            never += 1
            flagged[d.offender_id].append((d, f"{d.kind} never checked", (c.as_of - known_on).days, known_on))
        elif d.cut_on is not None and d.last < d.cut_on and known_on <= d.cut_on:
            stale += 1
            flagged[d.offender_id].append((d, f"{d.kind} last checked {d.last:%d/%m/%Y}",
                                           (c.as_of - d.last).days, d.last))
    rows = []
    for items in flagged.values():
        d = items[0][0]
        oldest = max(items, key=lambda i: i[2])
        rows.append(ExceptionRow(
            d.reference, person_name(d.surname, d.forenames), d.officer,
            f"Check device{'s' if len(items) > 1 else ''} at the next home visit: "
            + "; ".join(i[1] for i in sorted(items, key=lambda i: -i[2])),
            oldest[2], oldest[3], offender_id=d.case_id))
    return DeviceFigures(active_devices=active_devices, never_checked=never, not_recently_checked=stale,
                         offenders=oldest_first(rows))
