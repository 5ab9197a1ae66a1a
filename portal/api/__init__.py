"""The open API under ``/api/v1`` for payroll and HR systems: tokens, schemas, problem details, routes."""
