"""Notices: policy texts pushed to employees, read, acknowledged, questioned and answered."""
