"""staff corrections setting: may staff correct a card's stamps (/correct), not only the owner

Existing programmes keep what they had: only the owner corrects (off).

Revision ID: a7c3e5f19b42
Revises: ce91b7c99cf9
Create Date: 2026-12-01 12:05:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = 'a7c3e5f19b42'
down_revision: str | None = 'ce91b7c99cf9'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('programs', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('staff_corrections', sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table('programs', schema=None) as batch_op:
        batch_op.drop_column('staff_corrections')
