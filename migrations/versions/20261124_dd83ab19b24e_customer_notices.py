"""customer notices

Revision ID: dd83ab19b24e
Revises: 211af9bc3d35
Create Date: 2026-11-24 00:32:17.074435
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import domain.db.types


revision: str = 'dd83ab19b24e'
down_revision: str | None = '211af9bc3d35'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('customer_notices',
    sa.Column('entry_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=False, nullable=False),
    sa.Column('sent_at', domain.db.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['ledger_entries.id'], name=op.f('fk_customer_notices_entry_id_ledger_entries')),
    sa.PrimaryKeyConstraint('entry_id', name=op.f('pk_customer_notices'))
    )


def downgrade() -> None:
    op.drop_table('customer_notices')
