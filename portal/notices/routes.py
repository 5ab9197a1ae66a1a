"""The employee's side: My notices, reading, acknowledging, asking or objecting, receipts."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from portal.auth.access import authorize, own_rows, requires
from portal.auth.figures import read_with_the_account_on
from portal.core.records import commit_keeping_loaded
from portal.core.types import local_today
from portal.evidence.web import request_origin
from portal.extensions import db
from portal.lifecycle.operations import notice_standing
from portal.notices import operations, rules
from portal.notices.forms import AcknowledgeForm, ResponseForm
from portal.notices.models import NoticeDelivery
from portal.notices.presenters import (
    KIND_LABELS,
    SECTION_TITLES,
    STATUS_LABELS,
    all_texts,
    body_html,
    sections,
    status_of,
    version_titles,
)
from portal.notices.rules import ResponseKind
from portal.notifications.receipts import queue_notice_receipt
from portal.web.errors import refuse
from portal.web.fragments import kept_fragment_of
from portal.web.htmx import page_or_fragment, wants_fragment
from portal.web.i18n import locale_code
from portal.web.signed_in import request_user
from portal.web import layout
from portal.web.templating import as_text

bp = Blueprint("notices", __name__, url_prefix="/notices", cli_group="notices")


def _my_delivery(delivery_id: int) -> NoticeDelivery:
    """One of the signed-in employee's deliveries (404 for anyone else's)."""
    if current_user.employee_id is None:
        abort(404)
    delivery = operations.my_delivery(delivery_id, current_user.employee_id) or abort(404)
    authorize("notice.self", delivery)
    return delivery


def _detail_context(
    delivery: NoticeDelivery, ack_form: AcknowledgeForm | None = None, response_form: ResponseForm | None = None,
    sent: bool = False,
) -> dict[str, Any]:
    version = delivery.version
    shown = version.shown_locale(locale_code())
    return dict(
        delivery=delivery, version=version, shown=shown, title=version.title(shown), html=body_html(version, shown),
        statement=rules.notice_statement(shown, version.title(shown), version.number),
        state=status_of(delivery, operations.shanghai_date()), status_labels=STATUS_LABELS, kind_labels=KIND_LABELS,
        ack_form=ack_form or AcknowledgeForm(formdata=None), response_form=response_form or ResponseForm(formdata=None),
        sent=sent,
    )


read_with_the_account_on("notices.index", operations.my_deliveries_read())


@bp.get("/")
@requires("notice.self")
def index() -> Response:
    """My notices: overdue, new, to acknowledge and done, with due dates."""
    if request_user().employee_id is None:
        abort(404)
    today, rows = operations.shanghai_date(), own_rows()

    def notices() -> dict[str, Any]:
        deliveries = [operations.MyDelivery(*row) for row in rows]
        return dict(sections=sections(deliveries, today), titles=version_titles(deliveries, locale_code()),
                    section_titles=as_text(SECTION_TITLES), status_labels=as_text(STATUS_LABELS))

    return layout.page(_("My notices"), kept_fragment_of("notices/_my_notices.html", (rows, today), notices))


@bp.get("/<int:delivery_id>")
@requires("notice.self")
def detail(delivery_id: int) -> str:
    """Read a notice (every opening is recorded), acknowledge it, ask or object."""
    delivery = _my_delivery(delivery_id)
    operations.open_notice(delivery, locale_code(), current_user.id, request_origin())
    db.session.commit()
    return render_template("notices/detail.html", **_detail_context(delivery))


@bp.post("/<int:delivery_id>/acknowledge")
@requires("notice.self")
def acknowledge(delivery_id: int) -> Response | tuple[str, int]:
    """The explicit acknowledgement: the exact statement and the employee's typed full name."""
    delivery = _my_delivery(delivery_id)
    form = AcknowledgeForm()
    first = delivery.acknowledgement is None
    if first and not form.validate_on_submit():
        return render_template("notices/detail.html", **_detail_context(delivery, ack_form=form)), 422
    try:
        record = operations.acknowledge_notice(delivery, form.typed_name.data, locale_code(), current_user.id,
                                               request_origin())
    except operations.NotOpened:
        refuse(409, _("Open the notice and read it before you acknowledge it."))
    except operations.WrongName as wrong:
        form.typed_name.errors.append(_("Type your full name exactly as HR recorded it: %(name)s.",
                                        name=wrong.expected))
        return render_template("notices/detail.html", **_detail_context(delivery, ack_form=form)), 422
    queue_notice_receipt(record)
    commit_keeping_loaded()
    flash(_("Thank you. Your acknowledgement is recorded."), "success")
    return redirect(url_for("notices.receipt", number=record.receipt_number), 303)


@bp.post("/<int:delivery_id>/respond")
@requires("notice.self")
def respond(delivery_id: int) -> Response:
    """Ask HR a question about the notice, or object to it; htmx swaps only ``#notice-responses``."""
    delivery = _my_delivery(delivery_id)
    form = ResponseForm()
    if not form.validate_on_submit():
        return page_or_fragment("notices/detail.html", "notices/_responses.html", "notice-responses", status=422,
                                **_detail_context(delivery, response_form=form))
    operations.respond(delivery, ResponseKind(form.kind.data), form.text.data, current_user.id, request_origin())
    db.session.commit()
    if not wants_fragment("notice-responses"):
        flash(_("Sent. HR will answer on this page."), "success")
        return redirect(url_for("notices.detail", delivery_id=delivery.id, _anchor="notice-responses"), 303)
    return page_or_fragment("notices/detail.html", "notices/_responses.html", "notice-responses",
                            **_detail_context(delivery, sent=True))


@bp.get("/receipts/<number>")
@requires("receipt.view")
def receipt(number: str) -> str:
    """A printable receipt: who acknowledged which exact text, when, from where, with its hashes."""
    record = operations.acknowledgement_by_receipt(number) or abort(404)
    authorize("receipt.view", record)
    version = record.delivery.version
    return render_template("notices/receipt.html", record=record, delivery=record.delivery, version=version,
                           texts=all_texts(version), standing=notice_standing(record, local_today()))
