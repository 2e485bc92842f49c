"""The packaged application's entry point (packaging/rso_manager.spec): main.py's, plus the smoke
test the build is checked with (ui/smoke_test.py)."""

import multiprocessing
import sys

if __name__ == "__main__":
    # A frozen build's spawned children (reports build in one) run their task, not the app.
    multiprocessing.freeze_support()
    from ui import smoke_test
    from ui.app import main

    arguments = sys.argv[1:]
    raise SystemExit(smoke_test.run(arguments) if smoke_test.requested(arguments) else main(arguments))
