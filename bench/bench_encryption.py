"""What SQLCipher encryption costs, as a ratio against plain SQLite in the same run.

    python bench/bench_encryption.py [N]

For each of plain SQLite and SQLCipher (raw key, as RSO_DB_KEY or the keyring give it): create N
demo offenders (default 2,000), list the OMU lead's whole caseload, open 200 new connections, and
make one verified backup. Also the one-off cost of turning a passphrase into the key. Not a test:
numbers depend on the machine, so they are reported, not asserted.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("RSO_DB_KEY", secrets.token_hex(32))

from rso_manager import demo  # noqa: E402
from rso_manager.clock import FixedClock  # noqa: E402
from rso_manager.database import open_database  # noqa: E402
from rso_manager.domain.roles import CaseloadScope, Role  # noqa: E402
from rso_manager.persistence import keys  # noqa: E402
from rso_manager.persistence.backup import back_up  # noqa: E402
from rso_manager.persistence.engine import is_encrypted, make_engine  # noqa: E402
from rso_manager.persistence.models import User  # noqa: E402
from rso_manager.services import caseload  # noqa: E402
from rso_manager.services.unit_of_work import Actor  # noqa: E402


def timed(fn, repeat=1):
    times = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def _actor(services, username: str) -> Actor:
    with services.session_factory() as s:
        u = s.scalar(select(User).where(User.username == username))
        return Actor(u.id, u.username, u.display_name, Role(u.role), u.team_id, u.trained)


def measure(path: Path, offenders: int) -> dict[str, float]:
    clock = FixedClock()
    url = f"sqlite:///{path}"
    engine, services = open_database(url, clock)
    out = {"encrypted": float(is_encrypted(engine))}
    out["create"], _ = timed(lambda: demo.generate(services, offenders=offenders, seed=1))
    lead = _actor(services, "lead")  # not login(): sign-in policy (MFA) is not what is measured
    caseload.list_caseload(services, lead, CaseloadScope.ALL)  # warm the cache as a user would
    out["list"], rows = timed(lambda: caseload.list_caseload(services, lead, CaseloadScope.ALL), repeat=5)
    out["rows"] = len(rows)

    def connections():
        e = make_engine(url)
        for _ in range(200):
            with e.connect() as c:
                c.exec_driver_sql("SELECT 1")
            e.pool.dispose()  # a new DBAPI connection each time: keying happens on connect
        e.dispose()
    out["connect200"], _ = timed(connections)
    out["backup"], _ = timed(lambda: back_up(engine, path.parent / "backups", when=clock.now()))
    engine.dispose()
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("offenders", type=int, nargs="?", default=2000)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="bench-encryption-"))
    plain_path = root / "plain" / "rso.db"
    plain_path.parent.mkdir()
    with sqlite3.connect(plain_path) as c:  # an existing plain file opens unencrypted
        c.execute("PRAGMA journal_mode=WAL")
    encrypted_path = root / "encrypted" / "rso.db"
    plain = measure(plain_path, args.offenders)
    encrypted = measure(encrypted_path, args.offenders)
    assert not plain["encrypted"] and encrypted["encrypted"]
    print(f"{args.offenders} offenders, {int(plain['rows'])} rows in the caseload")
    print(f"{'':34}{'plain':>10}{'SQLCipher':>12}{'ratio':>8}")
    for key, label in (("create", "create demo offenders (s)"), ("list", "list whole caseload (s)"),
                       ("connect200", "200 new connections (s)"), ("backup", "verified backup (s)")):
        print(f"{label:<34}{plain[key]:>10.3f}{encrypted[key]:>12.3f}{encrypted[key] / plain[key]:>8.2f}")
    start = time.perf_counter()
    keys.derive("a passphrase typed at start", secrets.token_bytes(16))
    print(f"passphrase -> key, once per process (PBKDF2-HMAC-SHA512, {keys.KDF_ITERATIONS:,}): "
          f"{time.perf_counter() - start:.3f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
