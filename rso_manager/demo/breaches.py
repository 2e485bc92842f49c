"""Breaches and warnings, as the breaches workflow records them."""

from __future__ import annotations

from datetime import date, timedelta

from rso_manager.demo.rows import RowMaker


class Breaches(RowMaker):
    """Breaches and warnings: late or missed notifications, undeclared devices, oral warnings."""

    def _breach(self, oid: int, om: int, on: date, source: str, description: str, *,
                notification_id: int | None, device_id: int | None, open_: bool,
                requirement_id: int | None = None) -> int:
        rng = self.rng
        charged = rng.random() < (0.4 if open_ else 0.3)
        crime_ref = None
        if charged:
            self._crime_seq += 1
            crime_ref = f"NY-{on.year % 100:02d}-{self._crime_seq % 1_000_000:06d}"
        return self._entry(
            "breach", oid, on, om, kind="order" if requirement_id else "statutory_duty",
            # The duty codes of rso_manager.services.breaches.STATUTORY_DUTIES.
            source=source, duty=None if requirement_id else {
                "late_notification": "periodic_notification", "missed_notification": "periodic_notification",
                "undeclared_device": "device_declaration"}.get(source),
            order_requirement_id=requirement_id, notification_id=notification_id,
            device_id=device_id, occurred_on=on, description=description,
            status="open" if open_ else "closed", crime_reference=crime_ref,
            no_crime_rationale=None if charged or open_ else
            "Reasonable excuse accepted after enquiry; recorded and advice given.",
            closed_at=None if open_ else self._stamp(min(on + timedelta(days=21), self.today)),
        )

    def _warning(self, oid: int, om: int, breach_id: int | None, on: date, kind: str,
                 rationale: str) -> None:
        self._entry("warning", oid, on, om, breach_id=breach_id, kind=kind, rationale=rationale,
                    given_by_id=om, given_on=on)
