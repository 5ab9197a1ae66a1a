"""Forms that every page can show."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField
from wtforms.validators import DataRequired, Length


class LocaleForm(FlaskForm):
    locale = StringField(validators=[DataRequired(), Length(max=10)])
    next = HiddenField()


class LogoutForm(FlaskForm):
    """Only the CSRF token: signing out is a POST."""
