"""offers, consent and win-back: two program settings, the lapse markers of cards, customers'
consent per merchant, offers and their recipients

Existing programmes get the defaults (win-back after 30 days, one offer a day); nobody has
opted in to offers, so nobody receives one until they say yes.

Revision ID: a7c3e5f19d42
Revises: b7e3a91c4d52
Create Date: 2026-12-01 12:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import domain.db.types


revision: str = 'a7c3e5f19d42'
down_revision: str | None = 'b7e3a91c4d52'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('programs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('winback_days', sa.Integer(), server_default=sa.text('30'), nullable=False))
        batch_op.add_column(sa.Column('offers_per_day', sa.Integer(), server_default=sa.text('1'), nullable=False))
        batch_op.create_check_constraint('winback_days_range', 'winback_days BETWEEN 0 AND 365')
        batch_op.create_check_constraint('offers_per_day_range', 'offers_per_day BETWEEN 0 AND 3')

    with op.batch_alter_table('cards', schema=None) as batch_op:
        batch_op.add_column(sa.Column('winback_sent_at', domain.db.types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('almost_sent_at', domain.db.types.UTCDateTime(), nullable=True))

    op.create_table('offer_consents',
    sa.Column('merchant_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.BigInteger(), nullable=False),
    sa.Column('offers', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('nudges', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('asked_at', domain.db.types.UTCDateTime(), nullable=True),
    sa.Column('changed_at', domain.db.types.UTCDateTime(), nullable=False),
    sa.Column('offers_off_at', domain.db.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['customer_id'], ['users.id'], name=op.f('fk_offer_consents_customer_id_users')),
    sa.ForeignKeyConstraint(['merchant_id'], ['merchants.id'], name=op.f('fk_offer_consents_merchant_id_merchants')),
    sa.PrimaryKeyConstraint('merchant_id', 'customer_id', name=op.f('pk_offer_consents'))
    )
    op.create_table('offers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('merchant_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.String(length=1000), nullable=False),
    sa.Column('photo_file_id', sa.String(length=255), nullable=True),
    sa.Column('audience', sa.String(length=8), nullable=True),
    sa.Column('audience_arg', sa.Integer(), nullable=True),
    sa.Column('created_at', domain.db.types.UTCDateTime(), nullable=False),
    sa.Column('sent_at', domain.db.types.UTCDateTime(), nullable=True),
    sa.Column('local_day', sa.Date(), nullable=True),
    sa.Column('expanded_until', sa.BigInteger(), nullable=True),
    sa.Column('expanded_at', domain.db.types.UTCDateTime(), nullable=True),
    sa.Column('finished_at', domain.db.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['merchant_id'], ['merchants.id'], name=op.f('fk_offers_merchant_id_merchants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_offers'))
    )
    with op.batch_alter_table('offers', schema=None) as batch_op:
        batch_op.create_index('ix_offers_merchant_day', ['merchant_id', 'local_day'], unique=False)

    op.create_table('offer_recipients',
    sa.Column('offer_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.BigInteger(), nullable=False),
    sa.Column('attempted_at', domain.db.types.UTCDateTime(), nullable=True),
    sa.Column('finished_at', domain.db.types.UTCDateTime(), nullable=True),
    sa.Column('outcome', sa.String(length=12), nullable=True),
    sa.ForeignKeyConstraint(['customer_id'], ['users.id'], name=op.f('fk_offer_recipients_customer_id_users')),
    sa.ForeignKeyConstraint(['offer_id'], ['offers.id'], name=op.f('fk_offer_recipients_offer_id_offers')),
    sa.PrimaryKeyConstraint('offer_id', 'customer_id', name=op.f('pk_offer_recipients'))
    )
    with op.batch_alter_table('offer_recipients', schema=None) as batch_op:
        batch_op.create_index('ix_offer_recipients_pending', ['offer_id'], unique=False, sqlite_where=sa.text('finished_at IS NULL'), postgresql_where=sa.text('finished_at IS NULL'))


def downgrade() -> None:
    with op.batch_alter_table('offer_recipients', schema=None) as batch_op:
        batch_op.drop_index('ix_offer_recipients_pending', sqlite_where=sa.text('finished_at IS NULL'), postgresql_where=sa.text('finished_at IS NULL'))
    op.drop_table('offer_recipients')
    with op.batch_alter_table('offers', schema=None) as batch_op:
        batch_op.drop_index('ix_offers_merchant_day')
    op.drop_table('offers')
    op.drop_table('offer_consents')
    # Plain DROP COLUMN (SQLite 3.35+ and PostgreSQL): a batch copy of cards would drop a
    # table that ledger rows and other tables refer to.
    op.drop_column('cards', 'almost_sent_at')
    op.drop_column('cards', 'winback_sent_at')
    with op.batch_alter_table('programs', schema=None) as batch_op:
        batch_op.drop_constraint('offers_per_day_range', type_='check')
        batch_op.drop_constraint('winback_days_range', type_='check')
        batch_op.drop_column('offers_per_day')
        batch_op.drop_column('winback_days')
