"""The GUI child processes of figures 1, 3 and 8, started cold, offscreen, one per measurement:

    python -m bench.gui_child bare [URL]
    python -m bench.gui_child app URL USERNAME
    python -m bench.gui_child interactive URL WORKDIR

`bare`: a PySide6 main window with an empty table, shown (figure 1's baseline); with URL, the
table holds the whole force's caseload read by raw SQL. `app`: what ui.app.run_gui does (the
composition root's imports, the style, open_database leaving its integrity check to the
sign-in, ui.app.Startup with the login dialog and the workflows' preload), USERNAME signing in
(password, then the one-time code when the account has one), and the main window shown with the
caseload loaded. `interactive`: the same start-up (the supervisor signing in), then the OMU
lead's window: caseload, filter keystrokes,
opening a record, a team compliance PDF from the print dialog; a 10 ms heartbeat timer records
the longest gap in each phase, and every worker task's time. Each prints one RESULT JSON line.
"""

from __future__ import annotations

import json
import os
import sys
import time

START = time.perf_counter()


def _result(data: dict) -> None:
    from bench.figures.children import peak_mb

    print("RESULT " + json.dumps({**data, "peak_mb": peak_mb()}), flush=True)


def _exposed(app, widget) -> None:
    """Until WIDGET has been painted: its first frame on screen."""
    from PySide6.QtCore import QEventLoop

    widget.repaint()
    app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)


def bare(url: str | None = None) -> None:
    """With URL, the table shows the whole force's caseload read by hand-written SQL through
    the same driver, in the plainest table model (the issue's second baseline)."""
    from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
    from PySide6.QtWidgets import QApplication, QMainWindow, QTableView

    rows: list = []
    if url:
        from sqlalchemy import text

        from bench.caseload_sql import CASELOAD_SQL
        from rso_manager.persistence.engine import make_engine

        engine = make_engine(url)
        with engine.connect() as c:
            rows = [tuple(r) for r in c.execute(text(CASELOAD_SQL.format(team="")))]

    class Rows(QAbstractTableModel):
        def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008, N802
            return len(rows)

        def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008, N802
            return 8

        def data(self, index, role=Qt.ItemDataRole.DisplayRole):
            if role == Qt.ItemDataRole.DisplayRole:
                return str(rows[index.row()][index.column()])
            return None

    app = QApplication([sys.argv[0]])
    window = QMainWindow()
    table = QTableView()
    model = Rows()
    table.setModel(model)
    window.setCentralWidget(table)
    window.resize(1280, 760)
    window.show()
    _exposed(app, window)
    _result({"in_process_s": time.perf_counter() - START, "rows": len(rows)})


KEYSTROKE_PAUSE_S = 0.08  # between the filter's keystrokes: a quick typist's pace


def _wait(cond, timeout_s: float = 600.0) -> None:
    """Run the event loop until COND holds (as qtbot.waitUntil): the GUI keeps working meanwhile."""
    from PySide6.QtCore import QEventLoop, QTimer

    if cond():
        return
    loop = QEventLoop()
    poll = QTimer()
    poll.setInterval(2)
    deadline = time.perf_counter() + timeout_s

    def check() -> None:
        if cond() or time.perf_counter() > deadline:
            loop.quit()

    poll.timeout.connect(check)
    poll.start()
    loop.exec()
    poll.stop()
    if not cond():
        raise TimeoutError("the GUI did not get there in time")


def _application():
    """The process set-up of ui.app.run_gui (without its log file and excepthook)."""
    from PySide6.QtWidgets import QApplication

    import ui.app as app_module  # the composition root: every import the app makes at start
    from ui import gui_thread_gc

    app = QApplication([sys.argv[0]])
    app.setOrganizationName(app_module.ORGANISATION)
    app.setApplicationName(app_module.APPLICATION)
    gui_thread_gc.install(app)
    app_module.load_style(app)
    return app


class Prompter:
    """Says yes to every question and records the messages (the benchmark has no user)."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, str]] = []

    def info(self, title: str, text: str) -> None:
        self.messages.append((title, text))

    warning = error = info

    def confirm(self, title: str, text: str, **_kw) -> bool:
        return False  # "Open it now?" and the like: no

    def ask_reason(self, *args, **kwargs):
        return None


def _clock_for(url: str, username: str):
    """The demo's fixed clock, moved past the last one-time code USERNAME used: each run signs in
    with a code of its own (a code works once), on the shared database too."""
    from datetime import datetime, timedelta

    from sqlalchemy import text

    from rso_manager.clock import FixedClock
    from rso_manager.persistence.engine import make_engine

    clock = FixedClock()
    probe = make_engine(url)
    try:
        with probe.connect() as c:
            step = c.execute(text("SELECT totp_last_step FROM app_user WHERE username = :u"),
                             {"u": username}).scalar()
    finally:
        probe.dispose()
    if step is not None:
        clock.current = max(clock.current, datetime.fromtimestamp((step + 2) * 30, clock.current.tzinfo)
                            + timedelta(seconds=1))
    return clock


def _open(url: str, clock, prompter):
    """ui.app.run_gui's start: the database opened on the worker (its check left to the
    sign-in), then the Startup, whose start() runs the integrity check on a worker of its own
    and shows the login (and preloads the workflows)."""
    from ui import extensions
    from ui.app import Startup, open_off_gui_thread
    from ui.worker import Worker

    extensions.preload()
    worker = Worker()
    opened = open_off_gui_thread(worker, url, clock)
    startup = Startup(opened.services, url, prompter, opened=opened, worker=worker)
    checked: list[float] = []
    startup.database_checked.connect(lambda _state: checked.append(time.perf_counter() - START))
    shown: list[object] = []
    startup.main_window_shown.connect(shown.append)
    return opened, startup, shown, checked


def _sign_in(startup, username: str, clock) -> None:
    """As the user does on the login dialog: the password, then the code if it is asked for."""
    from rso_manager.demo import DEMO_PASSWORD, DEMO_TOTP_SECRETS
    from rso_manager.services import second_factor

    _wait(lambda: startup.login_dialog is not None and startup.login_dialog.isVisible())
    login = startup.login_dialog
    login.username.setText(username)
    login.password.setText(DEMO_PASSWORD)
    login.submit()
    secret = DEMO_TOTP_SECRETS.get(username)
    if secret:
        _wait(lambda: login.asking_for_code or startup.main_window is not None)
        if startup.main_window is None:
            login.code.setText(second_factor.current_code(secret, clock.now()))
            login.submit()


def app(url: str, username: str) -> None:
    qapp = _application()
    prompter = Prompter()
    clock = _clock_for(url, username)
    started = time.perf_counter() - START  # the interpreter, the imports, the QApplication
    if os.environ.get("BENCH_PROFILE_START"):  # the GUI thread from the open to the caseload
        import cProfile
        profiler = cProfile.Profile()
        profiler.enable()
    opened, startup, shown, checked = _open(url, clock, prompter)
    open_s = time.perf_counter() - START
    startup.start()
    _wait(lambda: startup.login_dialog is not None and startup.login_dialog.isVisible())
    _exposed(qapp, startup.login_dialog)
    login_s = time.perf_counter() - START
    _sign_in(startup, username, clock)
    _wait(lambda: bool(shown))
    window = shown[0]
    signed_in = time.perf_counter() - START
    _wait(lambda: not window.loading)
    _exposed(qapp, window)
    end = time.perf_counter() - START
    if os.environ.get("BENCH_PROFILE_START"):
        profiler.disable()
        profiler.dump_stats(os.environ["BENCH_PROFILE_START"])
    # Each step's share of the start, from this process's first line (the parent's wall time
    # adds the interpreter's own start before it).
    _result({"in_process_s": end, "opened_s": open_s, "rows": window.model.rowCount(), "modules": len(sys.modules),
             "integrity_checked_s": checked[0] if checked else None,
             "messages": [m[0] for m in prompter.messages],
             "steps_s": {"imports and QApplication": started, "open_database": open_s - started,
                         "login shown": login_s - open_s,
                         "signed in (password, code; Argon2 on the worker) and main window shown": signed_in - login_s,
                         "caseload loaded and painted": end - signed_in}})
    os._exit(0)  # the parent has its figure; tearing the window down is not part of it


class Heartbeat:
    """A 10 ms timer; the longest gap between its ticks in each phase is how long the GUI thread
    could not answer (a user's click or a repaint waits that long)."""

    def __init__(self) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.phase = "start"
        self.gaps: dict[str, float] = {}
        self.durations: dict[str, float] = {}
        self._began = time.perf_counter()
        self._last = time.perf_counter()
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        gap = now - self._last - 0.010
        self._last = now
        self.gaps[self.phase] = max(self.gaps.get(self.phase, 0.0), gap)

    def begin(self, phase: str) -> None:
        self._tick()
        self.durations[self.phase] = time.perf_counter() - self._began
        self.phase, self._began, self._last = phase, time.perf_counter(), time.perf_counter()


def _record_tasks(tasks: list[tuple[str, float]]) -> None:
    """Every function the GUI runs on its worker, timed on the worker thread."""
    from ui.worker import Worker

    submit = Worker.submit

    def timed_submit(self, fn, *args, **kwargs):
        name = getattr(fn, "__qualname__", getattr(fn, "__name__", "task"))

        def timed(*a, **k):
            t = time.perf_counter()
            try:
                return fn(*a, **k)
            finally:
                tasks.append((name, time.perf_counter() - t))
        return submit(self, timed, *args, **kwargs)

    Worker.submit = timed_submit  # type: ignore[method-assign]


def interactive(url: str, workdir: str) -> None:
    qapp = _application()
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from bench.people import LEAD, SUPERVISOR, TEAM, actor_of
    from rso_manager.reports.compliance_figures import Scope
    from rso_manager.services.caseload import AccessReason
    from ui import caseload_model
    from ui.workflows.compliance import ComplianceSummary

    tasks: list[tuple[str, float]] = []
    _record_tasks(tasks)
    applied: list[tuple[str, float]] = []
    set_filter_text = caseload_model.CaseloadFilterProxy.set_filter_text

    def noted(self, text: str) -> None:
        set_filter_text(self, text)
        applied.append((text, time.perf_counter()))

    caseload_model.CaseloadFilterProxy.set_filter_text = noted  # type: ignore[method-assign]

    prompter = Prompter()
    clock = _clock_for(url, SUPERVISOR)
    opened, startup, shown, _checked = _open(url, clock, prompter)
    services = opened.services
    beat = Heartbeat()
    beat.begin("idle")  # the baseline: the same timer with nothing to do
    _wait(lambda: time.perf_counter() - beat._began > 1.0)

    # Sign-in: the app's start (the integrity check beside it), the login dialog, the
    # supervisor's password (Argon2id on the worker), her window.
    beat.begin("sign-in")
    startup.start()
    _sign_in(startup, SUPERVISOR, clock)
    _wait(lambda: bool(shown))
    beat.begin("caseload load (team)")
    team_window = startup.main_window
    assert team_window is not None
    _wait(lambda: not team_window.loading)

    # The OMU lead's whole-force caseload (her one-time code is not spent: see bench.people).
    # Through the app's own path after a sign-in (built in one turn, shown in the next).
    beat.begin("caseload load (force)")
    startup.show_main(actor_of(services, LEAD))
    _wait(lambda: len(shown) > 1)
    window = shown[-1]
    _wait(lambda: not window.loading)
    rows = window.model.rowCount()

    # Filter: a surname typed letter by letter, then rubbed out; each keystroke to the view.
    beat.begin("filtering")
    keystrokes = []
    edit = window.filter_edit
    edit.setFocus()  # as a user types: a toolbar re-laid out meanwhile must not move the focus into it
    typed = [*window.model.row_at(0).name.split(",")[0][:4].lower()]
    for key in [*typed, *([Qt.Key.Key_Backspace] * len(typed))]:
        before = len(applied)
        t = time.perf_counter()
        if isinstance(key, str):
            QTest.keyClicks(edit, key)
        else:
            QTest.keyClick(edit, key)
        _wait(lambda b=before: len(applied) > b and applied[-1][0] == edit.text())
        window.table.viewport().repaint()
        keystrokes.append(time.perf_counter() - t)
        # A typist's pause, through the event loop: keystrokes sent back to back with no turn
        # of it between them measured the whole word as one block (450 ms at 20,000 where no
        # keystroke took over 85 ms).
        pause = time.perf_counter() + KEYSTROKE_PAUSE_S
        _wait(lambda p=pause: time.perf_counter() >= p)

    # Opening a record: the reason, then the record window and every page's load.
    beat.begin("opening a record")
    tasks_before = len(tasks)
    offender_id = window.model.row_at(0).offender_id
    t = time.perf_counter()
    if os.environ.get("BENCH_PROFILE_OPEN"):
        import cProfile
        profiler = cProfile.Profile()
        profiler.enable()
    dialog = window.open_offender(offender_id, "bench")
    dialog.choose(AccessReason.CASE_MANAGEMENT, "Benchmark: opening a record at scale")
    dialog.submit()
    _wait(lambda: offender_id in window.record_windows)
    _wait(lambda: not window.worker.busy)
    record_window = window.record_windows[offender_id]
    _exposed(qapp, record_window)
    opening = time.perf_counter() - t
    if os.environ.get("BENCH_PROFILE_OPEN"):
        profiler.disable()
        profiler.dump_stats(os.environ["BENCH_PROFILE_OPEN"])
    parts: dict[str, float] = {}
    for name, seconds in tasks[tasks_before:]:
        parts[name] = parts.get(name, 0.0) + seconds

    # A report: the team's compliance PDF from the print dialog, on the worker as the app does.
    beat.begin("report (team PDF)")
    summary = window.part(ComplianceSummary)
    assert summary is not None
    summary.folder = lambda: workdir
    summary.opener = lambda _path: None
    summary.chooser = lambda *_a: ""
    report_dialog = summary.open_dialog(Scope.team(TEAM))
    _wait(lambda: report_dialog.options is not None)
    finished: list[str] = []
    report_dialog.finished_job.connect(finished.append)
    t = time.perf_counter()
    report_dialog.submit(replace=True)
    _wait(lambda: bool(finished))
    report_s = time.perf_counter() - t

    # The planner: the whole force over 90 days (the lead's first choice; chosen if not).
    beat.begin("planning (force)")
    from rso_manager.domain.roles import CaseloadScope
    from ui.workflows.visits.planner import planner_of

    planner = planner_of(window)
    assert planner is not None
    plans: list[object] = []
    planner.loaded.connect(plans.append)
    if os.environ.get("BENCH_PROFILE_PLAN"):
        import cProfile
        profiler = cProfile.Profile()
        profiler.enable()
    window.show_page("planner")
    _wait(lambda: len(plans) == 1, timeout_s=120)
    if planner.scope is not CaseloadScope.ALL:
        planner.scope_combo.setCurrentIndex(planner.scope_combo.findData(CaseloadScope.ALL.value))
        _wait(lambda: len(plans) == 2, timeout_s=120)
    if os.environ.get("BENCH_PROFILE_PLAN"):
        profiler.disable()
        profiler.dump_stats(os.environ["BENCH_PROFILE_PLAN"])
    beat.begin("end")
    _result({"rows": rows, "gaps_s": beat.gaps, "durations_s": beat.durations, "keystrokes_s": keystrokes,
             "opening_s": opening, "record_parts_s": parts, "report_s": report_s, "report": finished[0],
             "messages": [m[0] for m in prompter.messages]})
    os._exit(0)


def main(argv: list[str]) -> int:
    if argv[0] == "bare":
        bare(argv[1] if len(argv) > 1 else None)
    elif argv[0] == "app":
        app(argv[1], argv[2])
    else:
        interactive(argv[1], argv[2])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
