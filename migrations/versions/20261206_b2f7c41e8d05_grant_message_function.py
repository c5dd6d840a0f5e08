"""grant_message(): the shared message budget's grant as one PostgreSQL function, so a worker
asks for a grant in one round trip instead of six (BEGIN, lock, clock and pause, count, insert,
COMMIT). The rule is the one infra/send_budget.py describes; SQLite has no shared budget.

Revision ID: b2f7c41e8d05
Revises: 7a3c5e9d1f24
Create Date: 2026-12-06 03:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = 'b2f7c41e8d05'
down_revision: str | None = '7a3c5e9d1f24'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Each statement of a VOLATILE PL/pgSQL function reads a fresh snapshot, so the count taken
# after the advisory lock sees every grant committed by the lock's previous holder.
GRANT_MESSAGE = """
CREATE OR REPLACE FUNCTION grant_message(
    p_bot bigint, p_limit integer, p_window interval, p_keep interval, p_prune_every integer
) RETURNS double precision
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    v_now timestamptz;
    v_pause timestamptz;
    v_count integer;
    v_leaving timestamptz;
    v_id bigint;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended('send_budget:' || p_bot::text, 0));
    v_now := clock_timestamp();
    SELECT until INTO v_pause FROM send_pause WHERE id = p_bot;
    IF v_pause IS NOT NULL AND v_pause > v_now THEN
        RETURN extract(epoch FROM v_pause - v_now);
    END IF;
    SELECT count(*) INTO v_count
        FROM message_grants WHERE bot_id = p_bot AND granted_at > v_now - p_window;
    IF v_count >= p_limit THEN
        -- The count drops below the limit when this grant leaves the window.
        SELECT granted_at INTO v_leaving
            FROM message_grants WHERE bot_id = p_bot AND granted_at > v_now - p_window
            ORDER BY granted_at DESC OFFSET p_limit - 1 LIMIT 1;
        RETURN greatest(0.001, extract(epoch FROM v_leaving + p_window - v_now));
    END IF;
    INSERT INTO message_grants (bot_id, granted_at) VALUES (p_bot, v_now) RETURNING id INTO v_id;
    IF v_id % p_prune_every = 0 THEN
        DELETE FROM message_grants WHERE granted_at < v_now - p_keep;
    END IF;
    RETURN 0;
END
$$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(GRANT_MESSAGE)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(
            'DROP FUNCTION IF EXISTS grant_message(bigint, integer, interval, interval, integer)'
        )
