"""the Insights page reads a merchant's members from one index: ix_cards_merchant_customer
(merchant_id, customer_id) becomes ix_cards_merchant_members, the same two columns followed by
those the page's reads of cards ask for (active, first_visit_at, last_activity_at,
stamp_count, points_balance, winback_sent_at)

Those reads (new customers, lapsed members, cards with a reward ready, win-back messages)
visited every card of the café in the table, whose pages are shared with other merchants'
cards: on SQLite the page grew with the database (1.33 times slower at 1M ledger rows, issue
21). From the index alone they cost the same whatever else the database holds. The new index
still serves every look-up by merchant and customer the old one served. The downgrade puts the
old index back.

Revision ID: 317b04a25f73
Revises: d5a1c8e3f720
Create Date: 2026-12-06 23:50:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = '317b04a25f73'
down_revision: str | None = 'd5a1c8e3f720'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MEMBERS_COLUMNS = [
    'merchant_id',
    'customer_id',
    'active',
    'first_visit_at',
    'last_activity_at',
    'stamp_count',
    'points_balance',
    'winback_sent_at',
]


def upgrade() -> None:
    # The new index first: a look-up by merchant and customer always has one to use.
    op.create_index('ix_cards_merchant_members', 'cards', MEMBERS_COLUMNS, unique=False)
    op.drop_index('ix_cards_merchant_customer', table_name='cards')


def downgrade() -> None:
    op.create_index(
        'ix_cards_merchant_customer', 'cards', ['merchant_id', 'customer_id'], unique=False
    )
    op.drop_index('ix_cards_merchant_members', table_name='cards')
