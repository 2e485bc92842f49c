"""exact sentence terms (days, weeks, months, concurrent terms) for the s.82 thresholds

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

import rso_manager.persistence.types  # noqa: F401

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable, no default: a conviction sentenced before this keeps its whole-months term in
    # sentence_months and is read as one term.
    with op.batch_alter_table("conviction", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sentence_terms_json", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("conviction", schema=None) as batch_op:
        batch_op.drop_column("sentence_terms_json")
