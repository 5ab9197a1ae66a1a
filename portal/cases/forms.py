"""Case forms: the case itself, wage months, account entries, the deduction plan, the regional policy.

The forms check types and plain ranges; the order of the steps and the Regulations' limits are
checked by the rules engine (``operations.case_errors`` → ``validate_case_facts``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from uuid import uuid4

from wtforms import BooleanField, DateField, HiddenField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp

from portal.cases.models import CASE_FIELDS
from portal.cases.presenters import APPLICANT_LABELS, CARE_LABELS, CONDITION_LABELS, ENTRY_LABELS_HR, RELATION_LABELS
from portal.cases.rules import FirstMonthRule, OwnWageRule, PayStopRule, PersonalShareHandling
from portal.core import bounds
from portal.web.fields import BoundedDecimalField, date_field, money_field, whole_field

def _date(label: Any, required: bool = False, window: bounds.DateWindow = bounds.EVENT_DATE) -> DateField:
    return date_field(label, window, required)


def _whole(label: Any, description: Any = None) -> IntegerField:
    return whole_field(label, -120, 120, description=description)  # the rules engine words the sign


class CaseForm(FlaskForm):
    employee_number = StringField(_l("Employee number"), validators=[Optional(), Length(max=20)])
    accident_date = _date(_l("Date of the accident"), required=True)
    description = StringField(_l("What happened, in a few words"), validators=[Length(max=300)],
                              description=_l("No diagnosis or medical detail: only what the case needs."))
    reported_date = _date(_l("Reported to the employer on"))
    recognition_applied_date = _date(_l("Recognition applied for on"))
    recognition_applicant = SelectField(_l("Applied by"), choices=[SelectChoice("", "—")] + [
        SelectChoice(k, v) for k, v in APPLICANT_LABELS.items()], default="")
    recognition_accepted_date = _date(_l("Application accepted on"))
    recognition_decided_date = _date(_l("Recognition decided on"))
    recognized = SelectField(_l("Outcome"), choices=[SelectChoice("", "—"), SelectChoice("yes", _l("Recognized")),
                                                     SelectChoice("no", _l("Not recognized"))], default="")
    decision_number = StringField(_l("Decision number"), validators=[Length(max=60)])
    decision_served_date = _date(_l("Decision served on"))
    suspension_start = _date(_l("Paid suspension period starts on"))
    suspension_months = _whole(_l("Planned months (at most 12)"))
    extension_months = _whole(_l("Extension months (at most 12)"),
                              _l("Only as confirmed by the assessment committee (Regulations Art. 33)."))
    extension_confirmed_date = _date(_l("Extension confirmed on"))
    assessment_applied_date = _date(_l("Assessment applied for on"))
    assessment_concluded_date = _date(_l("Assessment concluded on"))
    grade = _whole(_l("Disability grade (1–10, empty for none)"))
    care_level = SelectField(_l("Care level"), choices=[SelectChoice("", "—")] + [
        SelectChoice(k, v) for k, v in CARE_LABELS.items()], default="")
    reassessment_applied_date = _date(_l("Re-assessment applied for on"))
    reassessment_concluded_date = _date(_l("Re-assessment concluded on"))
    reassessment_grade = _whole(_l("Re-assessment grade"))
    returned_to_work_date = _date(_l("Returned to work on"))
    left_date = _date(_l("Left the company on"))
    death_date = _date(_l("Date of death"))
    contract_monthly_wage = money_field(
        _l("Contract monthly wage (yuan)"), required=False,
        description=_l("Only for an injury in the first month, before a full month of wages is on record."))
    submit = SubmitField(_l("Save"))

    def values(self) -> dict[str, Any]:
        """The case columns from the submitted data (empty choices as None)."""
        values: dict[str, Any] = {}
        for name in CASE_FIELDS:
            value = getattr(self, name).data
            if name == "recognized":
                value = {"yes": True, "no": False}.get(value)
            elif name in ("recognition_applicant", "care_level", "decision_number"):
                value = value or None
            elif name == "description":
                value = (value or "").strip()
            values[name] = value
        return values

    @classmethod
    def data_of(cls, values: dict[str, Any]) -> dict[str, Any]:
        data = dict(values)
        data["recognized"] = {True: "yes", False: "no"}.get(values.get("recognized"), "")
        for name in ("recognition_applicant", "care_level", "decision_number"):
            data[name] = values.get(name) or ""
        return data


class WageForm(FlaskForm):
    year = whole_field(_l("Year"), 2000, 2100, required=True, message=_l("A year between 2000 and 2100."))
    month = whole_field(_l("Month"), 1, 12, required=True, message=_l("A month is 1 to 12."))
    wage = money_field(_l("Contribution wage (yuan)"))
    submit = SubmitField(_l("Add the month"))


REASON_MESSAGE = _l("Give the reason: the record keeps it with the old value.")


class WageCorrectionForm(FlaskForm):
    """Correct one recorded month (prefixed per row: every month has its own form)."""

    wage = money_field(_l("Corrected wage (yuan)"))
    reason = StringField(_l("Reason"), validators=[DataRequired(REASON_MESSAGE), Length(max=200)])
    submit = SubmitField(_l("Correct"))


class WageDeleteForm(FlaskForm):
    reason = StringField(_l("Reason for deleting"), validators=[DataRequired(REASON_MESSAGE), Length(max=200)])
    submit = SubmitField(_l("Delete the month"))


class DependantForm(FlaskForm):
    """A dependant of a worker who died: who, and why they qualify (Regulations Art. 39 ¶1(2))."""

    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter the relative's name.")), Length(max=50)])
    relation = SelectField(_l("Relation to the worker"),
                           choices=[SelectChoice(k.value, v) for k, v in RELATION_LABELS.items()])
    condition = SelectField(_l("Why the relative qualifies"),
                            choices=[SelectChoice(k.value, v) for k, v in CONDITION_LABELS.items()])
    lone = BooleanField(_l("An orphan or a lone elderly person (10 percent more)"))
    submit = SubmitField(_l("Add the dependant"))


class DependantRemoveForm(FlaskForm):
    reason = StringField(_l("Reason for removing"), validators=[DataRequired(REASON_MESSAGE), Length(max=200)])
    submit = SubmitField(_l("Remove"))


class HolidayForm(FlaskForm):
    """A day the State Council's announcement makes a public holiday or a working day (调休)."""

    day = _date(_l("Day"), required=True)
    working = SelectField(_l("The day is"), choices=[SelectChoice("holiday", _l("a public holiday")),
                                                     SelectChoice("working", _l("an adjusted working day"))])
    name = StringField(_l("Name or announcement"), validators=[DataRequired(_l("Name the holiday or the announcement.")),
                                                               Length(max=100)])
    submit = SubmitField(_l("Save the day"))


class EntryForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=[SelectChoice(k.value, v) for k, v in ENTRY_LABELS_HR.items()])
    amount = money_field(_l("Amount (yuan)"), minimum=bounds.MONEY_PLACES)
    on_date = _date(_l("Date"), required=True)
    period = StringField(_l("Month it belongs to (YYYY-MM)"),
                         validators=[Optional(), Regexp(r"^\d{4}-(0[1-9]|1[0-2])$", message=_l("Enter YYYY-MM."))])
    note = StringField(_l("Note"), validators=[Length(max=200)])
    submit = SubmitField(_l("Add the entry"))


class PlanForm(FlaskForm):
    instalments = whole_field(_l("Instalments"), 1, 24, required=True, message=_l("1 (at once) to 24 instalments."))
    first_date = _date(_l("First deduction on"), required=True, window=bounds.PLAN_DATE)
    amount = money_field(_l("Amount to deduct (yuan)"), required=False, minimum=bounds.MONEY_PLACES,
                         description=_l("Leave empty to deduct everything still owed."))
    # A new token each time the form is shown: a double click or a retry sends the same one.
    token = HiddenField(default=lambda: uuid4().hex,
                        validators=[InputRequired(_l("Reload the page and try again.")), Length(max=64)])
    submit = SubmitField(_l("Deduct from the one-time subsidy"))


def _rate_field(label: Any) -> BoundedDecimalField:
    return BoundedDecimalField(label, [InputRequired(_l("Enter a rate as a fraction, such as 0.08."))],
                               places=4, minimum=Decimal(0), maximum=Decimal(1))


class PolicyForm(FlaskForm):
    region = StringField(_l("Region"), validators=[DataRequired(_l("Enter the region.")), Length(max=200)])
    valid_from = _date(_l("Valid from"), required=True, window=bounds.POLICY_DATE)
    source = TextAreaField(_l("Source"), validators=[DataRequired(_l("Name the source of the figures."))])
    average_monthly_wage = money_field(_l("Regional average monthly wage (prior year)"))
    minimum_monthly_wage = money_field(_l("Local minimum monthly wage"))
    national_disposable_income = money_field(_l("National urban per-capita disposable income (prior year)"))
    contribution_base_floor = money_field(_l("Contribution base floor"))
    contribution_base_ceiling = money_field(_l("Contribution base ceiling"))
    pension_employer = _rate_field(_l("Pension, employer rate"))
    pension_personal = _rate_field(_l("Pension, personal rate"))
    medical_employer = _rate_field(_l("Medical, employer rate"))
    medical_personal = _rate_field(_l("Medical, personal rate"))
    unemployment_employer = _rate_field(_l("Unemployment, employer rate"))
    unemployment_personal = _rate_field(_l("Unemployment, personal rate"))
    work_injury_employer = _rate_field(_l("Work injury, employer rate"))
    housing_fund_employer_rate = _rate_field(_l("Housing fund, employer rate"))
    housing_fund_personal_rate = _rate_field(_l("Housing fund, personal rate"))
    medical_subsidy_months = StringField(_l("One-time medical subsidy, months for grades 5–10"),
                                         validators=[DataRequired(_l("Give six numbers."))])
    employment_subsidy_months = StringField(_l("One-time employment subsidy, months for grades 5–10"),
                                            validators=[DataRequired(_l("Give six numbers."))])
    personal_share_handling = SelectField(_l("Personal share recovered"), choices=[
        SelectChoice(PersonalShareHandling.DEDUCT_AT_ONCE.value, _l("At once")),
        SelectChoice(PersonalShareHandling.INSTALMENTS.value, _l("In instalments"))])
    personal_share_instalments = whole_field(_l("Default instalments"), 1, 24, required=True,
                                             message=_l("1 to 24 instalments."))
    pay_stop_rule = SelectField(_l("Original pay stops"), choices=[
        SelectChoice(PayStopRule.DAY_AFTER.value, _l("The day after the period ends or the grade is assessed")),
        SelectChoice(PayStopRule.NEXT_MONTH.value, _l("From the first day of the next month"))])
    own_wage_rule = SelectField(_l("Own wage with fewer than 12 months"), choices=[
        SelectChoice(OwnWageRule.MONTHS_WORKED.value, _l("Average of the months worked")),
        SelectChoice(OwnWageRule.MONTHS_CONTRIBUTED.value, _l("Average of the months with contributions")),
        SelectChoice(OwnWageRule.TWELVE_MONTHS.value, _l("Sum divided by 12"))])
    first_month_rule = SelectField(_l("Own wage of an injury in the first month"), choices=[
        SelectChoice(FirstMonthRule.CONTRACT_WAGE.value, _l("The contract wage")),
        SelectChoice(FirstMonthRule.REGIONAL_FLOOR.value, _l("60 percent of the regional average wage"))])
    personal_share_includes_housing_fund = SelectField(_l("The personal share the employer recovers"), choices=[
        SelectChoice("no", _l("Social insurance only")),
        SelectChoice("yes", _l("Social insurance and the housing fund"))])
    submit = SubmitField(_l("Save as a new version"))

    RATE_FIELDS = ("pension", "medical", "unemployment")
