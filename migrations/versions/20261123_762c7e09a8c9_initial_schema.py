"""initial schema

Revision ID: 762c7e09a8c9
Revises: 
Create Date: 2026-11-23 23:08:00.307285
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import domain.db.types


revision: str = '762c7e09a8c9'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('processed_updates',
    sa.Column('update_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('processed_at', domain.db.types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('update_id', name=op.f('pk_processed_updates'))
    )
    with op.batch_alter_table('processed_updates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_processed_updates_processed_at'), ['processed_at'], unique=False)

    op.create_table('users',
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('first_name', sa.String(length=255), nullable=True),
    sa.Column('username', sa.String(length=64), nullable=True),
    sa.Column('telegram_language', sa.String(length=35), nullable=True),
    sa.Column('language', sa.String(length=2), nullable=True),
    sa.Column('reachable', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('created_at', domain.db.types.UTCDateTime(), nullable=False),
    sa.Column('erased_at', domain.db.types.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users'))
    )
    op.create_table('merchants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('owner_user_id', sa.BigInteger(), nullable=False),
    sa.Column('created_at', domain.db.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['owner_user_id'], ['users.id'], name=op.f('fk_merchants_owner_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_merchants')),
    sa.UniqueConstraint('owner_user_id', name=op.f('uq_merchants_owner_user_id'))
    )
    op.create_table('programs',
    sa.Column('merchant_id', sa.Integer(), nullable=False),
    sa.Column('type', sa.String(length=8), nullable=False),
    sa.Column('stamps_target', sa.Integer(), nullable=False),
    sa.Column('reward', sa.String(length=100), nullable=False),
    sa.Column('cooldown_minutes', sa.Integer(), nullable=False),
    sa.Column('daily_limit', sa.Integer(), nullable=False),
    sa.Column('points_per_euro', domain.db.types.ScaledDecimal(4), nullable=False),
    sa.Column('points_reward', sa.Integer(), nullable=False),
    sa.Column('points_reward_text', sa.String(length=100), nullable=False),
    sa.Column('expiry_days', sa.Integer(), nullable=False),
    sa.Column('cross_location', sa.Boolean(), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('summary_time', sa.String(length=5), nullable=True),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('updated_at', domain.db.types.UTCDateTime(), nullable=False),
    sa.CheckConstraint('cooldown_minutes BETWEEN 0 AND 1440', name=op.f('ck_programs_cooldown_range')),
    sa.CheckConstraint('daily_limit BETWEEN 0 AND 100', name=op.f('ck_programs_daily_limit_range')),
    sa.CheckConstraint('expiry_days BETWEEN 0 AND 3650', name=op.f('ck_programs_expiry_days_range')),
    sa.CheckConstraint('points_reward >= 1', name=op.f('ck_programs_points_reward_positive')),
    sa.CheckConstraint('stamps_target BETWEEN 1 AND 50', name=op.f('ck_programs_stamps_target_range')),
    sa.ForeignKeyConstraint(['merchant_id'], ['merchants.id'], name=op.f('fk_programs_merchant_id_merchants')),
    sa.PrimaryKeyConstraint('merchant_id', name=op.f('pk_programs'))
    )
    op.create_table('stores',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('merchant_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('created_at', domain.db.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['merchant_id'], ['merchants.id'], name=op.f('fk_stores_merchant_id_merchants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stores')),
    sa.UniqueConstraint('code', name=op.f('uq_stores_code')),
    sa.UniqueConstraint('merchant_id', 'name', name='uq_stores_merchant_name')
    )
    with op.batch_alter_table('stores', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stores_merchant_id'), ['merchant_id'], unique=False)

    op.create_table('cards',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=12), nullable=False),
    sa.Column('qr_token', sa.String(length=64), nullable=False),
    sa.Column('customer_id', sa.BigInteger(), nullable=False),
    sa.Column('merchant_id', sa.Integer(), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('stamp_count', sa.Integer(), server_default=sa.text('0'), nullable=False),
    sa.Column('lifetime_stamps', sa.Integer(), server_default=sa.text('0'), nullable=False),
    sa.Column('rewards_redeemed', sa.Integer(), server_default=sa.text('0'), nullable=False),
    sa.Column('points_balance', sa.BigInteger(), server_default=sa.text('0'), nullable=False),
    sa.Column('points_earned', sa.BigInteger(), server_default=sa.text('0'), nullable=False),
    sa.Column('points_redeemed', sa.BigInteger(), server_default=sa.text('0'), nullable=False),
    sa.Column('points_voided', sa.BigInteger(), server_default=sa.text('0'), nullable=False),
    sa.Column('points_expired', sa.BigInteger(), server_default=sa.text('0'), nullable=False),
    sa.Column('last_stamp_at', domain.db.types.UTCDateTime(), nullable=True),
    sa.Column('last_points_at', domain.db.types.UTCDateTime(), nullable=True),
    sa.Column('last_redemption_at', domain.db.types.UTCDateTime(), nullable=True),
    sa.Column('last_activity_at', domain.db.types.UTCDateTime(), nullable=True),
    sa.Column('expiry_reminded_at', domain.db.types.UTCDateTime(), nullable=True),
    sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('merged_into_card_id', sa.Integer(), nullable=True),
    sa.Column('created_at', domain.db.types.UTCDateTime(), nullable=False),
    sa.CheckConstraint('lifetime_stamps >= 0', name=op.f('ck_cards_lifetime_stamps_not_negative')),
    sa.CheckConstraint('points_balance >= 0', name=op.f('ck_cards_points_balance_not_negative')),
    sa.CheckConstraint('rewards_redeemed >= 0', name=op.f('ck_cards_rewards_redeemed_not_negative')),
    sa.CheckConstraint('stamp_count >= 0', name=op.f('ck_cards_stamp_count_not_negative')),
    sa.ForeignKeyConstraint(['customer_id'], ['users.id'], name=op.f('fk_cards_customer_id_users')),
    sa.ForeignKeyConstraint(['merchant_id'], ['merchants.id'], name=op.f('fk_cards_merchant_id_merchants')),
    sa.ForeignKeyConstraint(['merged_into_card_id'], ['cards.id'], name=op.f('fk_cards_merged_into_card_id_cards')),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_cards_store_id_stores')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cards')),
    sa.UniqueConstraint('number', name=op.f('uq_cards_number')),
    sa.UniqueConstraint('qr_token', name=op.f('uq_cards_qr_token'))
    )
    with op.batch_alter_table('cards', schema=None) as batch_op:
        batch_op.create_index('ix_cards_merchant_activity', ['merchant_id', 'last_activity_at'], unique=False)
        batch_op.create_index('ix_cards_merchant_customer', ['merchant_id', 'customer_id'], unique=False)
        batch_op.create_index('uq_cards_one_active_per_customer_store', ['customer_id', 'store_id'], unique=True, sqlite_where=sa.text('active'), postgresql_where=sa.text('active'))

    op.create_table('staff_invites',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('merchant_id', sa.Integer(), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=True),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_by_user_id', sa.BigInteger(), nullable=False),
    sa.Column('created_at', domain.db.types.UTCDateTime(), nullable=False),
    sa.Column('expires_at', domain.db.types.UTCDateTime(), nullable=False),
    sa.Column('used_at', domain.db.types.UTCDateTime(), nullable=True),
    sa.Column('used_by_user_id', sa.BigInteger(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_user_id'], ['users.id'], name=op.f('fk_staff_invites_created_by_user_id_users')),
    sa.ForeignKeyConstraint(['merchant_id'], ['merchants.id'], name=op.f('fk_staff_invites_merchant_id_merchants')),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_staff_invites_store_id_stores')),
    sa.ForeignKeyConstraint(['used_by_user_id'], ['users.id'], name=op.f('fk_staff_invites_used_by_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_invites')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_staff_invites_token_hash'))
    )
    with op.batch_alter_table('staff_invites', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_invites_merchant_id'), ['merchant_id'], unique=False)

    op.create_table('staff_memberships',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.BigInteger(), nullable=False),
    sa.Column('merchant_id', sa.Integer(), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=True),
    sa.Column('role', sa.String(length=8), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', domain.db.types.UTCDateTime(), nullable=False),
    sa.Column('ended_at', domain.db.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['merchant_id'], ['merchants.id'], name=op.f('fk_staff_memberships_merchant_id_merchants')),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_staff_memberships_store_id_stores')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_staff_memberships_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_memberships'))
    )
    with op.batch_alter_table('staff_memberships', schema=None) as batch_op:
        batch_op.create_index('ix_staff_memberships_merchant_active', ['merchant_id', 'active'], unique=False)
        batch_op.create_index('uq_staff_memberships_one_active_per_user', ['user_id'], unique=True, sqlite_where=sa.text('active'), postgresql_where=sa.text('active'))

    op.create_table('ledger_entries',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('card_id', sa.Integer(), nullable=False),
    sa.Column('merchant_id', sa.Integer(), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('staff_user_id', sa.BigInteger(), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('stamps_delta', sa.Integer(), nullable=False),
    sa.Column('points_delta', sa.BigInteger(), nullable=False),
    sa.Column('stamp_balance_after', sa.Integer(), nullable=False),
    sa.Column('points_balance_after', sa.BigInteger(), nullable=False),
    sa.Column('amount', domain.db.types.ScaledDecimal(2), nullable=True),
    sa.Column('reason', sa.String(length=200), nullable=True),
    sa.Column('idempotency_key', sa.String(length=64), nullable=True),
    sa.Column('reverses_entry_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', domain.db.types.UTCDateTime(), nullable=False),
    sa.CheckConstraint('points_balance_after >= 0', name=op.f('ck_ledger_entries_points_balance_after_not_negative')),
    sa.CheckConstraint('stamp_balance_after >= 0', name=op.f('ck_ledger_entries_stamp_balance_after_not_negative')),
    sa.ForeignKeyConstraint(['card_id'], ['cards.id'], name=op.f('fk_ledger_entries_card_id_cards')),
    sa.ForeignKeyConstraint(['merchant_id'], ['merchants.id'], name=op.f('fk_ledger_entries_merchant_id_merchants')),
    sa.ForeignKeyConstraint(['reverses_entry_id'], ['ledger_entries.id'], name=op.f('fk_ledger_entries_reverses_entry_id_ledger_entries')),
    sa.ForeignKeyConstraint(['staff_user_id'], ['users.id'], name=op.f('fk_ledger_entries_staff_user_id_users')),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_ledger_entries_store_id_stores')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_entries')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_ledger_entries_idempotency_key')),
    sa.UniqueConstraint('reverses_entry_id', name=op.f('uq_ledger_entries_reverses_entry_id'))
    )
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.create_index('ix_ledger_entries_card_id_id', ['card_id', 'id'], unique=False)
        batch_op.create_index('ix_ledger_entries_merchant_created', ['merchant_id', 'created_at'], unique=False)
        batch_op.create_index('ix_ledger_entries_staff_id', ['staff_user_id', 'id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_ledger_entries_staff_id')
        batch_op.drop_index('ix_ledger_entries_merchant_created')
        batch_op.drop_index('ix_ledger_entries_card_id_id')

    op.drop_table('ledger_entries')
    with op.batch_alter_table('staff_memberships', schema=None) as batch_op:
        batch_op.drop_index('uq_staff_memberships_one_active_per_user', sqlite_where=sa.text('active'), postgresql_where=sa.text('active'))
        batch_op.drop_index('ix_staff_memberships_merchant_active')

    op.drop_table('staff_memberships')
    with op.batch_alter_table('staff_invites', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_invites_merchant_id'))

    op.drop_table('staff_invites')
    with op.batch_alter_table('cards', schema=None) as batch_op:
        batch_op.drop_index('uq_cards_one_active_per_customer_store', sqlite_where=sa.text('active'), postgresql_where=sa.text('active'))
        batch_op.drop_index('ix_cards_merchant_customer')
        batch_op.drop_index('ix_cards_merchant_activity')

    op.drop_table('cards')
    with op.batch_alter_table('stores', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stores_merchant_id'))

    op.drop_table('stores')
    op.drop_table('programs')
    op.drop_table('merchants')
    op.drop_table('users')
    with op.batch_alter_table('processed_updates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_processed_updates_processed_at'))

    op.drop_table('processed_updates')
