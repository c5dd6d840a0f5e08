"""lookup failures

Revision ID: f18a4f59ee8e
Revises: 7504d355a259
Create Date: 2026-11-24 00:01:38.815884
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import domain.db.types


revision: str = 'f18a4f59ee8e'
down_revision: str | None = '7504d355a259'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('lookup_failures',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('staff_user_id', sa.BigInteger(), nullable=False),
    sa.Column('failed_at', domain.db.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['staff_user_id'], ['users.id'], name=op.f('fk_lookup_failures_staff_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lookup_failures'))
    )
    with op.batch_alter_table('lookup_failures', schema=None) as batch_op:
        batch_op.create_index('ix_lookup_failures_staff_time', ['staff_user_id', 'failed_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('lookup_failures', schema=None) as batch_op:
        batch_op.drop_index('ix_lookup_failures_staff_time')

    op.drop_table('lookup_failures')
