"""Account management: creating, inviting, deactivating and re-roling accounts, and the audit log."""
