"""webhooks: the owner's endpoints (URL, signing secret, failing since, disabled), the events
as sent (fixed body, public id) and one delivery per event and endpoint (attempts, next try,
lease, last answer)

Revision ID: e13d1b357932
Revises: 331692c1a72a
Create Date: 2026-12-05 12:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import domain.db.types

revision: str = 'e13d1b357932'
down_revision: str | None = '331692c1a72a'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table(
        'webhook_endpoints',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('merchant_id', sa.Integer(), nullable=False),
        sa.Column('url', sa.String(length=400), nullable=False),
        sa.Column('secret', sa.String(length=64), nullable=False),
        sa.Column('created_by_user_id', sa.BigInteger(), nullable=False),
        sa.Column('created_at', domain.db.types.UTCDateTime(), nullable=False),
        sa.Column('failing_since', domain.db.types.UTCDateTime(), nullable=True),
        sa.Column('disabled_at', domain.db.types.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['merchant_id'], ['merchants.id'], name=op.f('fk_webhook_endpoints_merchant_id_merchants')),
        sa.ForeignKeyConstraint(['created_by_user_id'], ['users.id'], name=op.f('fk_webhook_endpoints_created_by_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_endpoints')),
    )
    op.create_index('ix_webhook_endpoints_merchant', 'webhook_endpoints', ['merchant_id', 'id'], unique=False)
    op.create_table(
        'webhook_events',
        sa.Column('id', BIG_ID, nullable=False),
        sa.Column('public_id', sa.String(length=32), nullable=False),
        sa.Column('merchant_id', sa.Integer(), nullable=False),
        sa.Column('card_id', sa.BigInteger(), nullable=True),
        sa.Column('type', sa.String(length=32), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('created_at', domain.db.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['merchant_id'], ['merchants.id'], name=op.f('fk_webhook_events_merchant_id_merchants')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_events')),
        sa.UniqueConstraint('public_id', name=op.f('uq_webhook_events_public_id')),
    )
    op.create_index(op.f('ix_webhook_events_merchant_id'), 'webhook_events', ['merchant_id'], unique=False)
    op.create_table(
        'webhook_deliveries',
        sa.Column('id', BIG_ID, nullable=False),
        sa.Column('event_id', BIG_ID, nullable=False),
        sa.Column('endpoint_id', sa.Integer(), nullable=False),
        sa.Column('card_id', sa.BigInteger(), nullable=True),
        sa.Column('available_at', domain.db.types.UTCDateTime(), nullable=False),
        sa.Column('claimed_until', domain.db.types.UTCDateTime(), nullable=True),
        sa.Column('attempts', sa.Integer(), server_default=sa.text('0'), nullable=False),
        sa.Column('delivered_at', domain.db.types.UTCDateTime(), nullable=True),
        sa.Column('last_tried_at', domain.db.types.UTCDateTime(), nullable=True),
        sa.Column('last_status', sa.Integer(), nullable=True),
        sa.Column('last_error', sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(['event_id'], ['webhook_events.id'], name=op.f('fk_webhook_deliveries_event_id_webhook_events')),
        sa.ForeignKeyConstraint(['endpoint_id'], ['webhook_endpoints.id'], name=op.f('fk_webhook_deliveries_endpoint_id_webhook_endpoints')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_deliveries')),
        sa.UniqueConstraint('event_id', 'endpoint_id', name=op.f('uq_webhook_deliveries_event_id')),
    )
    op.create_index(
        'ix_webhook_deliveries_due',
        'webhook_deliveries',
        ['available_at', 'id'],
        unique=False,
        sqlite_where=sa.text('delivered_at IS NULL'),
        postgresql_where=sa.text('delivered_at IS NULL'),
    )
    op.create_index(
        'ix_webhook_deliveries_card_pending',
        'webhook_deliveries',
        ['endpoint_id', 'card_id', 'id'],
        unique=False,
        sqlite_where=sa.text('delivered_at IS NULL'),
        postgresql_where=sa.text('delivered_at IS NULL'),
    )
    op.create_index('ix_webhook_deliveries_endpoint', 'webhook_deliveries', ['endpoint_id', 'id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_webhook_deliveries_endpoint', table_name='webhook_deliveries')
    op.drop_index('ix_webhook_deliveries_card_pending', table_name='webhook_deliveries')
    op.drop_index('ix_webhook_deliveries_due', table_name='webhook_deliveries')
    op.drop_table('webhook_deliveries')
    op.drop_index(op.f('ix_webhook_events_merchant_id'), table_name='webhook_events')
    op.drop_table('webhook_events')
    op.drop_index('ix_webhook_endpoints_merchant', table_name='webhook_endpoints')
    op.drop_table('webhook_endpoints')
