"""PostgreSQL plans no parallel workers for ledger_entries (storage parameter
parallel_workers = 0); SQLite has no such plans and is left as it is.

Every read of the ledger is one café's, through an index on the merchant. On a café whose old
history is heavy and whose recent months are quiet, the planner guessed some 15,000 rows of
its Insights window where 760 exist, and started two parallel workers for them: that read took
21 ms instead of 1.9 ms, and the Insights page grew 1.5 to 2.9 times slower at a million
ledger rows (issue 21's rule is 1.2). Starting workers only pays for scanning a large part of
the table, which no use case does. The downgrade gives the table back to the server's setting.

Revision ID: 151a55874608
Revises: 317b04a25f73
Create Date: 2026-12-07 00:25:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = '151a55874608'
down_revision: str | None = '317b04a25f73'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('ALTER TABLE ledger_entries SET (parallel_workers = 0)')


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('ALTER TABLE ledger_entries RESET (parallel_workers)')
