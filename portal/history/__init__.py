"""The "as of" view: an employee's record on a past date, replayed from the evidence ledger."""
