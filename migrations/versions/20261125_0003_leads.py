"""leads: Saler leads, their domains, activities, stage changes, evidence and the assignment rotation

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0003'
down_revision: str | Sequence[str] | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('lead_assignees',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('in_rotation', sa.Boolean(), nullable=False),
    sa.Column('last_assigned_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_lead_assignees_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_lead_assignees'))
    )
    op.create_table('leads',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('company', sa.String(length=200), nullable=False),
    sa.Column('company_key', sa.String(length=200), nullable=False),
    sa.Column('contact_name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=True),
    sa.Column('phone', sa.String(length=32), nullable=True),
    sa.Column('telegram', sa.String(length=64), nullable=True),
    sa.Column('website', sa.String(length=500), nullable=True),
    sa.Column('source', sa.Enum('analysis', 'pricing_form', 'bot', 'import', 'api', 'manual', name='leadsource', native_enum=False, length=32), nullable=False),
    sa.Column('stage', sa.String(length=32), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('tags', sa.JSON(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('next_follow_up_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reminded_for', sa.DateTime(timezone=True), nullable=True),
    sa.Column('lost_reason', sa.String(length=500), nullable=True),
    sa.Column('seen_count', sa.Integer(), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('undisclosed_count', sa.Integer(), nullable=False),
    sa.Column('inbound_count', sa.Integer(), nullable=False),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.Column('merged_into_id', sa.Integer(), nullable=True),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['merged_into_id'], ['leads.id'], name=op.f('fk_leads_merged_into_id_leads'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_leads_owner_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_leads'))
    )
    with op.batch_alter_table('leads', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_leads_company_key'), ['company_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_leads_deleted_at'), ['deleted_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_leads_email'), ['email'], unique=False)
        batch_op.create_index(batch_op.f('ix_leads_next_follow_up_at'), ['next_follow_up_at'], unique=False)
        batch_op.create_index('ix_leads_owner_stage', ['owner_id', 'stage'], unique=False)
        batch_op.create_index(batch_op.f('ix_leads_score'), ['score'], unique=False)
        batch_op.create_index(batch_op.f('ix_leads_source'), ['source'], unique=False)
        batch_op.create_index('ix_leads_stage_created', ['stage', 'created_at'], unique=False)

    op.create_table('lead_activities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lead_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('note', 'call', 'email', 'meeting', 'system', name='activitykind', native_enum=False, length=32), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_lead_activities_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['lead_id'], ['leads.id'], name=op.f('fk_lead_activities_lead_id_leads'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lead_activities'))
    )
    with op.batch_alter_table('lead_activities', schema=None) as batch_op:
        batch_op.create_index('ix_lead_activities_lead_time', ['lead_id', 'occurred_at'], unique=False)

    op.create_table('lead_analyses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lead_id', sa.Integer(), nullable=False),
    sa.Column('analysis_id', sa.String(length=32), nullable=False),
    sa.Column('segments', sa.JSON(), nullable=False),
    sa.Column('undisclosed_count', sa.Integer(), nullable=False),
    sa.Column('seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['analysis_id'], ['analyses.id'], name=op.f('fk_lead_analyses_analysis_id_analyses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['lead_id'], ['leads.id'], name=op.f('fk_lead_analyses_lead_id_leads'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lead_analyses')),
    sa.UniqueConstraint('lead_id', 'analysis_id', name=op.f('uq_lead_analyses_lead_id'))
    )
    with op.batch_alter_table('lead_analyses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lead_analyses_analysis_id'), ['analysis_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_lead_analyses_lead_id'), ['lead_id'], unique=False)

    op.create_table('lead_domains',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lead_id', sa.Integer(), nullable=False),
    sa.Column('domain', sa.String(length=253), nullable=False),
    sa.ForeignKeyConstraint(['lead_id'], ['leads.id'], name=op.f('fk_lead_domains_lead_id_leads'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lead_domains')),
    sa.UniqueConstraint('lead_id', 'domain', name=op.f('uq_lead_domains_lead_id'))
    )
    with op.batch_alter_table('lead_domains', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lead_domains_domain'), ['domain'], unique=False)

    op.create_table('lead_stage_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lead_id', sa.Integer(), nullable=False),
    sa.Column('from_stage', sa.String(length=32), nullable=True),
    sa.Column('to_stage', sa.String(length=32), nullable=False),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['changed_by_id'], ['users.id'], name=op.f('fk_lead_stage_changes_changed_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['lead_id'], ['leads.id'], name=op.f('fk_lead_stage_changes_lead_id_leads'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lead_stage_changes'))
    )
    with op.batch_alter_table('lead_stage_changes', schema=None) as batch_op:
        batch_op.create_index('ix_lead_stage_changes_lead_time', ['lead_id', 'changed_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_lead_stage_changes_to_stage'), ['to_stage'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('lead_stage_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lead_stage_changes_to_stage'))
        batch_op.drop_index('ix_lead_stage_changes_lead_time')

    op.drop_table('lead_stage_changes')
    with op.batch_alter_table('lead_domains', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lead_domains_domain'))

    op.drop_table('lead_domains')
    with op.batch_alter_table('lead_analyses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lead_analyses_lead_id'))
        batch_op.drop_index(batch_op.f('ix_lead_analyses_analysis_id'))

    op.drop_table('lead_analyses')
    with op.batch_alter_table('lead_activities', schema=None) as batch_op:
        batch_op.drop_index('ix_lead_activities_lead_time')

    op.drop_table('lead_activities')
    with op.batch_alter_table('leads', schema=None) as batch_op:
        batch_op.drop_index('ix_leads_stage_created')
        batch_op.drop_index(batch_op.f('ix_leads_source'))
        batch_op.drop_index(batch_op.f('ix_leads_score'))
        batch_op.drop_index('ix_leads_owner_stage')
        batch_op.drop_index(batch_op.f('ix_leads_next_follow_up_at'))
        batch_op.drop_index(batch_op.f('ix_leads_email'))
        batch_op.drop_index(batch_op.f('ix_leads_deleted_at'))
        batch_op.drop_index(batch_op.f('ix_leads_company_key'))

    op.drop_table('leads')
    op.drop_table('lead_assignees')
