-- A production role that owns nothing (PostgreSQL). Run as the role that owns the schema and runs
-- the migrations (here: portal_owner), after `flask db upgrade`; replace portal_app and the password.
--
-- The portal then connects as portal_app (DATABASE_URL). Only a table's owner may DROP or DISABLE
-- its triggers and only a superuser may set session_replication_role, so the application's user
-- can append to the ledger and the log but can neither change nor remove what is there, nor switch
-- the protection off. Keep portal_owner's password away from the application servers.

CREATE ROLE portal_app LOGIN PASSWORD 'change-me' NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION;
GRANT CONNECT ON DATABASE portal TO portal_app;
GRANT USAGE ON SCHEMA public TO portal_app;

-- Ordinary tables: everything the application does today.
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO portal_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO portal_app;

-- Ledger and Merkle log: append and read only (the triggers refuse the rest as well).
REVOKE UPDATE, DELETE, TRUNCATE ON evidence_events, evidence_checkpoints, evidence_paper_receipts,
    evidence_log_leaves, evidence_tree_heads, evidence_head_timestamps, evidence_head_deliveries FROM portal_app;
-- Chain heads move forward one event at a time (trigger evidence_chain_heads_advance); never removed.
REVOKE DELETE, TRUNCATE ON evidence_chain_heads FROM portal_app;
REVOKE TRUNCATE ON ALL TABLES IN SCHEMA public FROM portal_app;
-- No new objects in the schema either.
REVOKE CREATE ON SCHEMA public FROM portal_app;
