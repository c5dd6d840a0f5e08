"""api request windows: one row per API key counting its requests in the current minute, the
per-key rate limit every worker shares

Revision ID: 7a3c5e9d1f24
Revises: e13d1b357932
Create Date: 2026-12-05 16:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '7a3c5e9d1f24'
down_revision: str | None = 'e13d1b357932'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'api_request_windows',
        sa.Column('api_key_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('window_start', sa.BigInteger(), nullable=False),
        sa.Column('requests', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ['api_key_id'],
            ['api_keys.id'],
            name=op.f('fk_api_request_windows_api_key_id_api_keys'),
        ),
        sa.PrimaryKeyConstraint('api_key_id', name=op.f('pk_api_request_windows')),
    )


def downgrade() -> None:
    op.drop_table('api_request_windows')
