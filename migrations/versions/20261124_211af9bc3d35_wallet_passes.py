"""wallet passes

Revision ID: 211af9bc3d35
Revises: f18a4f59ee8e
Create Date: 2026-11-24 00:05:21.308769
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import domain.db.types


revision: str = '211af9bc3d35'
down_revision: str | None = 'f18a4f59ee8e'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('wallet_registrations',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('device_library_identifier', sa.String(length=128), nullable=False),
    sa.Column('push_token', sa.String(length=256), nullable=False),
    sa.Column('pass_type_identifier', sa.String(length=255), nullable=False),
    sa.Column('serial_number', sa.String(length=64), nullable=False),
    sa.Column('created_at', domain.db.types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wallet_registrations')),
    sa.UniqueConstraint('device_library_identifier', 'pass_type_identifier', 'serial_number', name='uq_wallet_registrations_device_pass')
    )
    with op.batch_alter_table('wallet_registrations', schema=None) as batch_op:
        batch_op.create_index('ix_wallet_registrations_pass', ['pass_type_identifier', 'serial_number'], unique=False)

    op.create_table('wallet_passes',
    sa.Column('card_id', sa.Integer(), nullable=False),
    sa.Column('updated_at', domain.db.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['card_id'], ['cards.id'], name=op.f('fk_wallet_passes_card_id_cards')),
    sa.PrimaryKeyConstraint('card_id', name=op.f('pk_wallet_passes'))
    )


def downgrade() -> None:
    op.drop_table('wallet_passes')
    with op.batch_alter_table('wallet_registrations', schema=None) as batch_op:
        batch_op.drop_index('ix_wallet_registrations_pass')

    op.drop_table('wallet_registrations')
