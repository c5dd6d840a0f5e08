"""summary deliveries and card creation index

Revision ID: 2283489b6d2c
Revises: 762c7e09a8c9
Create Date: 2026-11-23 23:41:04.887790
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import domain.db.types


revision: str = '2283489b6d2c'
down_revision: str | None = '762c7e09a8c9'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('summary_deliveries',
    sa.Column('merchant_id', sa.Integer(), nullable=False),
    sa.Column('local_day', sa.Date(), nullable=False),
    sa.Column('claimed_at', domain.db.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['merchant_id'], ['merchants.id'], name=op.f('fk_summary_deliveries_merchant_id_merchants')),
    sa.PrimaryKeyConstraint('merchant_id', 'local_day', name=op.f('pk_summary_deliveries'))
    )
    with op.batch_alter_table('cards', schema=None) as batch_op:
        batch_op.create_index('ix_cards_merchant_created', ['merchant_id', 'created_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('cards', schema=None) as batch_op:
        batch_op.drop_index('ix_cards_merchant_created')

    op.drop_table('summary_deliveries')
