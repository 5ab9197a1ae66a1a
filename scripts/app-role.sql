-- Privileges of the role the app servers and workers connect as (psql -v app_role=portal_app).
-- Run by the owner role after every `flask db upgrade`; the app role owns no table, so it can
-- neither alter the schema nor drop the ledger's append-only triggers, and it has no UPDATE,
-- DELETE or TRUNCATE on the ledger tables at all.
GRANT USAGE ON SCHEMA public TO :"app_role";
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO :"app_role";
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO :"app_role";
REVOKE UPDATE, DELETE, TRUNCATE ON evidence_events, evidence_checkpoints, evidence_paper_receipts FROM :"app_role";
-- Scans are stored once and only ever deleted (the retention purge), never changed.
REVOKE UPDATE ON stored_scans FROM :"app_role";
REVOKE ALL ON alembic_version FROM :"app_role";
GRANT SELECT ON alembic_version TO :"app_role";
