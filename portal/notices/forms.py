"""Notice forms: HR's writing, pushing and answering; the employee's acknowledgement and questions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, StopValidation


from portal.core import bounds
from portal.lifecycle.rules import ChangeKind
from portal.notices import rules
from portal.notices.presenters import KIND_LABELS
from portal.notices.rules import TextProblem
from portal.web.fields import date_field, whole_field
from portal.web.fragments import KeptSelect


class CleanText:
    """Cleans a text field with ``rules`` and checks it with ``rules.text_problem``; without
    ``empty_message`` the field may stay empty."""

    def __init__(self, max_length: int, empty_message: Any = None,
                 clean: Callable[[str], str] = rules.clean_text) -> None:
        self.max_length, self.empty_message, self.clean = max_length, empty_message, clean
        self.field_flags = {"required": True} if empty_message else {}

    def __call__(self, form: FlaskForm, field: Field) -> None:
        field.data = self.clean(field.data or "")
        problem = rules.text_problem(field.data, self.max_length)
        if problem is TextProblem.EMPTY and self.empty_message:
            raise StopValidation(str(self.empty_message))
        if problem is TextProblem.TOO_LONG:
            raise StopValidation(_("At most %(max)d characters; this has %(count)d.", max=self.max_length,
                                   count=len(field.data)))


class NoticeForm(FlaskForm):
    title_zh = StringField(_l("Title in Chinese"),
                           validators=[CleanText(rules.TITLE_MAX, _l("Enter the Chinese title."), rules.clean_title)])
    body_zh = TextAreaField(
        _l("Text in Chinese"), validators=[CleanText(rules.BODY_MAX, _l("Enter the Chinese text."))],
        description=_l("Markdown: ## for a heading, - for a list, **bold**. Name the articles the notice relies on."),
    )
    title_en = StringField(_l("Title in English"), validators=[CleanText(rules.TITLE_MAX, clean=rules.clean_title)])
    body_en = TextAreaField(
        _l("Text in English"), validators=[CleanText(rules.BODY_MAX)],
        description=_l("Optional. Employees who read English see it; without it they see the Chinese text."),
    )
    change = RadioField(
        _l("This change is"), default=ChangeKind.MATERIAL.value,
        choices=[SelectChoice(ChangeKind.MINOR.value,
                              _l("Minor (typo, formatting): acknowledgements of earlier versions stay valid")),
                 SelectChoice(ChangeKind.MATERIAL.value,
                              _l("Material: everyone who acknowledged an earlier version is asked again"))],
    )
    change_note = StringField(_l("What changed"), validators=[CleanText(rules.CHANGE_NOTE_MAX, clean=rules.clean_title)],
                              description=_l("Kept in the ledger with the new version and shown on the receipts."))
    validity_months = whole_field(
        _l("Valid for (months)"), 1, 120, message=_l("From 1 to 120 months."),
        description=_l("Optional. An acknowledgement expires after this many months and the notice is sent again."),
    )
    submit = SubmitField(_l("Save"))

    def validate(self, extra_validators: Any = None) -> bool:
        """The English title and text come together or not at all."""
        valid = super().validate(extra_validators)
        if not (self.title_en.errors or self.body_en.errors) and bool(self.title_en.data) != bool(self.body_en.data):
            missing = self.body_en if self.title_en.data else self.title_en
            missing.errors.append(_("Give the English title and text together, or leave both empty."))
            return False
        return valid


class PushForm(FlaskForm):
    employee_numbers = TextAreaField(
        _l("Employee numbers"), validators=[Length(max=5000, message=_l("At most %(max)d characters."))],
        description=_l("One or more, separated by spaces, commas or new lines."),
    )
    department = SelectField(_l("Or a whole department"), coerce=int, default=0, id="push-department",
                             widget=KeptSelect())
    due_date = date_field(_l("Acknowledge by"), bounds.DUE_DATE, required=True)
    submit = SubmitField(_l("Push"))


class AcknowledgeForm(FlaskForm):
    typed_name = StringField(
        _l("Your full name"),
        validators=[DataRequired(_l("Type your full name to confirm.")),
                    Length(max=100, message=_l("At most %(max)d characters."))],
    )
    submit = SubmitField(_l("Acknowledge"))


class ResponseForm(FlaskForm):
    kind = SelectField(_l("This is"), choices=[SelectChoice(k.value, label) for k, label in KIND_LABELS.items()])
    text = TextAreaField(
        _l("Your question or objection"),
        validators=[CleanText(rules.RESPONSE_MAX, _l("Write your question or objection."))],
        description=_l("Up to 2000 characters. HR answers here; both are recorded."),
    )
    submit = SubmitField(_l("Send to HR"))


class AnswerForm(FlaskForm):
    answer = TextAreaField(_l("Your answer"), validators=[CleanText(rules.RESPONSE_MAX, _l("Write the answer."))])
    submit = SubmitField(_l("Send the answer"))
