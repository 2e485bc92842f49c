"""the whole person, graded intelligence and linked relationships (issue 14)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02

Case entries for what ViSOR and OffenderWatch hold about the person beyond the name:
photographs (several, each with the day taken), physical descriptions, distinguishing marks,
vehicles, employment and education, online accounts and internet identifiers. The audit trail gains
indexes by day and by user. Intelligence
notes gain their grading (source evaluation, intelligence assessment, handling code), and a
relationship may point at another offender's record.
"""

import sqlalchemy as sa
from alembic import op

import rso_manager.persistence.types

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index("ix_audit_event_occurred_at", ["occurred_at"], unique=False)
        batch_op.create_index("ix_audit_event_user", ["user_id", "id"], unique=False)
    op.create_table('distinguishing_mark',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('body_location', sa.String(length=120), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('voided_at', rso_manager.persistence.types.TZDateTime(), nullable=True),
    sa.Column('void_reason', sa.Text(), nullable=True),
    sa.Column('offender_id', sa.Integer(), nullable=False),
    sa.Column('voided_by_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('created_at', rso_manager.persistence.types.TZDateTime(), nullable=False),
    sa.Column('updated_at', rso_manager.persistence.types.TZDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['app_user.id'], name=op.f('fk_distinguishing_mark_created_by_id_app_user')),
    sa.ForeignKeyConstraint(['offender_id'], ['offender.id'], name=op.f('fk_distinguishing_mark_offender_id_offender')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['app_user.id'], name=op.f('fk_distinguishing_mark_updated_by_id_app_user')),
    sa.ForeignKeyConstraint(['voided_by_id'], ['app_user.id'], name=op.f('fk_distinguishing_mark_voided_by_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_distinguishing_mark'))
    )
    with op.batch_alter_table('distinguishing_mark', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_distinguishing_mark_offender_id'), ['offender_id'], unique=False)

    op.create_table('occupation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('organisation', sa.String(length=160), nullable=False),
    sa.Column('role', sa.String(length=120), nullable=True),
    sa.Column('address', sa.Text(), nullable=True),
    sa.Column('from_date', sa.Date(), nullable=True),
    sa.Column('to_date', sa.Date(), nullable=True),
    sa.Column('notified', sa.Boolean(), nullable=False),
    sa.Column('voided_at', rso_manager.persistence.types.TZDateTime(), nullable=True),
    sa.Column('void_reason', sa.Text(), nullable=True),
    sa.Column('offender_id', sa.Integer(), nullable=False),
    sa.Column('voided_by_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('created_at', rso_manager.persistence.types.TZDateTime(), nullable=False),
    sa.Column('updated_at', rso_manager.persistence.types.TZDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['app_user.id'], name=op.f('fk_occupation_created_by_id_app_user')),
    sa.ForeignKeyConstraint(['offender_id'], ['offender.id'], name=op.f('fk_occupation_offender_id_offender')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['app_user.id'], name=op.f('fk_occupation_updated_by_id_app_user')),
    sa.ForeignKeyConstraint(['voided_by_id'], ['app_user.id'], name=op.f('fk_occupation_voided_by_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_occupation'))
    )
    with op.batch_alter_table('occupation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_occupation_offender_id'), ['offender_id'], unique=False)

    op.create_table('online_identifier',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('platform', sa.String(length=80), nullable=False),
    sa.Column('identifier', sa.String(length=240), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('from_date', sa.Date(), nullable=True),
    sa.Column('to_date', sa.Date(), nullable=True),
    sa.Column('voided_at', rso_manager.persistence.types.TZDateTime(), nullable=True),
    sa.Column('void_reason', sa.Text(), nullable=True),
    sa.Column('offender_id', sa.Integer(), nullable=False),
    sa.Column('voided_by_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('created_at', rso_manager.persistence.types.TZDateTime(), nullable=False),
    sa.Column('updated_at', rso_manager.persistence.types.TZDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['app_user.id'], name=op.f('fk_online_identifier_created_by_id_app_user')),
    sa.ForeignKeyConstraint(['offender_id'], ['offender.id'], name=op.f('fk_online_identifier_offender_id_offender')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['app_user.id'], name=op.f('fk_online_identifier_updated_by_id_app_user')),
    sa.ForeignKeyConstraint(['voided_by_id'], ['app_user.id'], name=op.f('fk_online_identifier_voided_by_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_online_identifier'))
    )
    with op.batch_alter_table('online_identifier', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_online_identifier_identifier'), ['identifier'], unique=False)
        batch_op.create_index(batch_op.f('ix_online_identifier_offender_id'), ['offender_id'], unique=False)

    op.create_table('photograph',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('taken_on', sa.Date(), nullable=False),
    sa.Column('media_type', sa.String(length=40), nullable=False),
    sa.Column('image', sa.LargeBinary(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('voided_at', rso_manager.persistence.types.TZDateTime(), nullable=True),
    sa.Column('void_reason', sa.Text(), nullable=True),
    sa.Column('offender_id', sa.Integer(), nullable=False),
    sa.Column('voided_by_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('created_at', rso_manager.persistence.types.TZDateTime(), nullable=False),
    sa.Column('updated_at', rso_manager.persistence.types.TZDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['app_user.id'], name=op.f('fk_photograph_created_by_id_app_user')),
    sa.ForeignKeyConstraint(['offender_id'], ['offender.id'], name=op.f('fk_photograph_offender_id_offender')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['app_user.id'], name=op.f('fk_photograph_updated_by_id_app_user')),
    sa.ForeignKeyConstraint(['voided_by_id'], ['app_user.id'], name=op.f('fk_photograph_voided_by_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_photograph'))
    )
    with op.batch_alter_table('photograph', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_photograph_offender_id'), ['offender_id'], unique=False)

    op.create_table('physical_description',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('described_on', sa.Date(), nullable=False),
    sa.Column('height_cm', sa.Integer(), nullable=True),
    sa.Column('build', sa.String(length=40), nullable=True),
    sa.Column('hair', sa.String(length=80), nullable=True),
    sa.Column('eyes', sa.String(length=40), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('voided_at', rso_manager.persistence.types.TZDateTime(), nullable=True),
    sa.Column('void_reason', sa.Text(), nullable=True),
    sa.Column('offender_id', sa.Integer(), nullable=False),
    sa.Column('voided_by_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('created_at', rso_manager.persistence.types.TZDateTime(), nullable=False),
    sa.Column('updated_at', rso_manager.persistence.types.TZDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['app_user.id'], name=op.f('fk_physical_description_created_by_id_app_user')),
    sa.ForeignKeyConstraint(['offender_id'], ['offender.id'], name=op.f('fk_physical_description_offender_id_offender')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['app_user.id'], name=op.f('fk_physical_description_updated_by_id_app_user')),
    sa.ForeignKeyConstraint(['voided_by_id'], ['app_user.id'], name=op.f('fk_physical_description_voided_by_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_physical_description'))
    )
    with op.batch_alter_table('physical_description', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_physical_description_offender_id'), ['offender_id'], unique=False)

    op.create_table('vehicle',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration', sa.String(length=12), nullable=False),
    sa.Column('make', sa.String(length=40), nullable=True),
    sa.Column('model', sa.String(length=60), nullable=True),
    sa.Column('colour', sa.String(length=30), nullable=True),
    sa.Column('from_date', sa.Date(), nullable=True),
    sa.Column('to_date', sa.Date(), nullable=True),
    sa.Column('notified', sa.Boolean(), nullable=False),
    sa.Column('voided_at', rso_manager.persistence.types.TZDateTime(), nullable=True),
    sa.Column('void_reason', sa.Text(), nullable=True),
    sa.Column('offender_id', sa.Integer(), nullable=False),
    sa.Column('voided_by_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('created_at', rso_manager.persistence.types.TZDateTime(), nullable=False),
    sa.Column('updated_at', rso_manager.persistence.types.TZDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['app_user.id'], name=op.f('fk_vehicle_created_by_id_app_user')),
    sa.ForeignKeyConstraint(['offender_id'], ['offender.id'], name=op.f('fk_vehicle_offender_id_offender')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['app_user.id'], name=op.f('fk_vehicle_updated_by_id_app_user')),
    sa.ForeignKeyConstraint(['voided_by_id'], ['app_user.id'], name=op.f('fk_vehicle_voided_by_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vehicle'))
    )
    with op.batch_alter_table('vehicle', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vehicle_offender_id'), ['offender_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_vehicle_registration'), ['registration'], unique=False)

    with op.batch_alter_table('case_note', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source_evaluation', sa.String(length=4), nullable=True))
        batch_op.add_column(sa.Column('intelligence_assessment', sa.String(length=4), nullable=True))
        batch_op.add_column(sa.Column('handling_code', sa.String(length=4), nullable=True))

    with op.batch_alter_table('relationship', schema=None) as batch_op:
        batch_op.add_column(sa.Column('linked_offender_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_relationship_linked_offender_id'), ['linked_offender_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_relationship_linked_offender_id_offender'), 'offender', ['linked_offender_id'], ['id'])



def downgrade() -> None:
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_event_user")
        batch_op.drop_index("ix_audit_event_occurred_at")
    with op.batch_alter_table('relationship', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_relationship_linked_offender_id_offender'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_relationship_linked_offender_id'))
        batch_op.drop_column('linked_offender_id')

    with op.batch_alter_table('case_note', schema=None) as batch_op:
        batch_op.drop_column('handling_code')
        batch_op.drop_column('intelligence_assessment')
        batch_op.drop_column('source_evaluation')

    with op.batch_alter_table('vehicle', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vehicle_registration'))
        batch_op.drop_index(batch_op.f('ix_vehicle_offender_id'))

    op.drop_table('vehicle')
    with op.batch_alter_table('physical_description', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_physical_description_offender_id'))

    op.drop_table('physical_description')
    with op.batch_alter_table('photograph', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_photograph_offender_id'))

    op.drop_table('photograph')
    with op.batch_alter_table('online_identifier', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_online_identifier_offender_id'))
        batch_op.drop_index(batch_op.f('ix_online_identifier_identifier'))

    op.drop_table('online_identifier')
    with op.batch_alter_table('occupation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_occupation_offender_id'))

    op.drop_table('occupation')
    with op.batch_alter_table('distinguishing_mark', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_distinguishing_mark_offender_id'))

    op.drop_table('distinguishing_mark')
