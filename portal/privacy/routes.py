"""The privacy page (the privacy notice and one's own data), the download of one's own data, and the
retention periods HR sets."""

from __future__ import annotations

import json

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.auth.access import requires
from portal.evidence.web import request_origin
from portal.extensions import db
from portal.notices.models import NoticeDelivery
from portal.notices.operations import notice_by_key
from portal.notices.presenters import body_html
from portal.org.models import Employee
from portal.core.types import local_today
from portal.privacy import operations, purging, retention
from portal.privacy.forms import RetentionForm
from portal.web.files import send_download
from portal.web.i18n import locale_code

bp = Blueprint("privacy", __name__, url_prefix="/privacy", cli_group="privacy")


@bp.get("/")
@requires("portal.use")
def index() -> str:
    """The privacy notice in the reader's language; for employees, their copy of it to acknowledge and
    the downloads of their own data."""
    notice = notice_by_key(operations.PRIVACY_NOTICE)
    version = notice.newest if notice is not None and notice.versions else None
    delivery = None
    if version is not None and current_user.employee_id is not None:
        delivery = db.session.query(NoticeDelivery).filter_by(
            employee_id=current_user.employee_id, version_id=version.id).one_or_none()
    locale = locale_code()
    return render_template("privacy/index.html", version=version, delivery=delivery, locale=locale,
                           body=body_html(version, locale) if version else None)


@bp.get("/my-data.json")
@requires("privacy.self")
def my_data() -> Response:
    """Everything the portal holds about the signed-in employee, as JSON (PIPL Arts. 44–45)."""
    employee = db.session.get(Employee, current_user.employee_id) if current_user.employee_id else None
    if employee is None:
        abort(404)
    data = operations.personal_data(employee)
    operations.record_download(employee, current_user.id, request_origin())
    db.session.commit()
    body = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")
    return send_download(body, f"my-data-{employee.number}.json", "application/json")


@bp.route("/retention", methods=["GET", "POST"])
@requires("retention.manage")
def retention_settings() -> Response | tuple[str, int]:
    """How long scans of departed staff and built packs are kept; the ledger itself is kept forever."""
    periods = purging.current_periods()
    form = RetentionForm(data={"scan_years": periods.scan_years, "pack_days": periods.pack_days})
    if form.validate_on_submit():
        new = retention.Periods(form.scan_years.data, form.pack_days.data)
        if purging.save_periods(new, current_user.id, request_origin()):
            db.session.commit()
            flash(_("The retention periods are saved. The nightly purge applies them."), "success")
        else:
            flash(_("Nothing changed: these are the periods already set."), "info")
        return redirect(url_for("privacy.retention_settings"), 303)
    return render_template(
        "privacy/retention.html", form=form, periods=periods,
        example_left=local_today(), kept_until=retention.scans_kept_until(local_today(), periods.scan_years),
    ), 422 if form.is_submitted() else 200
