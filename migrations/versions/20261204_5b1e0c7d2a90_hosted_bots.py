"""hosted bots: every café its own bot; inbox, steps and the message budget per bot

Existing rows belong to the platform bot (bot id 0).

Revision ID: 5b1e0c7d2a90
Revises: a7c3e5f19d42
Create Date: 2026-12-04 19:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import domain.db.types

revision: str = '5b1e0c7d2a90'
down_revision: str | None = 'a7c3e5f19d42'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'hosted_bots',
        sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('merchant_id', sa.Integer(), nullable=False),
        sa.Column('username', sa.String(length=64), nullable=False),
        sa.Column('name', sa.String(length=64), nullable=False),
        sa.Column('token', sa.Text(), nullable=False),
        sa.Column('state', sa.String(length=12), nullable=False),
        sa.Column('version', sa.Integer(), server_default=sa.text('1'), nullable=False),
        sa.Column('created_at', domain.db.types.UTCDateTime(), nullable=False),
        sa.Column('updated_at', domain.db.types.UTCDateTime(), nullable=False),
        sa.Column('webhook_url', sa.String(length=400), nullable=True),
        sa.Column('profile_set_at', domain.db.types.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['merchant_id'], ['merchants.id'], name=op.f('fk_hosted_bots_merchant_id_merchants')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_hosted_bots')),
        sa.UniqueConstraint('merchant_id', name=op.f('uq_hosted_bots_merchant_id')),
    )
    op.create_table(
        'bot_users',
        sa.Column('bot_id', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('user_id', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('started_at', domain.db.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('bot_id', 'user_id', name=op.f('pk_bot_users')),
    )
    with op.batch_alter_table('inbound_updates', recreate='always') as batch_op:
        batch_op.add_column(sa.Column('bot_id', sa.BigInteger(), server_default=sa.text('0'), nullable=False))
        batch_op.drop_index('ix_inbound_updates_pending')
        batch_op.drop_constraint('pk_inbound_updates', type_='primary')
        batch_op.create_primary_key('pk_inbound_updates', ['bot_id', 'update_id'])
        batch_op.create_index('ix_inbound_updates_pending', ['processed_at', 'bot_id', 'update_id'], unique=False)
    with op.batch_alter_table('pending_steps') as batch_op:
        batch_op.add_column(sa.Column('bot_id', sa.BigInteger(), server_default=sa.text('0'), nullable=False))
        batch_op.drop_index('ix_pending_steps_chat')
        batch_op.create_index('ix_pending_steps_chat', ['bot_id', 'chat_id', 'id'], unique=False)
    with op.batch_alter_table('message_grants') as batch_op:
        batch_op.add_column(sa.Column('bot_id', sa.BigInteger(), server_default=sa.text('0'), nullable=False))
        batch_op.drop_index('ix_message_grants_granted_at')
        batch_op.create_index('ix_message_grants_bot', ['bot_id', 'granted_at'], unique=False)
    with op.batch_alter_table('send_pause') as batch_op:
        batch_op.alter_column('id', existing_type=sa.Integer(), type_=sa.BigInteger(), existing_nullable=False)
    # The platform bot's pause kept its old row id 1: it is bot 0 now.
    op.execute("UPDATE send_pause SET id = 0 WHERE id = 1")


def downgrade() -> None:
    op.execute("DELETE FROM send_pause WHERE id <> 0")
    op.execute("UPDATE send_pause SET id = 1 WHERE id = 0")
    with op.batch_alter_table('send_pause') as batch_op:
        batch_op.alter_column('id', existing_type=sa.BigInteger(), type_=sa.Integer(), existing_nullable=False)
    op.execute("DELETE FROM message_grants WHERE bot_id <> 0")
    with op.batch_alter_table('message_grants') as batch_op:
        batch_op.drop_index('ix_message_grants_bot')
        batch_op.create_index('ix_message_grants_granted_at', ['granted_at'], unique=False)
        batch_op.drop_column('bot_id')
    op.execute("DELETE FROM pending_steps WHERE bot_id <> 0")
    with op.batch_alter_table('pending_steps') as batch_op:
        batch_op.drop_index('ix_pending_steps_chat')
        batch_op.create_index('ix_pending_steps_chat', ['chat_id', 'id'], unique=False)
        batch_op.drop_column('bot_id')
    op.execute("DELETE FROM inbound_updates WHERE bot_id <> 0")
    with op.batch_alter_table('inbound_updates', recreate='always') as batch_op:
        batch_op.drop_index('ix_inbound_updates_pending')
        batch_op.drop_constraint('pk_inbound_updates', type_='primary')
        batch_op.create_primary_key('pk_inbound_updates', ['update_id'])
        batch_op.drop_column('bot_id')
        batch_op.create_index('ix_inbound_updates_pending', ['processed_at', 'update_id'], unique=False)
    op.drop_table('bot_users')
    op.drop_table('hosted_bots')
