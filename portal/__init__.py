"""injury-portal: work-injury courses, evidence and benefit timelines for Chinese employers."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Mapping

from flask import Flask

_PACKAGED = Path(__file__).resolve().parent / "_resources"
# Templates, static files, migrations, courses, notices and translations: the checkout's folders,
# or their copies inside an installed wheel (see setup.py).
PROJECT_ROOT = _PACKAGED if _PACKAGED.is_dir() else Path(__file__).resolve().parent.parent


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the portal: defaults, then ``PORTAL_*`` environment variables, then ``test_config``."""
    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
        # Installed from a wheel, the instance folder is Flask's default, outside the package.
        instance_path=None if PROJECT_ROOT == _PACKAGED else str(PROJECT_ROOT / "instance"),
        instance_relative_config=True,
    )
    from portal.config import apply_config

    apply_config(app, test_config)
    _configure_logging(app)

    from portal import extensions

    extensions.init_app(app)

    from portal import jobs, signals
    from portal.web import csrf_tokens, errors, fragments, i18n, security, sessions, templating

    app.session_interface = sessions.CheckedOnceSessionInterface()
    csrf_tokens.init_app(app)
    i18n.init_app(app)
    templating.init_app(app)
    fragments.init_app(app)
    errors.init_app(app)
    security.init_app(app)
    signals.connect_handlers()
    jobs.init_app(app)

    from portal.api import routes as api_routes
    from portal.api.admin_routes import bp as api_admin_bp
    from portal.webhooks import handlers as webhook_handlers
    from portal.webhooks import jobs as _webhook_jobs  # noqa: F401  (schedules the sweep)
    from portal.webhooks.routes import bp as webhooks_bp
    from portal.accounts import cli as _accounts_cli  # noqa: F401  (registers flask accounts …)
    from portal.accounts.routes import bp as accounts_bp
    from portal.auth.routes import bp as auth_bp
    from portal.cases import freshness as _case_freshness  # noqa: F401  (renews the case figures stamp)
    from portal.cases import pack_section as cases_pack_section
    from portal.core import kept
    from portal.cases.admin_routes import bp as cases_admin_bp
    from portal.cases.routes import bp as cases_bp
    from portal.courses import cli as _courses_cli  # noqa: F401  (registers flask courses sync)
    from portal.courses.records_routes import bp as course_records_bp
    from portal.courses.routes import bp as courses_bp
    from portal.demo.cli import bp as demo_bp
    from portal.evidence import cli as _evidence_cli  # noqa: F401  (registers flask evidence …)
    from portal.evidence import jobs as _evidence_jobs  # noqa: F401  (schedules the hourly publication)
    from portal.evidence.routes import bp as evidence_bp
    from portal.health.routes import bp as health_bp
    from portal.home.routes import bp as home_bp
    from portal.history.routes import bp as history_bp
    from portal.jobs.cli import bp as jobs_cli_bp
    from portal.lifecycle import cli as _lifecycle_cli  # noqa: F401  (registers flask renewals run)
    from portal.lifecycle import jobs as _lifecycle_jobs  # noqa: F401  (schedules the nightly renewal run)
    from portal.lifecycle.routes import bp as renewals_bp
    from portal.jobs.routes import bp as jobs_bp
    from portal.notices import cli as _notices_cli  # noqa: F401  (registers flask notices sync)
    from portal.notices.admin_routes import bp as notices_admin_bp
    from portal.notices.routes import bp as notices_bp
    from portal.notifications import cli as _notifications_cli  # noqa: F401  (registers flask notifications …)
    from portal.notifications import jobs as _notification_jobs  # noqa: F401  (schedules the outbox)
    from portal.notifications.routes import bp as notifications_bp
    from portal.org.routes import bp as org_bp
    from portal.privacy import cli as _privacy_cli  # noqa: F401  (registers flask privacy push and purge)
    from portal.privacy import jobs as _privacy_jobs  # noqa: F401  (schedules the nightly retention purge)
    from portal.privacy.routes import bp as privacy_bp
    from portal.workbench import cli as _workbench_cli  # noqa: F401  (registers flask risks/reminders …)
    from portal.workbench import jobs as _workbench_jobs  # noqa: F401  (schedules the daily scan and reminders)
    from portal.workbench import pack_words as workbench_pack_words
    from portal.workbench.routes import bp as workbench_bp

    for blueprint in (auth_bp, accounts_bp, org_bp, home_bp, health_bp, demo_bp, courses_bp, course_records_bp,
                      evidence_bp, notices_bp, notices_admin_bp, cases_bp, cases_admin_bp, workbench_bp, notifications_bp,
                      _workbench_cli.risks_bp, _workbench_cli.reminders_bp, jobs_cli_bp, _notifications_cli.bp,
                      _accounts_cli.bp, renewals_bp, history_bp, jobs_bp, privacy_bp,
                      api_admin_bp, webhooks_bp):
        app.register_blueprint(blueprint)
    api_routes.init_app(app)
    webhook_handlers.init_app(app)
    cases_pack_section.init_app(app)
    kept.init_app(app)
    workbench_pack_words.init_app(app)
    return app


def _configure_logging(app: Flask) -> None:
    level = app.config["LOG_LEVEL"]
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app.logger.setLevel(level)
