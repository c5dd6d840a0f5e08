"""message grants and send pause: one message budget for all workers

Used on PostgreSQL only (infra/send_budget.py); SQLite gets the tables too so that both
engines share one schema and one history.

Revision ID: ce91b7c99cf9
Revises: 2824908b19ca
Create Date: 2026-12-01 09:28:41.350432
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import domain.db.types


revision: str = 'ce91b7c99cf9'
down_revision: str | None = '2824908b19ca'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('message_grants',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('granted_at', domain.db.types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_message_grants'))
    )
    with op.batch_alter_table('message_grants', schema=None) as batch_op:
        batch_op.create_index('ix_message_grants_granted_at', ['granted_at'], unique=False)

    op.create_table('send_pause',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('until', domain.db.types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_send_pause'))
    )


def downgrade() -> None:
    op.drop_table('send_pause')
    with op.batch_alter_table('message_grants', schema=None) as batch_op:
        batch_op.drop_index('ix_message_grants_granted_at')
    op.drop_table('message_grants')
