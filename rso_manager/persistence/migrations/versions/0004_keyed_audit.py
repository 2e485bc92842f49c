"""keyed audit chain and record seals

Revision ID: 0004
Revises: 0002
Create Date: 2026-12-02

Audit rows from here on carry the audit key's id and an HMAC instead of a plain SHA-256, and
the seal of the case-table rows their transaction wrote. Rows already in the chain keep their
old hash (the trail is append-only). The database gets a random id for its checkpoint log, and
one keyed "audit.keyed" row records where sealing began: case rows up to each table's highest id
today were written before seals existed, and verify counts them as unsealed, not as tampering.
"""

import json
import secrets
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import context, op
from sqlalchemy.orm import Session

revision = "0004"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("audit_event", sa.Column("key_id", sa.String(length=16), nullable=True))
    op.add_column("audit_event", sa.Column("seal", sa.Text(), nullable=True))

    # The app's own code: the keyed row must be exactly what audit_chain.append writes.
    from rso_manager.persistence import audit_chain, audit_checkpoints, record_seal
    from rso_manager.persistence.audit_key import load
    from rso_manager.persistence.models import Setting, table_of

    conn = op.get_bind()
    now = context.config.attributes.get("now") or datetime.now(UTC)
    existing = set(sa.inspect(conn).get_table_names())
    session = Session(bind=conn)
    try:
        since = {t.name: session.scalar(sa.select(sa.func.max(t.c.id))) or 0
                 for t in record_seal.sealed_tables() if t.name in existing}
        values = {"key": audit_checkpoints.DATABASE_ID_SETTING,
                  "value_json": json.dumps(secrets.token_hex(16)), "version_id": 1, "created_at": now}
        setting = table_of(Setting)
        ident = session.execute(sa.insert(setting).values(**values)
                                .returning(setting.c.id)).scalar_one()
        digester = record_seal.Digester(load())
        record_seal.add_digests(session, "setting", [ident],
                                digester["setting"].of_dicts([{"id": ident, **values}]))
        audit_chain.append(session, occurred_at=now, user_id=None, username="system",
                           role="administrator", action="audit.keyed",
                           details={"scheme": "hmac-sha256", "seals": "records"})
        audit_chain.finalize(session, seal_extra={"since": since})
    finally:
        session.close()


def downgrade() -> None:
    # Dropping the columns would strip the keyed rows of what their hashes cover: the trail is
    # append-only, so there is no way back short of a backup from before the upgrade.
    raise NotImplementedError("the keyed audit trail cannot be downgraded; restore a backup instead")
