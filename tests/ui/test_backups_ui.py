"""Backups in the main window: the age of the last good backup in the status bar (a warning past
two days, with an injected clock), the scheduled jobs, a backup run through the job body, and the
red banner on a damaged database opened read-only."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from PySide6.QtWidgets import QLabel

from rso_manager.clock import FixedClock
from rso_manager.database import open_database
from rso_manager.persistence.backup import STAMP
from ui.workflows import backups
from ui.workflows.backups import BackupController, backup_status, controller_of


def _fake_generation(folder: Path, when) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"rso-{when.strftime(STAMP)}.db").write_bytes(b"x")


def test_status_text_and_warning_follow_the_clock():
    clock = FixedClock()
    now = clock.now()
    assert backup_status(None, now) == ("No backup yet: use File > Back up now", True)
    assert backup_status(now - timedelta(hours=5), now) == ("Last good backup 5 hours ago", False)
    text, warn = backup_status(now - timedelta(days=3), now)
    assert warn and text.startswith("Last good backup 3 days ago: back up now")


def test_the_status_bar_shows_the_age_and_warns_when_old(qtbot, make_window, world, tmp_path):
    clock = FixedClock()
    window = make_window(world.om)
    _fake_generation(tmp_path / "b", clock.now() - timedelta(days=3))
    controller = BackupController(window, clock=clock, folder=tmp_path / "b")
    assert controller.label.text().startswith("Last good backup 3 days ago")
    assert controller.label.property("stale") is True
    assert {j.id for j in controller.jobs()} == {backups.BACKUP_JOB_ID, backups.CHECK_JOB_ID}
    job = next(j for j in controller.jobs() if j.id == backups.BACKUP_JOB_ID)
    assert job.coalesce and job.misfire_grace_time is None and job.max_instances == 1

    clock.current -= timedelta(hours=44)  # the same backup, seen 28 hours after it was made
    controller.refresh()
    assert controller.label.text() == "Last good backup 28 hours ago"
    assert controller.label.property("stale") is False
    controller.stop()


def test_the_job_body_backs_up_and_the_status_bar_follows(qtbot, make_window, world, tmp_path):
    window = make_window(world.om)
    controller = BackupController(window, folder=tmp_path / "b")
    assert controller.label.property("stale") is True  # no backup yet
    with qtbot.waitSignal(controller.bridge.backed_up, timeout=10_000):
        backups.run_backup(controller.services, controller.folder, controller.bridge)
    assert controller.label.text() == "Last good backup just now"
    assert controller.label.property("stale") is False
    assert len(list((tmp_path / "b").iterdir())) == 1
    controller.stop()


def test_a_damaged_database_shows_a_red_banner(qtbot, sqlite_services, world, prompter, tmp_path):
    from ui.main_window import build_main_window

    engine = sqlite_services.session_factory.kw["bind"]
    path = Path(engine.url.database)
    engine.dispose()
    data = bytearray(path.read_bytes())
    data[5 * 4096 + 100:5 * 4096 + 116] = bytes(16)
    path.write_bytes(bytes(data))
    opened = open_database(f"sqlite:///{path}", FixedClock(), read_only_if_damaged=True)
    window = build_main_window(opened.services, world.om, prompter=prompter, database="SQLite test.db")
    try:
        window.show()
        banner = window.findChild(QLabel, "damagedBanner")
        assert banner is not None and banner.isVisible()
        assert "damaged" in banner.text() and "main.py restore" in banner.text()
        assert not controller_of(window).running  # no backups of a damaged file
    finally:
        window.close()
        window.worker.wait_for_done(5000)
        window.deleteLater()
        opened.engine.dispose()


def test_the_window_reads_the_backup_folder_on_its_worker(qtbot, make_window, sqlite_services, world, tmp_path,
                                                         monkeypatch):
    """Issue 16: no database work on the GUI thread while the window is built; the configured
    folder arrives from the worker, and only then are the jobs scheduled and the action enabled."""
    import threading

    from rso_manager.services.setting_changes import change_settings

    folder = tmp_path / "configured"
    change_settings(sqlite_services, world.admin, {"backup_folder": str(folder)},
                    "Backups kept on the shared drive the OMU lead chose")
    read_on: list[str] = []
    read = backups.backup_folder
    monkeypatch.setattr(backups, "backup_folder",
                        lambda services: (read_on.append(threading.current_thread().name), read(services))[1])
    window = make_window(world.om)
    controller = controller_of(window)
    qtbot.waitUntil(lambda: controller.folder is not None, timeout=5000)
    assert read_on and not read_on[0].startswith("MainThread")
    assert controller.folder == folder and controller.action.isEnabled()
    assert controller.label.text() == "No backup yet: use File > Back up now"
    job = next(j for j in controller.jobs() if j.id == backups.BACKUP_JOB_ID)
    assert job.args[1] == folder
    controller.stop()


def test_a_backup_folder_that_cannot_be_read_turns_backups_off_and_says_so(qtbot, make_window, world,
                                                                          monkeypatch):
    from sqlalchemy.exc import OperationalError

    def fails(_services):
        raise OperationalError("SELECT", {}, Exception("database is locked"))

    monkeypatch.setattr(backups, "backup_folder", fails)
    window = make_window(world.om)
    controller = controller_of(window)
    qtbot.waitUntil(lambda: controller.label.text().startswith("Backups are off"), timeout=5000)
    assert controller.label.property("stale") is True
    assert not controller.running and not controller.action.isEnabled()
