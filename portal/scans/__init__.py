"""Stored scans, kept by the SHA-256 of their bytes: one row per distinct file, whoever attached it.

The evidence ledger and the paper receipts keep only a scan's digest, size and type, so a scan can be
purged under the retention rule (``portal.privacy.retention``) while everything that refers to it, and
the chain that hashes it, stays as it was.
"""
