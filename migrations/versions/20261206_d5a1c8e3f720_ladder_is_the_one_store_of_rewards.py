"""the ladder is the one store of rewards: programs.stamps_target, reward, points_reward and
points_reward_text go (they copied each unit's first rung, kept in step by hand)

A programme missing a current rung of a unit first gets one from those columns, so no reward
is lost. The downgrade brings the columns back, filled from each unit's cheapest rung.

On SQLite the batch rebuilds `programs`, which drops the version triggers of the migration
"programme versions": they are dropped before and created again after, exactly as they were.

Revision ID: d5a1c8e3f720
Revises: b2f7c41e8d05
Create Date: 2026-12-06 20:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'd5a1c8e3f720'
down_revision: str | None = 'b2f7c41e8d05'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The columns each unit's first rung was copied to: unit → (cost column, name column).
COLUMNS = {'stamps': ('stamps_target', 'reward'), 'points': ('points_reward', 'points_reward_text')}

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


def _sqlite() -> bool:
    return op.get_bind().dialect.name == 'sqlite'


def upgrade() -> None:
    for unit, (cost, name) in COLUMNS.items():
        op.execute(
            "INSERT INTO rewards (merchant_id, unit, cost, name, created_at, removed_at) "
            f"SELECT p.merchant_id, '{unit}', p.{cost}, p.{name}, p.updated_at, NULL "
            "FROM programs p WHERE NOT EXISTS (SELECT 1 FROM rewards r "
            f"WHERE r.merchant_id = p.merchant_id AND r.unit = '{unit}' "
            "AND r.removed_at IS NULL)"
        )
    if _sqlite():
        for statement in SQLITE_DROPS:
            op.execute(statement)
    with op.batch_alter_table('programs', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_programs_points_reward_positive'), type_='check')
        batch_op.drop_constraint(op.f('ck_programs_stamps_target_range'), type_='check')
        for column in ('points_reward_text', 'points_reward', 'reward', 'stamps_target'):
            batch_op.drop_column(column)
    if _sqlite():
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)


def _cheapest(unit: str, part: str) -> str:
    """SQL for a part of the programme's cheapest current rung of `unit`."""
    return (
        f"(SELECT r.{part} FROM rewards r WHERE r.merchant_id = programs.merchant_id "
        f"AND r.unit = '{unit}' AND r.removed_at IS NULL ORDER BY r.cost, r.id LIMIT 1)"
    )


def downgrade() -> None:
    if _sqlite():
        for statement in SQLITE_DROPS:
            op.execute(statement)
    with op.batch_alter_table('programs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('stamps_target', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('reward', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('points_reward', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('points_reward_text', sa.String(length=100), nullable=True))
    op.execute(
        "UPDATE programs SET "
        + ", ".join(
            f"{column} = {_cheapest(unit, part)}"
            for unit, pair in COLUMNS.items()
            for column, part in zip(pair, ('cost', 'name'), strict=True)
        )
    )
    with op.batch_alter_table('programs', schema=None) as batch_op:
        for column in ('stamps_target', 'points_reward'):
            batch_op.alter_column(column, existing_type=sa.Integer(), nullable=False)
        for column in ('reward', 'points_reward_text'):
            batch_op.alter_column(column, existing_type=sa.String(length=100), nullable=False)
        batch_op.create_check_constraint(
            op.f('ck_programs_points_reward_positive'), 'points_reward >= 1'
        )
        batch_op.create_check_constraint(
            op.f('ck_programs_stamps_target_range'), 'stamps_target BETWEEN 1 AND 50'
        )
    if _sqlite():
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)
