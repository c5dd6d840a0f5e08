"""bonuses, referrals and happy hours

Programmes get their bonus and happy-hour settings (off by default), users a birthday, cards
an invitation code and the time of their first staff-confirmed visit, ledger rows the extra a
happy hour added. Existing cards get a code, and a first visit when their ledger has one, so
that customers who came before no welcome bonus is paid to when it is switched on.

Revision ID: b7e3a91c4d52
Revises: b7e4a2c91d5f
Create Date: 2026-12-01 11:55:53.248287
"""

from collections.abc import Sequence

import secrets

import sqlalchemy as sa
from alembic import op

import domain.db.types


revision: str = 'b7e3a91c4d52'
down_revision: str | None = 'b7e4a2c91d5f'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('bonus_awards',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('merchant_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.BigInteger(), nullable=False),
    sa.Column('occasion', sa.String(length=40), nullable=False),
    sa.Column('card_id', sa.Integer(), nullable=False),
    sa.Column('created_at', domain.db.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['card_id'], ['cards.id'], name=op.f('fk_bonus_awards_card_id_cards')),
    sa.ForeignKeyConstraint(['customer_id'], ['users.id'], name=op.f('fk_bonus_awards_customer_id_users')),
    sa.ForeignKeyConstraint(['merchant_id'], ['merchants.id'], name=op.f('fk_bonus_awards_merchant_id_merchants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bonus_awards')),
    sa.UniqueConstraint('merchant_id', 'customer_id', 'occasion', name='uq_bonus_awards_customer_occasion')
    )
    op.create_table('referrals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('merchant_id', sa.Integer(), nullable=False),
    sa.Column('referrer_customer_id', sa.BigInteger(), nullable=False),
    sa.Column('referrer_card_id', sa.Integer(), nullable=False),
    sa.Column('referred_customer_id', sa.BigInteger(), nullable=False),
    sa.Column('referred_card_id', sa.Integer(), nullable=False),
    sa.Column('created_at', domain.db.types.UTCDateTime(), nullable=False),
    sa.Column('converted_at', domain.db.types.UTCDateTime(), nullable=True),
    sa.Column('referrer_entry_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('referred_entry_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.ForeignKeyConstraint(['merchant_id'], ['merchants.id'], name=op.f('fk_referrals_merchant_id_merchants')),
    sa.ForeignKeyConstraint(['referred_card_id'], ['cards.id'], name=op.f('fk_referrals_referred_card_id_cards')),
    sa.ForeignKeyConstraint(['referred_customer_id'], ['users.id'], name=op.f('fk_referrals_referred_customer_id_users')),
    sa.ForeignKeyConstraint(['referred_entry_id'], ['ledger_entries.id'], name=op.f('fk_referrals_referred_entry_id_ledger_entries')),
    sa.ForeignKeyConstraint(['referrer_card_id'], ['cards.id'], name=op.f('fk_referrals_referrer_card_id_cards')),
    sa.ForeignKeyConstraint(['referrer_customer_id'], ['users.id'], name=op.f('fk_referrals_referrer_customer_id_users')),
    sa.ForeignKeyConstraint(['referrer_entry_id'], ['ledger_entries.id'], name=op.f('fk_referrals_referrer_entry_id_ledger_entries')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referrals')),
    sa.UniqueConstraint('merchant_id', 'referred_customer_id', name='uq_referrals_merchant_referred')
    )
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.create_index('ix_referrals_merchant_converted', ['merchant_id', 'converted_at'], unique=False)
        batch_op.create_index('ix_referrals_referrer_converted', ['merchant_id', 'referrer_customer_id', 'converted_at'], unique=False)

    with op.batch_alter_table('cards', schema=None) as batch_op:
        batch_op.add_column(sa.Column('referral_code', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('first_visit_at', domain.db.types.UTCDateTime(), nullable=True))
        batch_op.create_index('uq_cards_referral_code', ['referral_code'], unique=True)

    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('happy_hour_extra', sa.Integer(), server_default=sa.text('0'), nullable=False))

    with op.batch_alter_table('programs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('welcome_bonus', sa.Integer(), server_default=sa.text('0'), nullable=False))
        batch_op.add_column(sa.Column('birthday_bonus', sa.Integer(), server_default=sa.text('0'), nullable=False))
        batch_op.add_column(sa.Column('referral_bonus', sa.Integer(), server_default=sa.text('0'), nullable=False))
        batch_op.add_column(sa.Column('referral_cap', sa.Integer(), server_default=sa.text('10'), nullable=False))
        batch_op.add_column(sa.Column('happy_hour', sa.String(length=200), nullable=True))
        for column, high in (
            ('welcome_bonus', 10000), ('birthday_bonus', 10000), ('referral_bonus', 10000),
            ('referral_cap', 100),
        ):
            batch_op.create_check_constraint(
                op.f(f'ck_programs_{column}_range'),
                f'{column} BETWEEN 0 AND {high}',
            )

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('birth_day', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('birth_month', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('birthday_set_at', domain.db.types.UTCDateTime(), nullable=True))
        batch_op.create_index('ix_users_birthday', ['birth_month', 'birth_day'], unique=False)

    _backfill_cards()


def _backfill_cards() -> None:
    """Every card gets its invitation code; a card with a staff-confirmed earning has had its
    first visit."""
    bind = op.get_bind()
    cards = sa.table('cards', sa.column('id', sa.Integer()), sa.column('referral_code', sa.String()))
    for (card_id,) in bind.execute(sa.select(cards.c.id)).all():
        bind.execute(
            cards.update().where(cards.c.id == card_id).values(referral_code=secrets.token_urlsafe(9))
        )
    op.execute(
        "UPDATE cards SET first_visit_at = (SELECT MIN(e.created_at) FROM ledger_entries e"
        " WHERE e.card_id = cards.id AND e.staff_user_id IS NOT NULL"
        " AND e.kind IN ('stamp', 'earn_points'))"
    )


def downgrade() -> None:
    # Plain ALTER TABLE … DROP COLUMN (SQLite 3.35+ and PostgreSQL): a batch copy of users,
    # cards or ledger_entries would drop a table other rows refer to. The new tables go first.
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.drop_index('ix_referrals_referrer_converted')
        batch_op.drop_index('ix_referrals_merchant_converted')
    op.drop_table('referrals')
    op.drop_table('bonus_awards')

    op.drop_index('ix_users_birthday', table_name='users')
    for column in ('birthday_set_at', 'birth_month', 'birth_day'):
        op.drop_column('users', column)

    # Nothing refers to programs: its check constraints go with a batch copy.
    with op.batch_alter_table('programs', schema=None) as batch_op:
        for name in ('welcome_bonus_range', 'birthday_bonus_range', 'referral_bonus_range', 'referral_cap_range'):
            batch_op.drop_constraint(op.f(f'ck_programs_{name}'), type_='check')
        for column in ('happy_hour', 'referral_cap', 'referral_bonus', 'birthday_bonus', 'welcome_bonus'):
            batch_op.drop_column(column)

    op.drop_column('ledger_entries', 'happy_hour_extra')

    op.drop_index('uq_cards_referral_code', table_name='cards')
    op.drop_column('cards', 'first_visit_at')
    op.drop_column('cards', 'referral_code')
