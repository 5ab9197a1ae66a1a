"""The webhook delivery log for admin, with "send again"."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from portal.auth.access import requires
from portal.extensions import db
from portal.webhooks import operations
from portal.webhooks.models import Delivery

bp = Blueprint("webhooks", __name__, url_prefix="/admin/webhooks")


class ResendForm(FlaskForm):
    pass


@bp.get("/")
@requires("api.manage")
def deliveries() -> str:
    """Subscriptions and the latest deliveries with their attempts, status and error."""
    return render_template("webhooks/deliveries.html", subscriptions=operations.subscriptions(),
                           deliveries=operations.delivery_log())


@bp.post("/deliveries/<int:delivery_id>/resend")
@requires("api.manage")
def resend(delivery_id: int) -> Response:
    """Send a delivery again now, whatever happened before (the receiver deduplicates by event id)."""
    delivery = db.get_or_404(Delivery, delivery_id)
    if not ResendForm().validate_on_submit():
        abort(400)
    delivery.delivered_at = None
    db.session.commit()
    if operations.send(delivery.id):
        flash(_("Delivered."), "success")
    else:
        flash(_("The receiver did not accept it; see the status and error."), "error")
    return redirect(url_for("webhooks.deliveries"), 303)
