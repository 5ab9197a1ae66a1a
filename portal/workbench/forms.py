"""Workbench forms: the injury report, a decision, the workflow's steps and the import upload."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms.fields.choices import SelectChoice
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

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
    """Add, remove or move one step (``operation``); the pure rules check the result."""

    operation = SelectField(choices=[SelectChoice("add", "add"), SelectChoice("remove", "remove"), SelectChoice("move", "move")])
    key = StringField(_l("Step key"), validators=[DataRequired(), Length(max=40),
                                                  Regexp(r"^[a-z][a-z0-9_]*$", message=_l("Use lowercase letters, digits and _."))])
    role = SelectField(_l("Role"), choices=ROLE_CHOICES, validators=[Optional()])
    position = IntegerField(_l("Position"), validators=[Optional(), NumberRange(min=1, max=50)])


class ImportForm(FlaskForm):
    kind = SelectField(_l("What the file holds"), choices=[SelectChoice("departments", _l("Departments")),
                                                           SelectChoice("employees", _l("Employees")),
                                                           SelectChoice("wages", _l("Wage history"))])
    upload = FileField(_l("File (CSV or XLSX)"), validators=[FileRequired(), FileAllowed(["csv", "xlsx"], _l("CSV or XLSX only."))])
    mode = SelectField(choices=[SelectChoice("preview", _l("Check only")), SelectChoice("commit", _l("Import"))])


class ExtendDueForm(FlaskForm):
    due = date_field(_l("New due date"), bounds.SIGNED_DATE, required=True)  # the route words "after today"
