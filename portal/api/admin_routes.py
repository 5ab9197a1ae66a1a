"""Admin pages for API tokens: create (the secret is shown once), list with last use, revoke."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, render_template, redirect, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import SelectField, SelectMultipleField, StringField, widgets
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from portal.api import tokens
from portal.api.models import ApiToken
from portal.auth.access import requires
from portal.auth.models import User
from portal.auth.policy import Role
from portal.extensions import db

bp = Blueprint("api_admin", __name__, url_prefix="/admin/api")


class TokenForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Name the system that will use the token.")),
                                               Length(max=100, message=_l("At most %(max)d characters."))])
    account = SelectField(_l("Acts as account"), coerce=int, validators=[DataRequired(_l("Choose an account."))])
    scopes = SelectMultipleField(_l("Scopes"), choices=[SelectChoice(k, k) for k in tokens.SCOPES],
                                 option_widget=widgets.CheckboxInput(), widget=widgets.ListWidget(prefix_label=False),
                                 validators=[DataRequired(_l("Choose at least one scope."))])


class RevokeForm(FlaskForm):
    pass


def _token_form(**kwargs: object) -> TokenForm:
    """The accounts a token may act as: enabled managers, HR and administrators. An employee's own
    account is never an integration's (and listing every employee's put 100,000 choices on the page)."""
    form = TokenForm(**kwargs)
    form.account.choices = [SelectChoice(account_id, username) for account_id, username in db.session.execute(
        sa.select(User.id, User.username).where(User.is_enabled.is_(True), User.role != Role.EMPLOYEE)
        .order_by(User.username))]
    return form


@bp.route("/tokens", methods=["GET", "POST"])
@requires("api.manage")
def token_list() -> Response | tuple[str, int] | str:
    """Every token with its account, scopes and last use; a new token's secret is shown once."""
    form = _token_form()
    secret = None
    status = 200
    if form.is_submitted():
        if form.validate():
            account = db.session.get(User, form.account.data)
            token, secret = tokens.create_token(form.name.data, account, set(form.scopes.data), current_user)
            db.session.commit()
            form = _token_form(formdata=None)
        else:
            status = 422
    return render_template("api/tokens.html", form=form, tokens=tokens.all_tokens(), secret=secret,
                           scopes=tokens.SCOPES), status


@bp.post("/tokens/<int:token_id>/revoke")
@requires("api.manage")
def revoke(token_id: int) -> Response:
    """Revoke a token at once (revoking twice changes nothing)."""
    token = db.get_or_404(ApiToken, token_id)
    if not RevokeForm().validate_on_submit():
        abort(400)
    if tokens.revoke_token(token, current_user):
        db.session.commit()
        flash(_("Token %(name)s revoked.", name=token.name), "success")
    return redirect(url_for("api_admin.token_list"), 303)
