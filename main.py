import multiprocessing

from ui.app import main

# Reports build in a spawned process, which imports this file again: only the first process
# starts the app (and a frozen build's children run their task, not the app).
if __name__ == "__main__":
    multiprocessing.freeze_support()
    raise SystemExit(main())
