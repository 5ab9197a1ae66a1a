"""Every user's notification centre, the bell and the e-mail preference."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import BooleanField, TextAreaField
from wtforms.validators import Length

from portal.auth.access import requires
from portal.core import bounds
from portal.core.types import local_today, utcnow
from portal.evidence.web import request_origin
from portal.extensions import db
from portal.notifications import operations, reminding
from portal.notifications.texts import notification_text
from portal.web.fields import date_field
from portal.web.i18n import locale_code

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


class PreferenceForm(FlaskForm):
    email = BooleanField(_l("Also send my notifications by e-mail"))


class DutiesForm(FlaskForm):
    new_due = date_field(_l("New due date"), bounds.DUE_DATE)
    consent = TextAreaField(
        _l("How the person acknowledged it"), validators=[Length(max=500, message=_l("At most %(max)d characters."))],
        description=_l("Required to record an acknowledgement on their behalf: when, where and how they confirmed "
                       "they read it (for example: read aloud at the shift meeting on 3 May, confirmed by phone)."))


def _render_duties(form: DutiesForm, status: int = 200) -> tuple[str, int]:
    locale = locale_code()
    return render_template("notifications/duties.html", form=form, today=local_today(),
                           duties=reminding.open_duties(sa.true(), locale)), status


@bp.get("/duties")
@requires("reminders.manage")
def duties() -> tuple[str, int]:
    """Every open course and notice, soonest due first, to remind people now or move due dates."""
    return _render_duties(DutiesForm())


@bp.post("/duties")
@requires("reminders.manage")
def act_on_duties() -> Response | tuple[str, int]:
    """``action=remind``: remind the chosen people now; ``extend``: move their due dates;
    ``on_behalf``: record their acknowledgement made outside the portal, with how they gave it."""
    form = DutiesForm()
    action = request.form.get("action")
    if not form.validate_on_submit() or action not in ("remind", "extend", "on_behalf"):
        return _render_duties(form, 422)
    picked = reminding.chosen(request.form.getlist("item")[:500], locale_code())
    if not picked:
        form.form_errors.append(_("Choose at least one course or notice."))
        return _render_duties(form, 422)
    if action == "remind":
        count = reminding.remind_now(picked, local_today(), current_user.id, request_origin())
        db.session.commit()
        flash(_("%(count)d people were reminded.", count=count), "success")
    elif action == "on_behalf":
        note = (form.consent.data or "").strip()
        if not note:
            form.consent.errors = [_("Say how the person acknowledged it: silence or no answer is no acknowledgement.")]
            return _render_duties(form, 422)
        count = reminding.acknowledge_on_behalf(picked, note, current_user.id, request_origin(), utcnow())
        db.session.commit()
        flash(_("%(count)d acknowledgements were recorded on the people's behalf.", count=count), "success")
    else:
        if form.new_due.data is None or form.new_due.data <= local_today():
            form.new_due.errors = [_("Choose a date after today.")]
            return _render_duties(form, 422)
        count = reminding.extend_due_dates(picked, form.new_due.data, current_user.id, request_origin(), utcnow())
        db.session.commit()
        flash(_("%(count)d due dates were moved.", count=count), "success")
    return redirect(url_for("notifications.duties"), 303)


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
                                             unread_count=operations.unread_count_of(current_user._get_current_object())))
    response.vary.add("HX-Request")
    return response
