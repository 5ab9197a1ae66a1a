"""Sign-in and password forms."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError


class LoginForm(FlaskForm):
    username = StringField(
        _l("Username"),
        validators=[DataRequired(_l("Enter your username.")), Length(max=64, message=_l("At most %(max)d characters."))],
        render_kw={"autocomplete": "username", "autocapitalize": "none"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(_l("Enter your password.")), Length(max=128, message=_l("At most %(max)d characters."))],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField(_l("Keep me signed in on this device"))
    submit = SubmitField(_l("Sign in"))


def _strong_enough(form: FlaskForm, field: PasswordField) -> None:
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(field.data or "") < minimum:
        raise ValidationError(_l("Use at least %(min)d characters.", min=minimum))


class NewPasswordMixin:
    new_password = PasswordField(
        _l("New password"),
        validators=[
            DataRequired(_l("Enter a new password.")),
            _strong_enough,
            Length(max=128, message=_l("At most %(max)d characters.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(_l("Repeat the new password.")), EqualTo("new_password", _l("The two passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )


class ChangePasswordForm(NewPasswordMixin, FlaskForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(_l("Enter your current password.")), Length(max=128)],
        render_kw={"autocomplete": "current-password"},
    )
    submit = SubmitField(_l("Change password"))


class ResetPasswordForm(NewPasswordMixin, FlaskForm):
    submit = SubmitField(_l("Set password"))


class IssueResetLinkForm(FlaskForm):
    submit = SubmitField(_l("Create a one-time reset link"))


class ActivationForm(NewPasswordMixin, FlaskForm):
    code = StringField(
        _l("Activation code"),
        validators=[DataRequired(_l("Enter the code from your sheet.")), Length(max=30, message=_l("At most %(max)d characters."))],
        render_kw={"autocomplete": "one-time-code", "autocapitalize": "characters"},
    )
    submit = SubmitField(_l("Set password"))
