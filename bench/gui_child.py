"""The GUI child processes of figures 1, 3 and 8, started cold, offscreen, one per measurement:

    python -m bench.gui_child bare [URL]
    python -m bench.gui_child app URL USERNAME
    python -m bench.gui_child interactive URL WORKDIR

`bare`: a PySide6 main window with an empty table, shown (figure 1's baseline); with URL, the
table holds the whole force's caseload read by raw SQL. `app`: what
ui.app.run_gui does (the composition root's imports, the style, open_database), then the main
window of USERNAME shown with the caseload loaded. `interactive`: the real start-up (login
dialog, the supervisor signing in), then the OMU lead's window: caseload, filter keystrokes,
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


def app(url: str, username: str) -> None:
    qapp = _application()
    from bench.people import actor_of
    from rso_manager.clock import FixedClock
    from rso_manager.database import describe, is_demo, open_database
    from ui.main_window import build_main_window

    started = time.perf_counter() - START  # the interpreter, the imports, the QApplication
    engine, services = open_database(url, FixedClock(), read_only_if_damaged=True)
    opened = time.perf_counter() - START
    window = build_main_window(services, actor_of(services, username), prompter=Prompter(),
                               database=describe(url), demo=is_demo(services))
    window.show()
    shown = time.perf_counter() - START
    _wait(lambda: not window.loading)
    _exposed(qapp, window)
    end = time.perf_counter() - START
    # Each step's share of the start, from this process's first line (the parent's wall time
    # adds the interpreter's own start before it).
    _result({"in_process_s": end, "opened_s": opened, "rows": window.model.rowCount(), "modules": len(sys.modules),
             "steps_s": {"imports and QApplication": started, "open_database": opened - started,
                         "main window built and shown": shown - opened, "caseload loaded and painted": end - shown}})
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
    from rso_manager.clock import FixedClock
    from rso_manager.database import describe, is_demo, open_database
    from rso_manager.demo import DEMO_PASSWORD
    from rso_manager.reports.compliance_figures import Scope
    from rso_manager.services.caseload import AccessReason
    from ui import caseload_model
    from ui.app import Startup
    from ui.main_window import build_main_window
    from ui.workflows.compliance import ComplianceSummary

    tasks: list[tuple[str, float]] = []
    _record_tasks(tasks)
    applied: list[tuple[str, float]] = []
    set_filter_text = caseload_model.CaseloadFilterProxy.set_filter_text

    def noted(self, text: str) -> None:
        set_filter_text(self, text)
        applied.append((text, time.perf_counter()))

    caseload_model.CaseloadFilterProxy.set_filter_text = noted  # type: ignore[method-assign]

    engine, services = open_database(url, FixedClock(), read_only_if_damaged=True)
    prompter = Prompter()
    beat = Heartbeat()
    beat.begin("idle")  # the baseline: the same timer with nothing to do
    _wait(lambda: time.perf_counter() - beat._began > 1.0)

    # Sign-in: the login dialog, the supervisor's password (Argon2id on the worker), her window.
    startup = Startup(services, url, prompter)
    shown: list[object] = []
    startup.main_window_shown.connect(shown.append)
    startup.start()
    _wait(lambda: startup.login_dialog is not None and startup.login_dialog.isVisible())
    login = startup.login_dialog
    assert login is not None
    login.username.setText(SUPERVISOR)
    login.password.setText(DEMO_PASSWORD)
    beat.begin("sign-in")
    login.submit()
    _wait(lambda: bool(shown))
    beat.begin("caseload load (team)")
    team_window = startup.main_window
    assert team_window is not None
    _wait(lambda: not team_window.loading)

    # The OMU lead's whole-force caseload (her one-time code is not spent: see bench.people).
    beat.begin("caseload load (force)")
    window = build_main_window(services, actor_of(services, LEAD), prompter=prompter,
                               database=describe(url), demo=is_demo(services))
    window.show()
    _wait(lambda: not window.loading)
    rows = window.model.rowCount()

    # Filter: a surname typed letter by letter, then rubbed out; each keystroke to the view.
    beat.begin("filtering")
    keystrokes = []
    edit = window.filter_edit
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
