"""Notifications: every user's in-portal messages and the e-mail outbox that carries them."""
