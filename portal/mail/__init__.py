"""E-mail sent to employees: copies of their receipts."""
