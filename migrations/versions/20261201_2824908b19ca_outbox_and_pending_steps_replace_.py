"""outbox and pending steps replace customer notices

Revision ID: 2824908b19ca
Revises: dd83ab19b24e
Create Date: 2026-12-01 08:49:44.505168
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import domain.db.types


revision: str = '2824908b19ca'
down_revision: str | None = 'dd83ab19b24e'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('outbox',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('key', sa.String(length=96), nullable=False),
    sa.Column('recipient_id', sa.BigInteger(), nullable=True),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('created_at', domain.db.types.UTCDateTime(), nullable=False),
    sa.Column('available_at', domain.db.types.UTCDateTime(), nullable=False),
    sa.Column('claimed_until', domain.db.types.UTCDateTime(), nullable=True),
    sa.Column('attempts', sa.Integer(), server_default=sa.text('0'), nullable=False),
    sa.Column('done_at', domain.db.types.UTCDateTime(), nullable=True),
    sa.Column('outcome', sa.String(length=16), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox')),
    sa.UniqueConstraint('key', name=op.f('uq_outbox_key'))
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_due', ['available_at', 'id'], unique=False, sqlite_where=sa.text('done_at IS NULL'), postgresql_where=sa.text('done_at IS NULL'))
        batch_op.create_index('ix_outbox_recipient_pending', ['recipient_id', 'id'], unique=False, sqlite_where=sa.text('done_at IS NULL'), postgresql_where=sa.text('done_at IS NULL'))

    op.create_table('pending_steps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('chat_id', sa.BigInteger(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('subject_id', sa.BigInteger(), nullable=True),
    sa.Column('payload', sa.String(length=256), nullable=True),
    sa.Column('prompt_ids', sa.String(length=200), server_default=sa.text("('')"), nullable=False),
    sa.Column('created_at', domain.db.types.UTCDateTime(), nullable=False),
    sa.Column('expires_at', domain.db.types.UTCDateTime(), nullable=False),
    sa.Column('closed_at', domain.db.types.UTCDateTime(), nullable=True),
    sa.Column('closed_as', sa.String(length=12), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pending_steps'))
    )
    with op.batch_alter_table('pending_steps', schema=None) as batch_op:
        batch_op.create_index('ix_pending_steps_chat', ['chat_id', 'id'], unique=False)

    op.drop_table('customer_notices')


def downgrade() -> None:
    op.create_table('customer_notices',
    sa.Column('entry_id', sa.INTEGER(), nullable=False),
    sa.Column('sent_at', sa.DATETIME(), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['ledger_entries.id'], name=op.f('fk_customer_notices_entry_id_ledger_entries')),
    sa.PrimaryKeyConstraint('entry_id', name=op.f('pk_customer_notices'))
    )
    with op.batch_alter_table('pending_steps', schema=None) as batch_op:
        batch_op.drop_index('ix_pending_steps_chat')

    op.drop_table('pending_steps')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_recipient_pending', sqlite_where=sa.text('done_at IS NULL'), postgresql_where=sa.text('done_at IS NULL'))
        batch_op.drop_index('ix_outbox_due', sqlite_where=sa.text('done_at IS NULL'), postgresql_where=sa.text('done_at IS NULL'))

    op.drop_table('outbox')
