"""The demo company: ``flask demo load``."""
