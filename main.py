import multiprocessing

# Reports build, and long reads run, in spawned processes, which import this file again: only
# the first process starts the app (and a frozen build's children run their task, not the app).
# The app is imported here, not above, so that a child does not import Qt and the whole UI.
if __name__ == "__main__":
    multiprocessing.freeze_support()
    from ui.app import main

    raise SystemExit(main())
