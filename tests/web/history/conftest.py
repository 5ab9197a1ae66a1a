"""Reconstructions travel in evidence packs: the suite's own time-stamping authority signs their heads."""

from tests.web.evidence.conftest import app_config, suite_tsa, witness_dir  # noqa: F401  (fixtures)
