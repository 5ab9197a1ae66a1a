"""scans in their own content-addressed store; retention settings

The scan bytes move from ``evidence_paper_receipts.scan`` (an append-only row, so never purgeable) to
``stored_scans``, keyed by the SHA-256 of the bytes; the receipt keeps the digest, size and type. The
receipts' append-only triggers are lifted for the move and installed again.

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-29 18:30:00

"""
import hashlib

from alembic import op
import sqlalchemy as sa

from portal.evidence.models import append_only_ddl


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

RECEIPTS = 'evidence_paper_receipts'


def _drop_receipt_triggers(dialect):
    for suffix in ("no_update", "no_delete", "append_only", "no_truncate"):
        name = f"{RECEIPTS}_{suffix}"
        op.execute(f"DROP TRIGGER IF EXISTS {name}" + ("" if dialect == "sqlite" else f" ON {RECEIPTS}"))


def _install_receipt_triggers(dialect):
    for statement in append_only_ddl(dialect, RECEIPTS):
        op.execute(statement)


def upgrade():
    dialect = op.get_bind().dialect.name
    op.create_table('stored_scans',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('mimetype', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('stored_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('sha256', name=op.f('pk_stored_scans'))
    )
    op.create_table('retention_settings',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('scan_years', sa.Integer(), nullable=False),
    sa.Column('pack_days', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_retention_settings_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_retention_settings'))
    )

    connection = op.get_bind()
    receipts = sa.table(RECEIPTS, sa.column('id', sa.Integer), sa.column('scan_mimetype', sa.String),
                        sa.column('recorded_at', sa.DateTime(timezone=True)), sa.column('scan', sa.LargeBinary),
                        sa.column('scan_size', sa.Integer))
    scans = sa.table('stored_scans', sa.column('sha256', sa.String), sa.column('mimetype', sa.String),
                     sa.column('size', sa.Integer), sa.column('stored_at', sa.DateTime(timezone=True)),
                     sa.column('data', sa.LargeBinary))
    _drop_receipt_triggers(dialect)
    with op.batch_alter_table(RECEIPTS, schema=None) as batch_op:
        batch_op.add_column(sa.Column('scan_size', sa.Integer(), nullable=True))
    # One receipt at a time: scans are up to 1.5 MB each. Stored under the digest of the bytes
    # themselves, so a row whose recorded digest does not match them stays visible to verification.
    stored = set()
    ids = [row.id for row in connection.execute(sa.select(receipts.c.id).order_by(receipts.c.id))]
    for receipt_id in ids:
        row = connection.execute(sa.select(receipts.c.scan_mimetype, receipts.c.recorded_at, receipts.c.scan)
                                 .where(receipts.c.id == receipt_id)).one()
        data = bytes(row.scan)
        digest = hashlib.sha256(data).hexdigest()
        if digest not in stored:
            connection.execute(scans.insert().values(sha256=digest, mimetype=row.scan_mimetype, size=len(data),
                                                     stored_at=row.recorded_at, data=data))
            stored.add(digest)
        connection.execute(receipts.update().where(receipts.c.id == receipt_id).values(scan_size=len(data)))
    with op.batch_alter_table(RECEIPTS, schema=None) as batch_op:
        batch_op.alter_column('scan_size', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('scan')
        batch_op.create_index(batch_op.f('ix_evidence_paper_receipts_scan_sha256'), ['scan_sha256'], unique=False)
    _install_receipt_triggers(dialect)


def downgrade():
    dialect = op.get_bind().dialect.name
    connection = op.get_bind()
    _drop_receipt_triggers(dialect)
    with op.batch_alter_table(RECEIPTS, schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evidence_paper_receipts_scan_sha256'))
        batch_op.add_column(sa.Column('scan', sa.LargeBinary(), nullable=True))
    # A purged scan cannot come back: its receipt gets no bytes (an empty scan).
    connection.execute(sa.text(
        f"UPDATE {RECEIPTS} SET scan = COALESCE((SELECT data FROM stored_scans "
        f"WHERE stored_scans.sha256 = {RECEIPTS}.scan_sha256), :empty)"), {"empty": b""})
    with op.batch_alter_table(RECEIPTS, schema=None) as batch_op:
        batch_op.alter_column('scan', existing_type=sa.LargeBinary(), nullable=False)
        batch_op.drop_column('scan_size')
    _install_receipt_triggers(dialect)
    op.drop_table('retention_settings')
    op.drop_table('stored_scans')
