"""Injury cases and the per-employee benefit timeline, computed from the Regulations."""
