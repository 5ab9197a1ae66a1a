"""The privacy page (the privacy notice and one's own data) and the download of one's own data."""

from __future__ import annotations

import json

from flask import Blueprint, Response, abort, render_template
from flask_login import current_user

from portal.auth.access import requires
from portal.evidence.web import request_origin
from portal.extensions import db
from portal.notices.models import NoticeDelivery
from portal.notices.operations import notice_by_key
from portal.notices.presenters import body_html
from portal.org.models import Employee
from portal.privacy import operations
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
