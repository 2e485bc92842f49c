"""the team's cases due by a date, from an index

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02

The planner, the reminders and the team figures list a team's active cases due by a date: an
index on (team_id, status, next_visit_due) answers that without reading the cases (issue 16).
"""

from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_offender_team_status_next_visit_due', 'offender',
                    ['team_id', 'status', 'next_visit_due'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_offender_team_status_next_visit_due', table_name='offender')
