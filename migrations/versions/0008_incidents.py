"""incidents with their aangifte and joint evaluation, follow-up actions, missing reports

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 16:30:28.251190

Only new tables: nothing existing is altered. Enums are stored as strings (native_enum=False),
as everywhere else, so the migration is the same on SQLite and PostgreSQL. Notifications of
the evaluation reminder and the terugmelding use the existing ``notifications`` table.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('incidents',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('setting', sa.Enum('klinisch', 'ambulant', name='setting', native_enum=False, length=10), nullable=False),
    sa.Column('location', sa.String(length=200), nullable=True),
    sa.Column('situation', sa.Enum('acuut', 'planbaar', 'strafbaar_feit', name='situation', native_enum=False, length=20), nullable=False),
    sa.Column('police_called', sa.Enum('112', 'wijkagent', '0900-8844', 'niet', name='policecalled', native_enum=False, length=12), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('injuries', sa.Text(), nullable=True),
    sa.Column('police_reference', sa.String(length=40), nullable=True),
    sa.Column('flow_id', sa.String(length=60), nullable=True),
    sa.Column('step_id', sa.String(length=60), nullable=True),
    sa.Column('reported_by_id', sa.Integer(), nullable=False),
    sa.Column('written_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('aangifte_status', sa.Enum('te_doen', 'gedaan', 'niet_gedaan', name='aangiftestatus', native_enum=False, length=12), nullable=True),
    sa.Column('aangifte_reason', sa.Text(), nullable=True),
    sa.Column('aangifte_domicilie', sa.Boolean(), nullable=False),
    sa.Column('aangifte_reference', sa.String(length=40), nullable=True),
    sa.Column('aangifte_updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('police_user_id', sa.Integer(), nullable=True),
    sa.Column('invited_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('ggz_answers', sa.JSON(), nullable=True),
    sa.Column('ggz_done_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ggz_done_by_id', sa.Integer(), nullable=True),
    sa.Column('police_answers', sa.JSON(), nullable=True),
    sa.Column('police_done_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('police_done_by_id', sa.Integer(), nullable=True),
    sa.Column('reminded_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_incidents_client_id_clients'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['ggz_done_by_id'], ['users.id'], name=op.f('fk_incidents_ggz_done_by_id_users')),
    sa.ForeignKeyConstraint(['invited_by_id'], ['users.id'], name=op.f('fk_incidents_invited_by_id_users')),
    sa.ForeignKeyConstraint(['police_done_by_id'], ['users.id'], name=op.f('fk_incidents_police_done_by_id_users')),
    sa.ForeignKeyConstraint(['police_user_id'], ['users.id'], name=op.f('fk_incidents_police_user_id_users')),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_incidents_region_id_regions')),
    sa.ForeignKeyConstraint(['reported_by_id'], ['users.id'], name=op.f('fk_incidents_reported_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_incidents'))
    )
    with op.batch_alter_table('incidents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_incidents_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_incidents_police_user_id'), ['police_user_id'], unique=False)
        batch_op.create_index('ix_incidents_region_occurred', ['region_id', 'occurred_at'], unique=False)

    op.create_table('missing_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('reported_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('police_reference', sa.String(length=40), nullable=True),
    sa.Column('told_whom', sa.String(length=160), nullable=False),
    sa.Column('police_user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('returned_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('returned_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_missing_reports_client_id_clients'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_missing_reports_created_by_id_users')),
    sa.ForeignKeyConstraint(['police_user_id'], ['users.id'], name=op.f('fk_missing_reports_police_user_id_users')),
    sa.ForeignKeyConstraint(['returned_by_id'], ['users.id'], name=op.f('fk_missing_reports_returned_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_missing_reports'))
    )
    with op.batch_alter_table('missing_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_missing_reports_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_missing_reports_police_user_id'), ['police_user_id'], unique=False)

    op.create_table('incident_actions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.String(length=36), nullable=False),
    sa.Column('action_key', sa.String(length=10), nullable=False),
    sa.Column('text', sa.String(length=300), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('status', sa.Enum('open', 'gedaan', name='actionstatus', native_enum=False, length=10), nullable=False),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('done_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_incident_actions_created_by_id_users')),
    sa.ForeignKeyConstraint(['done_by_id'], ['users.id'], name=op.f('fk_incident_actions_done_by_id_users')),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name=op.f('fk_incident_actions_incident_id_incidents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_incident_actions_owner_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_incident_actions'))
    )
    with op.batch_alter_table('incident_actions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_incident_actions_incident_id'), ['incident_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_incident_actions_owner_id'), ['owner_id'], unique=False)



def downgrade():
    with op.batch_alter_table('incident_actions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_incident_actions_owner_id'))
        batch_op.drop_index(batch_op.f('ix_incident_actions_incident_id'))

    op.drop_table('incident_actions')
    with op.batch_alter_table('missing_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_missing_reports_police_user_id'))
        batch_op.drop_index(batch_op.f('ix_missing_reports_client_id'))

    op.drop_table('missing_reports')
    with op.batch_alter_table('incidents', schema=None) as batch_op:
        batch_op.drop_index('ix_incidents_region_occurred')
        batch_op.drop_index(batch_op.f('ix_incidents_police_user_id'))
        batch_op.drop_index(batch_op.f('ix_incidents_client_id'))

    op.drop_table('incidents')
