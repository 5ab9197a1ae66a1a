"""Course forms: the CSRF-protected shells of reading, answering and acknowledging."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length


class ReadForm(FlaskForm):
    submit = SubmitField(_l("I have read this lesson"))


class QuizForm(FlaskForm):
    """Answers come as ``q-<question id>`` fields, checked against the version's quiz."""

    submit = SubmitField(_l("Check my answers"))


class AcknowledgeForm(FlaskForm):
    typed_name = StringField(
        _l("Your full name"),
        validators=[DataRequired(_l("Type your full name to confirm.")), Length(max=100, message=_l("At most %(max)d characters."))],
    )
    submit = SubmitField(_l("Acknowledge"))


class AssignForm(FlaskForm):
    employee_numbers = TextAreaField(
        _l("Employee numbers"),
        validators=[Length(max=5000, message=_l("At most %(max)d characters."))],
        description=_l("One or more, separated by spaces, commas or new lines."),
    )
    submit = SubmitField(_l("Assign"))
