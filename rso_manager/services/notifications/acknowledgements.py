"""The written acknowledgement of a notification (s.87(3)): printed, audited, and saved readable by
its owner only."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from rso_manager.domain.roles import Permission
from rso_manager.persistence import models as m
from rso_manager.reports.acknowledgement import acknowledgement_pdf
from rso_manager.services.errors import FieldProblem, NotFound, ValidationFailed, reason_problem
from rso_manager.services.notifications.pending import taken_rows
from rso_manager.services.notifications.taking import taken_notification
from rso_manager.services.printed_files import write_owner_only
from rso_manager.services.unit_of_work import Actor, Services, find_offender, unit_of_work


def print_acknowledgement(services: Services, actor: Actor, notification_id: int, *,
                          recipient: str = "the offender",
                          reason: str = "Written acknowledgement of notification (s.87(3))") -> bytes:
    """The s.87(3) written acknowledgement as a PDF, for everything given at that attendance.
    Printing is audited with its recipient and reason (security R1, R2)."""
    problem = reason_problem("reason", reason, "Say why this is printed.")
    if problem:
        raise ValidationFailed(problem)
    with unit_of_work(services, actor) as uow:
        s = uow.session
        n = s.get(m.StatutoryNotification, notification_id)
        if n is None or n.voided_at is not None:
            raise NotFound(f"No notification {notification_id}.")
        # The trained officer who took it prints it.
        uow.authorise(Permission.WRITE_CASES, offender_id=n.offender_id)
        if n.notified_at is None:
            raise ValidationFailed(FieldProblem("notification_id", "This notification has not been given yet; there is nothing to acknowledge."))
        same_visit = [x for x in taken_rows(s, n.offender_id)
                      if x.notified_at == n.notified_at and x.station_id == n.station_id]
        taken = taken_notification(s, same_visit or [n], ())
        o = find_offender(s, n.offender_id)
        pdf = acknowledgement_pdf(taken, offender_name=f"{o.surname.upper()}, {o.forenames}",
                                  offender_reference=o.reference, station_name=taken.station_name,
                                  generated_by=actor.display_name, generated_at=uow.now)
        uow.audit("export.print", entity="statutory_notification", entity_id=n.id, offender_id=n.offender_id,
                  reason=reason.strip(), details={"document": "s.87(3) acknowledgement", "recipient": recipient,
                                                  "notifications": list(taken.notification_ids)})
        return pdf


def save_acknowledgement(services: Services, actor: Actor, notification_id: int, folder: Path) -> Path:
    """Print the s.87(3) acknowledgement (audited) and save it in FOLDER, readable by its owner
    only, as the compliance PDFs are: it names the offender and is OFFICIAL-SENSITIVE."""
    pdf = print_acknowledgement(services, actor, notification_id)
    with services.session_factory() as s:
        n = s.get_one(m.StatutoryNotification, notification_id)
        reference = s.scalar(select(m.Offender.reference).where(m.Offender.id == n.offender_id))
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = folder / f"{reference}-notification-{notification_id}-acknowledgement.pdf"
    write_owner_only(path, pdf)
    return path
