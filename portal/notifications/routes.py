"""Every user's notification centre, the bell and the e-mail preference."""

from __future__ import annotations

from flask import Blueprint, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import BooleanField

from portal.auth.access import requires
from portal.extensions import db
from portal.notifications import operations
from portal.notifications.texts import notification_text

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


class PreferenceForm(FlaskForm):
    email = BooleanField(_l("Also send my notifications by e-mail"))


@bp.get("/", endpoint="index")
@requires("notifications.self")
def notification_list() -> str:
    """Every notification of the signed-in user; opening the page marks them read."""
    rows = operations.recent(current_user.id)
    unread = {n.id for n in rows if n.read_at is None}
    texts = {n.id: notification_text(n.text_key, n.params) for n in rows}
    operations.mark_read(rows)
    form = PreferenceForm(email=current_user.email_notifications)
    has_address = current_user.employee is not None and bool(current_user.employee.email)
    return render_template("notifications/index.html", notifications=rows, unread=unread, texts=texts, form=form,
                           has_address=has_address)


@bp.post("/preferences")
@requires("notifications.self")
def preferences() -> Response:
    """Turn e-mail copies of one's notifications on or off (the portal copy always stays)."""
    form = PreferenceForm()
    if form.validate_on_submit():
        current_user.email_notifications = bool(form.email.data)
        db.session.commit()
        flash(_("Your e-mail preference is saved."), "success")
    return redirect(url_for("notifications.index"), 303)


@bp.get("/bell")
@requires("notifications.self")
def bell() -> Response:
    """The bell with the unread count: the header includes it, htmx polls it every minute."""
    response = make_response(render_template("notifications/_bell.html",
                                             unread_count=operations.unread_count(current_user.id)))
    response.vary.add("HX-Request")
    return response
