"""Accounts, sign-in and the authorization policy."""
