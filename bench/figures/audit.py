"""Figure 7: `audit verify` (the keyed chain and the record seals, as the CLI runs it) against
hashing the same rows in a loop: read the columns, build the canonical text, HMAC-SHA256 chained."""

from __future__ import annotations

import hashlib
import hmac
import json

from sqlalchemy import text

from bench.figures.context import Run
from bench.harness import Measurement, compare
from rso_manager.persistence import audit_chain, audit_checkpoints, audit_key, record_seal

_COLUMNS = ("id, occurred_at, user_id, username, role, action, entity, entity_id, offender_id, outcome, "
            "reason, details_json, prev_hash, key_id, seal, hash")


def verify(run: Run) -> audit_chain.ChainReport:
    key = audit_key.load()
    with run.services.session_factory() as s:
        log = audit_checkpoints.read(audit_checkpoints.log_for(s, key), key)
        return audit_chain.verify(s, key=key, checkpoints=log.checkpoints)


def hash_loop(run: Run) -> int:
    """The chain's rows HMAC-SHA256'd one after another, then every sealed case-table row
    digested (keyed BLAKE2b, as the seals are): what verify must at least do."""
    secret = audit_key.load().secret
    prev, rows = "0" * 64, 0
    with run.services.session_factory() as s:
        for table in record_seal.sealed_tables():
            for r in s.execute(text(f"SELECT * FROM {table.name}")):
                hashlib.blake2b(repr(tuple(r)).encode(), key=secret[:64], digest_size=16).digest()
                rows += 1
        for r in s.execute(text(f"SELECT {_COLUMNS} FROM audit_event ORDER BY id")):
            body = {"id": r[0], "at": str(r[1]), "user_id": r[2], "username": r[3], "role": r[4],
                    "action": r[5], "entity": r[6], "entity_id": r[7], "offender_id": r[8], "outcome": r[9],
                    "reason": r[10], "details": r[11], "prev": prev, "key": r[13], "seal": r[14]}
            data = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
            prev = hmac.new(secret, b"audit row|" + data, hashlib.sha256).hexdigest()
            rows += 1
    return rows


def measure(run: Run) -> list[Measurement]:
    return [compare(7, "audit verify (chain and record seals)", lambda: verify(run), "the same rows hashed in a loop",
                    lambda: hash_loop(run), repeat=run.repeat, budget_s=run.budget_s, target="<= 2x",
                    extra=lambda r: {"rows": r.rows, "records": r.records_checked, "ok": r.ok})]
