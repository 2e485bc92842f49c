"""a case's risk and convictions by a day, from indexes

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03

The compliance figures read every case's risk as it stood on a day (its latest assessment by
then) and its first conviction by a day. Through the bare offender_id indexes each read fetched
every assessment's row and sorted them; these indexes hold the order and every column tested,
so the reads touch the index alone (the visit windows' case query 1.9 s -> 1.36 s at 100,000
cases on SQLite; issue 16).
"""

from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_risk_assessment_offender_assessed', 'risk_assessment',
                    ['offender_id', 'assessed_on', 'id', 'level', 'created_at', 'voided_at'], unique=False)
    op.create_index('ix_conviction_offender_convicted', 'conviction',
                    ['offender_id', 'convicted_on', 'created_at', 'voided_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_conviction_offender_convicted', table_name='conviction')
    op.drop_index('ix_risk_assessment_offender_assessed', table_name='risk_assessment')
