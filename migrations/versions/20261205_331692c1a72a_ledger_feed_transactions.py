"""ledger feed: each ledger row keeps its writing transaction's id (PostgreSQL), so the API's
operations feed pages in the order rows became final and never skips one committed late

Revision ID: 331692c1a72a
Revises: 8e2f5b7c1a94
Create Date: 2026-12-05 12:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '331692c1a72a'
down_revision: str | None = '8e2f5b7c1a94'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A constant default first: PostgreSQL adds the column without rewriting the table, and the
    # rows written so far (all final) read as transaction 0, before every later one, by id.
    op.add_column(
        'ledger_entries',
        sa.Column('transaction_id', sa.BigInteger(), server_default=sa.text('0'), nullable=False),
    )
    if op.get_bind().dialect.name == 'postgresql':
        # From now on each row says which transaction wrote it (xid8: 64 bits, never wraps).
        op.alter_column(
            'ledger_entries',
            'transaction_id',
            server_default=sa.text('(pg_current_xact_id()::text)::bigint'),
        )
    op.create_index(
        'ix_ledger_entries_merchant_feed',
        'ledger_entries',
        ['merchant_id', 'transaction_id', 'id'],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index('ix_ledger_entries_merchant_feed', table_name='ledger_entries')
    with op.batch_alter_table('ledger_entries') as batch:
        batch.drop_column('transaction_id')
