"""a case's visits read from their index alone

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03

The compliance figures walk each case's home visits back from a day along
ix_visit_offender_kind_status_visited, then tested columns only the visit's row held (voided,
entered, outcome, time band): a page of a wide row per visit. The index now carries them, so
the walks read the index alone (issue 16).
"""

from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

NAME = 'ix_visit_offender_kind_status_visited'
LEADING = ['offender_id', 'kind', 'status', 'visited_at']


def upgrade() -> None:
    op.drop_index(NAME, table_name='visit')
    # The id straight after the day: the walks' order (day, then id, newest first) is the index's.
    op.create_index(NAME, 'visit', [*LEADING, 'id', 'outcome', 'announced', 'time_band', 'voided_at', 'created_at',
                                    'updated_at'], unique=False)


def downgrade() -> None:
    op.drop_index(NAME, table_name='visit')
    op.create_index(NAME, 'visit', LEADING, unique=False)
