"""Render the main window and an open record to PNG files, for review and documentation.

    QT_QPA_PLATFORM=offscreen python -m ui.screenshot [output-dir]

Uses a throw-away database filled with fictional demo data (rso_manager.demo if present, else a
few records made through the services) and a fixed clock, so the pictures are repeatable.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from rso_manager.clock import FixedClock  # noqa: E402
from rso_manager.database import describe, open_database  # noqa: E402
from rso_manager.domain.roles import Role  # noqa: E402
from rso_manager.persistence.engine import sqlite_url_for  # noqa: E402
from rso_manager.services.caseload import (  # noqa: E402
    AccessReason,
    OffenderDraft,
    add_address,
    add_alias,
    correct_offender,
    create_offender,
    open_record,
    reload_record,
    void_entry,
)
from rso_manager.services.unit_of_work import SYSTEM, Actor, Services  # noqa: E402
from rso_manager.services.users import create_first_admin, create_team, create_user, list_users  # noqa: E402
from ui.app import load_style  # noqa: E402
from ui.login import FirstAdminDialog, LoginDialog  # noqa: E402
from ui.main_window import build_main_window  # noqa: E402
from ui.prompter import QtPrompter  # noqa: E402
from ui.workflows.accounts import Accounts

PASSWORD = "screenshots are made with this long password"
SURNAMES = ("Quillfeather", "Marrowby", "Ashcombe", "Thistlewood", "Brackenridge", "Fallowfield",
            "Kettleby", "Wrenshaw", "Oakhurst", "Pennywhistle")
FORENAMES = ("Arthur", "Bryn", "Colin", "Darren", "Elliot", "Frank", "Gareth", "Harvey")


def _wait(app: QApplication, done: Callable[[], bool], timeout: float = 30.0) -> None:
    end = time.monotonic() + timeout
    while not done():
        if time.monotonic() > end:
            raise TimeoutError("the window did not finish loading")
        app.processEvents()
        time.sleep(0.01)


def _fallback_data(services: Services, offenders: int) -> None:
    """Without the demo module: a small caseload through the ordinary services."""
    create_first_admin(services, "admin", "Ada Admin", PASSWORD)
    admin = next(u for u in list_users(services, SYSTEM))
    admin_actor = Actor(admin.id, admin.username, admin.display_name, admin.role, None, True)
    team = create_team(services, admin_actor, "Northam")
    om = create_user(services, admin_actor, username="om.northam1", display_name="Olivia Marsh",
                     password=PASSWORD, role=Role.OFFENDER_MANAGER, team_id=team.id, trained=True)
    create_user(services, admin_actor, username="lead", display_name="Lee Lead", password=PASSWORD,
                role=Role.OMU_LEAD, team_id=team.id, trained=True)
    actor = Actor(om.id, om.username, om.display_name, om.role, om.team_id, True)
    for i in range(offenders):
        record = create_offender(services, actor, OffenderDraft(
            surname=SURNAMES[i % len(SURNAMES)], forenames=FORENAMES[i % len(FORENAMES)],
            date_of_birth=date(1950 + i % 50, 1 + i % 12, 1 + i % 28), offender_manager_id=om.id,
            team_id=team.id, mappa_level=1 + i % 3))
        if i % 3 == 0:
            add_alias(services, actor, record.offender_id, f"{FORENAMES[(i + 1) % 8]} {SURNAMES[i % 10]}")
        add_address(services, actor, record.offender_id, kind="home", line1=f"{i + 3} Mill Lane",
                    town="Northam", postcode="NM1 2AB", from_date=date(2024, 1 + i % 12, 1))


def _actor(services: Services, role: Role) -> Actor:
    user = next(u for u in list_users(services, SYSTEM) if u.role is role and u.trained and u.active)
    return Actor(user.id, user.username, user.display_name, user.role, user.team_id, user.trained)


def _save(widget: QWidget, path: Path) -> None:
    app = QApplication.instance()
    for _ in range(3):  # let pending layout requests (an error line just shown) settle
        app.processEvents()
        time.sleep(0.02)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not widget.grab().save(str(path)):
        raise OSError(f"could not write {path}")
    print(f"wrote {path}")


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    out = Path(args[0]) if args else Path("screenshots")
    work = Path(tempfile.mkdtemp(prefix="rso-screens-"))
    os.environ["RSO_MANAGER_DATA_DIR"] = str(work)  # keep logs and files out of the user's folders
    app = QApplication.instance() or QApplication(["rso-screenshot"])
    assert isinstance(app, QApplication)
    load_style(app)
    clock = FixedClock()
    url = sqlite_url_for(work / "screens.db")
    engine, services = open_database(url, clock)
    try:
        try:
            from rso_manager import demo
        except ImportError:
            demo = None
        if demo is not None:
            demo.generate(services, offenders=40, seed=1)
        else:
            _fallback_data(services, 40)
        is_demo = demo is not None
        lead = _actor(services, Role.OMU_LEAD)
        window = build_main_window(services, lead, prompter=QtPrompter(), database=describe(url), demo=is_demo)
        window.resize(1280, 720)  # a laptop screen
        window.show()
        _wait(app, lambda: not window.loading and window.lookups is not None)
        window.table.selectRow(2)
        app.processEvents()
        _save(window, out / "caseload.png")

        # The record with the most entries makes the most informative picture.
        rows = [window.proxy.row_at(r) for r in range(window.proxy.rowCount())]
        best = None
        for row in rows[:40]:
            record = open_record(services, lead, row.offender_id, AccessReason.COMPLIANCE_CHECK,
                                 "screenshots for the user guide")
            size = sum(len(v) for v in record.sections.values())
            if best is None or size > best[0]:
                best = (size, record)
        assert best is not None
        record = best[1]
        # Some history to show: a correction and an entry marked as entered in error.
        corrected = correct_offender(
            services, lead, record.offender_id, record.version_id,
            replace(record.details, pnc_id=(record.details.pnc_id or "") + "X"),
            "PNC number checked against the PNC print of 24/11/2026")
        corrected = correct_offender(
            services, lead, record.offender_id, corrected.version_id,
            replace(corrected.details, pnc_id=record.details.pnc_id),
            "Previous correction was wrong: the PNC print was for another person")
        entries = [e for e in corrected.sections.get("visits", ()) if not e.voided]
        if entries:
            void_entry(services, lead, entries[-1].entity, entries[-1].id, entries[-1].version_id,
                       "Duplicate of the visit recorded the same day")
        record = reload_record(services, lead, record.offender_id)
        record_window = window.show_record(record)
        record_window.resize(1280, 720)
        record_window.tabs.setCurrentIndex(record_window.tab_index("Visits"))
        app.processEvents()
        _save(record_window, out / "record.png")
        record_window.tabs.setCurrentIndex(0)
        app.processEvents()
        _save(record_window, out / "record-personal.png")
        record_window.tabs.setCurrentIndex(record_window.tabs.count() - 1)
        app.processEvents()
        _save(record_window, out / "record-history.png")
        record_window.close()

        # The reason asked before a record opens, refusing a too-short reason.
        row = rows[1]
        dialog = window.open_offender(row.offender_id, f"{row.name} ({row.reference})")
        dialog.choose(AccessReason.VISIT_PREPARATION, "visit")
        dialog.submit()
        _wait(app, lambda: dialog.errors.message("reason_text") != "")
        _save(dialog, out / "open-reason.png")
        dialog.done(0)

        # The new record form after a save with the surname missing and a future date of birth.
        form = window.new_record()
        assert form is not None
        form.forenames.setText("Arthur")
        form.date_of_birth.edit.setText("01/01/2030")
        form.pnc_id.setText("2001/0123456A")
        form.save()
        _wait(app, lambda: form.errors.message("surname") != "")
        _save(form, out / "new-record-form.png")
        form.done(0)

        login = LoginDialog(services, window.worker, QtPrompter(), database=describe(url), demo=is_demo,
                            demo_hint=getattr(demo, "DEMO_PASSWORD_HINT", None))
        login.show()
        app.processEvents()
        _save(login, out / "login.png")
        login.close()
        first = FirstAdminDialog(services, window.worker, QtPrompter(), describe(url))
        first.show()
        _save(first, out / "first-admin.png")
        first.close()

        admin = build_main_window(services, _actor(services, Role.ADMINISTRATOR), prompter=QtPrompter(),
                                  database=describe(url), demo=is_demo)
        admin.resize(1200, 560)
        admin.show()
        _wait(app, lambda: admin.part(Accounts).model.rowCount() > 0)
        _save(admin, out / "administrator.png")
        admin.close()
        admin.worker.wait_for_done(10_000)
        window.close()
        window.worker.wait_for_done(10_000)
    finally:
        engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
