"""summary catch-up and quiet days: programs.quiet_day_message (a day without activity is
told in one short line, or not at all) and programs.summary_on_since (when the daily summary
was last switched on: missed days are caught up from then, never from before)

Existing programmes keep a message on quiet days; their summary counts as on since ever, so
the days missed before this change are caught up too (at most a week back).

Plain ADD COLUMN, not a batch: rebuilding `programs` on SQLite would drop its version
triggers.

Revision ID: c4e8a2f6d913
Revises: 9d4c1a7e5b20
Create Date: 2026-12-05 07:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import domain.db.types

revision: str = 'c4e8a2f6d913'
down_revision: str | None = '9d4c1a7e5b20'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        'programs',
        sa.Column('quiet_day_message', sa.Boolean(), server_default=sa.true(), nullable=False),
    )
    op.add_column(
        'programs',
        sa.Column('summary_on_since', domain.db.types.UTCDateTime(), nullable=True),
    )


def downgrade() -> None:
    op.drop_column('programs', 'summary_on_since')
    op.drop_column('programs', 'quiet_day_message')
