"""list sort indexes: the matrix by acknowledgement, the deliveries by due date and by opening

Revision ID: 0023
Revises: 0022
Create Date: 2026-11-29 22:25:00

"""
import sqlalchemy as sa
from alembic import op

from portal.core.listing import nulls_first


# revision identifiers, used by Alembic.
revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_course_assignments_course_acknowledged", "course_assignments",
                    ["course_id", nulls_first(sa.column("acknowledged_at")), "id"])
    # (version_id, due_date, id) serves what the index on version_id alone did.
    op.create_index("ix_notice_deliveries_version_due", "notice_deliveries", ["version_id", "due_date", "id"])
    op.drop_index("ix_notice_deliveries_version_id", table_name="notice_deliveries")
    op.create_index("ix_notice_deliveries_version_opened", "notice_deliveries",
                    ["version_id", nulls_first(sa.column("first_opened_at")), "id"])


def downgrade():
    op.drop_index("ix_notice_deliveries_version_opened", table_name="notice_deliveries")
    op.create_index("ix_notice_deliveries_version_id", "notice_deliveries", ["version_id"])
    op.drop_index("ix_notice_deliveries_version_due", table_name="notice_deliveries")
    op.drop_index("ix_course_assignments_course_acknowledged", table_name="course_assignments")
