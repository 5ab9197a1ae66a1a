"""HTTP glue shared by every domain: htmx, locale, templates and error pages."""
