"""reward name translations: rewards.name_translations, the owner's names in other languages

Existing rewards keep their one name as the name given, with no translations.

Revision ID: 8e2f5b7c1a94
Revises: c4e8b1d9a3f6
Create Date: 2026-12-05 12:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '8e2f5b7c1a94'
down_revision: str | None = 'c4e8b1d9a3f6'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN on both engines: SQLite keeps the table (and its version triggers).
    op.add_column(
        'rewards',
        sa.Column('name_translations', sa.JSON(), server_default=sa.text("'{}'"), nullable=False),
    )


def downgrade() -> None:
    op.drop_column('rewards', 'name_translations')
