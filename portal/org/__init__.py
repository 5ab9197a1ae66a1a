"""Departments, employees and their managers."""
