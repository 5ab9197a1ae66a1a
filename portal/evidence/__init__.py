"""The evidence ledger: append-only, hash-chained records of every push, open, read and acknowledgement."""
