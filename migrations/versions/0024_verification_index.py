"""evidence verifications by employee: the evidence page reads one employee's last verification

Revision ID: 0024
Revises: 0023
Create Date: 2026-11-29 23:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_evidence_verifications_employee", "evidence_verifications", ["employee_id", "id"])


def downgrade():
    op.drop_index("ix_evidence_verifications_employee", table_name="evidence_verifications")
