"""Privacy: the privacy notice, and an employee's copy of their own data (PIPL Arts. 44–45)."""
