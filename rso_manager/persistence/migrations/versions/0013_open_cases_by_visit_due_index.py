"""the open caseload's first page by next visit due, from an index

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03

A caseload too big to load whole is read a page at a time in its default order, next home
visit due (services.caseload.caseload_page). Its cases are those not ended (status <> 'ended'),
which the (status, next_visit_due) index cannot give in date order across the open statuses,
so PostgreSQL read and sorted every case for each first page: 450 ms at 1,000,000 cases. Read
along this index, stopping at the page's end, it takes 1 ms (issue 16).
"""

from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_offender_next_visit_due', 'offender', ['next_visit_due'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_offender_next_visit_due', table_name='offender')
