"""brands: the café's colour, stamp symbol and logo

Revision ID: 3f9a6c2e8b17
Revises: 5b1e0c7d2a90
Create Date: 2026-12-05 02:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import domain.db.types

revision: str = '3f9a6c2e8b17'
down_revision: str | None = '5b1e0c7d2a90'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'brands',
        sa.Column('merchant_id', sa.Integer(), nullable=False),
        sa.Column('colour', sa.String(length=7), nullable=True),
        sa.Column('symbol', sa.String(length=32), nullable=True),
        sa.Column('logo_png', sa.LargeBinary(), nullable=True),
        sa.Column('logo_version', sa.Integer(), server_default=sa.text('0'), nullable=False),
        sa.Column('updated_at', domain.db.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['merchant_id'], ['merchants.id'], name=op.f('fk_brands_merchant_id_merchants')),
        sa.PrimaryKeyConstraint('merchant_id', name=op.f('pk_brands')),
    )


def downgrade() -> None:
    op.drop_table('brands')
