"""api keys: keys for tills and tools (hashed secrets, scopes, last use, revocation) and their
failed card look-ups; a ledger row keeps its API request's fingerprint and the till's receipt id

Revision ID: c41d7e2a9b63
Revises: c4e8a2f6d913
Create Date: 2026-12-05 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import domain.db.types

revision: str = 'c41d7e2a9b63'
down_revision: str | None = 'c4e8a2f6d913'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'api_keys',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('merchant_id', sa.Integer(), nullable=False),
        sa.Column('store_id', sa.Integer(), nullable=True),
        sa.Column('name', sa.String(length=32), nullable=False),
        sa.Column('scopes', sa.String(length=32), nullable=False),
        sa.Column('secret_hash', sa.String(length=64), nullable=False),
        sa.Column('created_by_user_id', sa.BigInteger(), nullable=False),
        sa.Column('created_at', domain.db.types.UTCDateTime(), nullable=False),
        sa.Column('last_used_at', domain.db.types.UTCDateTime(), nullable=True),
        sa.Column('revoked_at', domain.db.types.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['merchant_id'], ['merchants.id'], name=op.f('fk_api_keys_merchant_id_merchants')),
        sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_api_keys_store_id_stores')),
        sa.ForeignKeyConstraint(['created_by_user_id'], ['users.id'], name=op.f('fk_api_keys_created_by_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_api_keys')),
        sa.UniqueConstraint('secret_hash', name=op.f('uq_api_keys_secret_hash')),
    )
    op.create_index(
        'uq_api_keys_merchant_name_in_use',
        'api_keys',
        ['merchant_id', 'name'],
        unique=True,
        sqlite_where=sa.text('revoked_at IS NULL'),
        postgresql_where=sa.text('revoked_at IS NULL'),
    )
    op.create_table(
        'api_key_lookup_failures',
        sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('api_key_id', sa.Integer(), nullable=False),
        sa.Column('failed_at', domain.db.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['api_key_id'], ['api_keys.id'], name=op.f('fk_api_key_lookup_failures_api_key_id_api_keys')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_api_key_lookup_failures')),
    )
    op.create_index(
        'ix_api_key_lookup_failures_key_time',
        'api_key_lookup_failures',
        ['api_key_id', 'failed_at'],
        unique=False,
    )
    op.add_column('ledger_entries', sa.Column('request_hash', sa.String(length=64), nullable=True))
    op.add_column('ledger_entries', sa.Column('receipt', sa.String(length=64), nullable=True))
    op.create_index(
        'uq_ledger_entries_merchant_receipt',
        'ledger_entries',
        ['merchant_id', 'receipt'],
        unique=True,
        sqlite_where=sa.text('receipt IS NOT NULL'),
        postgresql_where=sa.text('receipt IS NOT NULL'),
    )


def downgrade() -> None:
    op.drop_index('uq_ledger_entries_merchant_receipt', table_name='ledger_entries')
    with op.batch_alter_table('ledger_entries') as batch:
        batch.drop_column('receipt')
        batch.drop_column('request_hash')
    op.drop_index('ix_api_key_lookup_failures_key_time', table_name='api_key_lookup_failures')
    op.drop_table('api_key_lookup_failures')
    op.drop_index('uq_api_keys_merchant_name_in_use', table_name='api_keys')
    op.drop_table('api_keys')
