"""acknowledgement path: risk alerts found by their subject, mailed receipts by their subject

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-29 18:40:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    # An acknowledgement resolves the open alerts about its assignment or delivery in the same
    # request; without this index that lookup read every alert of the company.
    op.create_index('ix_risk_alerts_subject', 'risk_alerts', ['subject_kind', 'subject_id'], unique=False)
    # With e-mail configured it also checks that its receipt is not in the outbox yet, by subject;
    # without an index that read every e-mail the portal ever sent.
    op.create_index('ix_mail_outbox_subject', 'mail_outbox', ['subject'], unique=False)


def downgrade():
    op.drop_index('ix_mail_outbox_subject', table_name='mail_outbox')
    op.drop_index('ix_risk_alerts_subject', table_name='risk_alerts')
