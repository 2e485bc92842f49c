"""consultations and the second factor

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01

A consultation row for every opening of a record (who, when, why, through which link), and
the columns a time-based one-time code needs on an account.
"""

import sqlalchemy as sa
from alembic import op

import rso_manager.persistence.types

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "consultation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("offender_id", sa.Integer(), nullable=False),
        sa.Column("opened_at", rso_manager.persistence.types.TZDateTime(), nullable=False),
        sa.Column("link", sa.String(length=20), nullable=False),
        sa.Column("purpose", sa.String(length=40), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("review_sign_off_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["offender_id"], ["offender.id"],
                                name=op.f("fk_consultation_offender_id_offender")),
        sa.ForeignKeyConstraint(["review_sign_off_id"], ["sign_off.id"],
                                name=op.f("fk_consultation_review_sign_off_id_sign_off")),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"],
                                name=op.f("fk_consultation_user_id_app_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation")),
    )
    with op.batch_alter_table("consultation", schema=None) as batch_op:
        batch_op.create_index("ix_consultation_user_offender", ["user_id", "offender_id", "opened_at"],
                              unique=False)
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("totp_secret", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("totp_enrolled_at", rso_manager.persistence.types.TZDateTime(),
                                      nullable=True))
        batch_op.add_column(sa.Column("totp_last_step", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("recovery_codes_json", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.drop_column("recovery_codes_json")
        batch_op.drop_column("totp_last_step")
        batch_op.drop_column("totp_enrolled_at")
        batch_op.drop_column("totp_secret")
    with op.batch_alter_table("consultation", schema=None) as batch_op:
        batch_op.drop_index("ix_consultation_user_offender")
    op.drop_table("consultation")
