"""stores of the day: the store an all-stores staff member works at on a merchant-local day

Revision ID: c4e8b1d9a3f6
Revises: c41d7e2a9b63
Create Date: 2026-12-05 07:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import domain.db.types


revision: str = 'c4e8b1d9a3f6'
down_revision: str | None = 'c41d7e2a9b63'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('stores_of_day',
    sa.Column('membership_id', sa.Integer(), nullable=False),
    sa.Column('local_day', sa.Date(), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('chosen_at', domain.db.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['membership_id'], ['staff_memberships.id'], name=op.f('fk_stores_of_day_membership_id_staff_memberships')),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_stores_of_day_store_id_stores')),
    sa.PrimaryKeyConstraint('membership_id', 'local_day', name=op.f('pk_stores_of_day'))
    )


def downgrade() -> None:
    op.drop_table('stores_of_day')
