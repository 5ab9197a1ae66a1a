"""The HR workbench: risk alerts, cost reports, approval workflow, import/export and reminders."""
