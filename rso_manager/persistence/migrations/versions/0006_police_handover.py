"""hand-over of a case from probation into police-only management

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01

One case entry per hand-over: which agency's supervision ended (a licence expiring), when it
ended, and from when the police manage the case alone. The first police home visit is due from
the take-over rather than from a release years before.
"""

import sqlalchemy as sa
from alembic import op

import rso_manager.persistence.types

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "police_handover",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("from_agency", sa.String(length=30), nullable=False),
        sa.Column("licence_ended_on", sa.Date(), nullable=False),
        sa.Column("police_from", sa.Date(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("voided_at", rso_manager.persistence.types.TZDateTime(), nullable=True),
        sa.Column("void_reason", sa.Text(), nullable=True),
        sa.Column("offender_id", sa.Integer(), nullable=False),
        sa.Column("voided_by_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("created_at", rso_manager.persistence.types.TZDateTime(), nullable=False),
        sa.Column("updated_at", rso_manager.persistence.types.TZDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["created_by_id"], ["app_user.id"],
                                name=op.f("fk_police_handover_created_by_id_app_user")),
        sa.ForeignKeyConstraint(["offender_id"], ["offender.id"],
                                name=op.f("fk_police_handover_offender_id_offender")),
        sa.ForeignKeyConstraint(["updated_by_id"], ["app_user.id"],
                                name=op.f("fk_police_handover_updated_by_id_app_user")),
        sa.ForeignKeyConstraint(["voided_by_id"], ["app_user.id"],
                                name=op.f("fk_police_handover_voided_by_id_app_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_police_handover")),
    )
    with op.batch_alter_table("police_handover", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_police_handover_offender_id"), ["offender_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("police_handover", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_police_handover_offender_id"))
    op.drop_table("police_handover")
