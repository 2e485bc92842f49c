"""`import offenders FILE --user U`: the spreadsheet import for scripts, signed in like `plan`:
a dry run creates nothing, a clean file imports every row, a bad one nothing (exit 2)."""

import argparse
import json

from sqlalchemy import func, select

from rso_manager import import_cli
from rso_manager.persistence import models as m
from rso_manager.services import users
from tests.conftest import PASSWORD
from tests.services.test_offender_import import GOOD, HEAD


def _run(services, *argv) -> int:
    parser = argparse.ArgumentParser()
    import_cli.add_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["import", "offenders", *argv])
    return import_cli.run(services, args, lambda svc, name: users.login(svc, name, PASSWORD))


def _offenders(services) -> int:
    with services.session_factory() as s:
        return s.scalar(select(func.count()).select_from(m.Offender))


def test_dry_run_then_import_then_a_bad_file_imports_nothing(sqlite_services, world, tmp_path, capsys):
    good = tmp_path / "list.csv"
    good.write_bytes(GOOD.encode("utf-8"))
    assert _run(sqlite_services, str(good), "--user", "om", "--dry-run", "--json") == 0
    assert _offenders(sqlite_services) == 0
    capsys.readouterr()
    assert _run(sqlite_services, str(good), "--user", "om", "--json") == 0
    out = json.loads(capsys.readouterr().out)
    assert len(out["imported"]) == 2 and _offenders(sqlite_services) == 2

    bad = tmp_path / "bad.csv"
    bad.write_bytes(f"{HEAD}\r\nOkname,Ann,01/01/1980,om,,,,1,1,\r\nBadday,Bob,31/02/1981,om,,,,1,1,\r\n".encode())
    assert _run(sqlite_services, str(bad), "--user", "om") == 2
    text = capsys.readouterr().out
    assert "row 3" in text.lower() and "date_of_birth" in text.lower()
    assert _offenders(sqlite_services) == 2  # nothing of the bad file, not even its good row
