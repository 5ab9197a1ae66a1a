"""Liveness check for load balancers and monitoring."""
