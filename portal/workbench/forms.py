"""Workbench forms: the injury report, a decision, the workflow's steps and the import upload."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms.fields.choices import SelectChoice
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from portal.core import bounds
from portal.web.fields import date_field

ROLE_CHOICES = [SelectChoice("employee", _l("Employee")), SelectChoice("manager", _l("Manager")), SelectChoice("hr", _l("HR")), SelectChoice("admin", _l("Admin"))]


class ReportForm(FlaskForm):
    accident_date = date_field(_l("Date of the accident"), required=True)
    place = StringField(_l("Where it happened"), validators=[DataRequired(), Length(max=200)])
    what_happened = TextAreaField(_l("What happened, in a few words"), validators=[DataRequired(), Length(max=300)],
                                  description=_l("No diagnosis or medical detail: only what the report needs."))


class DecisionForm(FlaskForm):
    step = StringField(validators=[DataRequired(), Length(max=40)])
    decision = SelectField(choices=[SelectChoice("approve", _l("Approve")), SelectChoice("return", _l("Return"))])
    comment = TextAreaField(_l("Comment"), validators=[Length(max=1000)])


class StepForm(FlaskForm):
    """Add a named step, or remove or move one row (``operation``, ``key`` posted by the row's
    button); the pure rules check the result."""

    operation = SelectField(choices=[SelectChoice(o, o) for o in ("add", "remove", "up", "down")])
    key = StringField(validators=[Optional(), Length(max=40)])
    label = StringField(_l("Name of the new step"), validators=[Optional(), Length(max=60)],
                        description=_l("As approvers will see it, for example 安全部门复核."))
    role = SelectField(_l("Who decides it"), choices=ROLE_CHOICES, default="hr")
    after = SelectField(_l("Place it after"), coerce=int, validate_choice=False)


class ImportForm(FlaskForm):
    kind = SelectField(_l("What the file holds"), choices=[SelectChoice("departments", _l("Departments")),
                                                           SelectChoice("employees", _l("Employees")),
                                                           SelectChoice("wages", _l("Wage history"))])
    upload = FileField(_l("File (CSV or XLSX)"), validators=[FileRequired(), FileAllowed(["csv", "xlsx"], _l("CSV or XLSX only."))])
    mode = SelectField(choices=[SelectChoice("preview", _l("Check only")), SelectChoice("commit", _l("Import"))])


class ExtendDueForm(FlaskForm):
    due = date_field(_l("New due date"), bounds.SIGNED_DATE, required=True)  # the route words "after today"
