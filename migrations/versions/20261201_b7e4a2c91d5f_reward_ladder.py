"""reward ladder: a programme's rewards as rungs, and the reward a redemption was for

Each existing programme gets its current stamp reward (stamps_target, reward) and points
reward (points_reward, points_reward_text) as the first rung of each unit, so programmes and
cards stay exactly as they were. Ledger rows may name the rung they redeemed.

Revision ID: b7e4a2c91d5f
Revises: a7c3e5f19b42
Create Date: 2026-12-01 12:05:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import domain.db.types


revision: str = 'b7e4a2c91d5f'
down_revision: str | None = 'a7c3e5f19b42'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('rewards',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('merchant_id', sa.Integer(), nullable=False),
    sa.Column('unit', sa.String(length=8), nullable=False),
    sa.Column('cost', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('created_at', domain.db.types.UTCDateTime(), nullable=False),
    sa.Column('removed_at', domain.db.types.UTCDateTime(), nullable=True),
    sa.CheckConstraint("unit IN ('stamps', 'points')", name=op.f('ck_rewards_unit_known')),
    sa.CheckConstraint('cost >= 1', name=op.f('ck_rewards_cost_positive')),
    sa.ForeignKeyConstraint(['merchant_id'], ['merchants.id'], name=op.f('fk_rewards_merchant_id_merchants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rewards'))
    )
    with op.batch_alter_table('rewards', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rewards_merchant_id'), ['merchant_id'], unique=False)
        batch_op.create_index('uq_rewards_one_active_cost', ['merchant_id', 'unit', 'cost'], unique=True, sqlite_where=sa.text('removed_at IS NULL'), postgresql_where=sa.text('removed_at IS NULL'))

    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reward_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_ledger_entries_reward_id_rewards'), 'rewards', ['reward_id'], ['id'])

    # The current rewards become the first rung of each unit, for every programme.
    op.execute(
        "INSERT INTO rewards (merchant_id, unit, cost, name, created_at, removed_at) "
        "SELECT merchant_id, 'stamps', stamps_target, reward, updated_at, NULL FROM programs"
    )
    op.execute(
        "INSERT INTO rewards (merchant_id, unit, cost, name, created_at, removed_at) "
        "SELECT merchant_id, 'points', points_reward, points_reward_text, updated_at, NULL "
        "FROM programs"
    )


def downgrade() -> None:
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_ledger_entries_reward_id_rewards'), type_='foreignkey')
        batch_op.drop_column('reward_id')

    with op.batch_alter_table('rewards', schema=None) as batch_op:
        batch_op.drop_index('uq_rewards_one_active_cost', sqlite_where=sa.text('removed_at IS NULL'), postgresql_where=sa.text('removed_at IS NULL'))
        batch_op.drop_index(batch_op.f('ix_rewards_merchant_id'))

    op.drop_table('rewards')
