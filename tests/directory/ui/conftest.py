"""The UI tests' fixtures (tests/ui/conftest.py) beside the directory's (tests/directory/conftest.py),
so the directory's screens are tried against the real OpenLDAP server."""

from tests.ui.conftest import _gc_on_the_gui_thread, make_window, prompter  # noqa: F401 (fixtures)
