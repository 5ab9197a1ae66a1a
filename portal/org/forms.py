"""The employee form used by HR."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp

from portal.org import operations
from portal.org.labels import CONTRACT_LABELS, LOCALE_LABELS, STATUS_LABELS
from portal.org.models import Employee
from portal.org.rules import EmploymentStatus, employment_date_errors, is_valid_employee_number, normalise_employee_number
from portal.web.fields import date_field

TOO_LONG = _l("At most %(max)d characters.")


class EmployeeForm(FlaskForm):
    number = StringField(
        _l("Employee number"),
        validators=[DataRequired(_l("Enter the employee number.")), Length(max=20, message=TOO_LONG)],
        description=_l("2–20 characters: letters, digits and dashes, e.g. A0123."),
    )
    name = StringField(
        _l("Full name"), validators=[DataRequired(_l("Enter the full name.")), Length(max=100, message=TOO_LONG)]
    )
    hire_date = date_field(_l("Hire date"), required=True)
    department_id = SelectField(
        _l("Department"), coerce=int, validators=[DataRequired(_l("Choose a department."))]
    )
    contract_type = SelectField(
        _l("Contract type"), choices=[SelectChoice(k.value, v) for k, v in CONTRACT_LABELS.items()]
    )
    email = EmailField(
        _l("E-mail"),
        validators=[Optional(), Length(max=254, message=TOO_LONG), Email(_l("Enter a valid e-mail address."))],
    )
    phone = StringField(
        _l("Mobile phone"),
        validators=[
            Optional(),
            Regexp(r"^\+?[0-9][0-9 -]{5,28}$", message=_l("Use digits, spaces and dashes only, e.g. 138 0000 0000.")),
        ],
    )
    preferred_locale = SelectField(_l("Preferred language"), choices=[SelectChoice(k, v) for k, v in LOCALE_LABELS.items()])
    status = SelectField(_l("Status"), choices=[SelectChoice(k.value, v) for k, v in STATUS_LABELS.items()])
    left_date = date_field(_l("Leaving date"))
    submit = SubmitField(_l("Save"))


DATE_ERRORS = {
    "future": lambda: _("This date is in the future."),
    "before_hire": lambda: _("The leaving date is before the hire date."),
    "required_when_left": lambda: _("Enter the leaving date for someone who has left."),
}


def check_employee_form(form: EmployeeForm, person: Employee | None, today: date) -> bool:
    """Field validators, then the checks across fields, so every problem is reported at once (the
    HR form and the API use this same check)."""
    form.validate()
    number = normalise_employee_number(form.number.data or "")
    if number and not form.number.errors:
        if not is_valid_employee_number(number):
            form.number.errors.append(_("Use 2–20 letters, digits or dashes."))
        elif operations.number_taken(number, person.id if person else None):
            form.number.errors.append(_("Another employee already has this number."))
    if form.hire_date.data is not None and not form.status.errors:
        for field, code in employment_date_errors(
            form.hire_date.data, form.left_date.data, EmploymentStatus(form.status.data), today
        ).items():
            getattr(form, field).errors.append(DATE_ERRORS[code]())
    return not any(field.errors for field in form)
