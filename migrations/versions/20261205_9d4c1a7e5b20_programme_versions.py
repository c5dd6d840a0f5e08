"""programme versions: programs.version, raised by the database on any change of the
programme or its rewards (what every worker's programme cache compares with)

Revision ID: 9d4c1a7e5b20
Revises: 3f9a6c2e8b17
Create Date: 2026-12-05 04:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '9d4c1a7e5b20'
down_revision: str | None = '3f9a6c2e8b17'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Triggers, not application code: the Mini App, the bot, scripts and later migrations all
# change programmes and rewards, and a cache must never miss one of them.
SQLITE_TRIGGERS = (
    """
    CREATE TRIGGER programs_version_on_update AFTER UPDATE ON programs
    WHEN NEW.version = OLD.version
    BEGIN
        UPDATE programs SET version = OLD.version + 1 WHERE merchant_id = NEW.merchant_id;
    END
    """,
    """
    CREATE TRIGGER rewards_version_on_insert AFTER INSERT ON rewards
    BEGIN
        UPDATE programs SET version = version + 1 WHERE merchant_id = NEW.merchant_id;
    END
    """,
    """
    CREATE TRIGGER rewards_version_on_update AFTER UPDATE ON rewards
    BEGIN
        UPDATE programs SET version = version + 1
        WHERE merchant_id IN (OLD.merchant_id, NEW.merchant_id);
    END
    """,
    """
    CREATE TRIGGER rewards_version_on_delete AFTER DELETE ON rewards
    BEGIN
        UPDATE programs SET version = version + 1 WHERE merchant_id = OLD.merchant_id;
    END
    """,
)
SQLITE_DROPS = (
    "DROP TRIGGER IF EXISTS programs_version_on_update",
    "DROP TRIGGER IF EXISTS rewards_version_on_insert",
    "DROP TRIGGER IF EXISTS rewards_version_on_update",
    "DROP TRIGGER IF EXISTS rewards_version_on_delete",
)
POSTGRES_TRIGGERS = (
    """
    CREATE FUNCTION programs_next_version() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        NEW.version := OLD.version + 1;
        RETURN NEW;
    END
    $$
    """,
    """
    CREATE TRIGGER programs_version_on_update BEFORE UPDATE ON programs
    FOR EACH ROW WHEN (NEW.version = OLD.version)
    EXECUTE FUNCTION programs_next_version()
    """,
    """
    CREATE FUNCTION rewards_next_programme_version() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            UPDATE programs SET version = version + 1 WHERE merchant_id = OLD.merchant_id;
        END IF;
        IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.merchant_id <> OLD.merchant_id) THEN
            UPDATE programs SET version = version + 1 WHERE merchant_id = NEW.merchant_id;
        END IF;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER rewards_version AFTER INSERT OR UPDATE OR DELETE ON rewards
    FOR EACH ROW EXECUTE FUNCTION rewards_next_programme_version()
    """,
)
POSTGRES_DROPS = (
    "DROP TRIGGER IF EXISTS rewards_version ON rewards",
    "DROP FUNCTION IF EXISTS rewards_next_programme_version()",
    "DROP TRIGGER IF EXISTS programs_version_on_update ON programs",
    "DROP FUNCTION IF EXISTS programs_next_version()",
)


def upgrade() -> None:
    with op.batch_alter_table('programs') as batch_op:
        batch_op.add_column(
            sa.Column('version', sa.Integer(), server_default=sa.text('0'), nullable=False)
        )
    sqlite = op.get_bind().dialect.name == 'sqlite'
    for statement in SQLITE_TRIGGERS if sqlite else POSTGRES_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == 'sqlite'
    for statement in SQLITE_DROPS if sqlite else POSTGRES_DROPS:
        op.execute(statement)
    with op.batch_alter_table('programs') as batch_op:
        batch_op.drop_column('version')
