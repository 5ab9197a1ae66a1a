"""HR's side (managers read their departments' cases): the case list, opening and editing cases,
the event log, pending actions, wage history, the personal-share account and the regional policy."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from portal.auth.access import authorize, current_actor, requires, scope_filter
from portal.auth.policy import can
from portal.cases import operations
from portal.cases.forms import CaseForm, EntryForm, PlanForm, PolicyForm, WageForm
from portal.cases.models import CaseAction, InjuryCase, policy_from_values, policy_values
from portal.cases.presenters import error_message, helpers
from portal.cases.rules import DEMO_POLICY, EntryKind, Insurance, StatusCode
from portal.cases.routes import case_notices
from portal.core.types import local_today
from portal.evidence.web import request_origin
from portal.extensions import db
from portal.org.models import Employee
from portal.org.operations import all_departments
from portal.web.errors import refuse
from portal.web.htmx import page_or_fragment, wants_fragment
from portal.web.i18n import locale_code
from portal.core import bounds
from portal.core.bounds import positive_int

bp = Blueprint("cases_admin", __name__, url_prefix="/records/cases")


# --- The list -------------------------------------------------------------------------------------


@bp.get("/")
@requires("case.view")
def index() -> Response:
    """Cases in reach with their status and next deadline, filtered by status and department;
    htmx swaps only ``#case-rows``. Cases with a pending action come first."""
    department_id = request.args.get("department", type=positive_int)
    status = request.args.get("status", "")
    query = (sa.select(InjuryCase).join(Employee, InjuryCase.employee_id == Employee.id)
             .where(scope_filter("case.view", Employee.id, Employee.department_id))
             .order_by(InjuryCase.accident_date.desc(), InjuryCase.id.desc()))
    if department_id:
        query = query.where(Employee.department_id == department_id)
    views = [operations.case_view(c) for c in db.session.execute(query).scalars()]
    if status in {s.value for s in StatusCode}:
        views = [v for v in views if v.status is not None and v.status.code.value == status]
    views.sort(key=lambda v: not v.case.pending_actions)
    return page_or_fragment("cases/admin/index.html", "cases/admin/_case_rows.html", "case-rows",
                            views=views, departments=all_departments(), department_id=department_id, status_filter=status,
                            **helpers(locale_code()))


# --- Opening and editing --------------------------------------------------------------------------


def _apply_errors(form: CaseForm, errors: dict[str, str]) -> None:
    for name, code in errors.items():
        field = getattr(form, name, None) or form.accident_date
        field.errors = list(field.errors) + [error_message(code)]


def _date_arg(name: str) -> date | None:
    """A date from the query string (a case opened from a filed injury report), or None."""
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


@bp.route("/new", methods=["GET", "POST"])
@requires("case.manage")
def create() -> Response | tuple[str, int]:
    """Open a case: the process guide is pushed and the injury courses assigned in the same transaction."""
    form = CaseForm(data={"employee_number": request.args.get("employee", ""),
                          "accident_date": _date_arg("accident_date")})
    if form.validate_on_submit():
        number = (form.employee_number.data or "").strip().upper()
        employee = db.session.execute(sa.select(Employee).where(Employee.number == number)).scalar_one_or_none()
        if employee is None:
            form.employee_number.errors = [_("No employee has this number.")]
        else:
            values = form.values()
            errors = operations.case_errors(values, local_today(), operations.policy_on(values["accident_date"]))
            _apply_errors(form, errors)
            if not errors:
                case = operations.open_case(employee, values, current_user.id, request_origin())
                db.session.commit()
                flash(_("Case opened. The process guide was sent to %(name)s and the injury courses assigned.",
                        name=employee.name), "success")
                return redirect(url_for("cases_admin.detail", case_id=case.id), 303)
    status = 422 if form.is_submitted() else 200
    return render_template("cases/admin/form.html", form=form, case=None, **helpers(locale_code())), status


@bp.route("/<int:case_id>/edit", methods=["GET", "POST"])
@requires("case.manage")
def update(case_id: int) -> Response | tuple[str, int]:
    """Change a case; every change is recorded with its old and new value."""
    case = _case(case_id, "case.manage")
    form = CaseForm(data=CaseForm.data_of(case.values()) if request.method == "GET" else None)
    if form.validate_on_submit():
        values = form.values()
        errors = operations.case_errors(values, local_today(), operations.policy_on(values["accident_date"]))
        _apply_errors(form, errors)
        if not errors:
            had_action = bool(case.pending_actions)
            operations.update_case(case, values, current_user.id, request_origin())
            db.session.commit()
            flash(_("Saved."), "success")
            if case.pending_actions and not had_action:
                flash(_("The assessment is recorded: confirm when original pay stops."), "warning")
            return redirect(url_for("cases_admin.detail", case_id=case.id), 303)
    status = 422 if form.is_submitted() else 200
    return render_template("cases/admin/form.html", form=form, case=case, **helpers(locale_code())), status


# --- One case -------------------------------------------------------------------------------------


def _case(case_id: int, action: str) -> InjuryCase:
    case = db.get_or_404(InjuryCase, case_id)
    authorize(action, case)
    return case


def _context(case: InjuryCase, **forms: Any) -> dict[str, Any]:
    view = operations.case_view(case)
    plan_default = {"instalments": view.policy.deduction_instalments if view.policy else 1,
                    "first_date": local_today()}
    return dict(
        view=view, case=case, events=operations.events_of_case(case), wages=operations.wage_history(case.employee_id),
        notices=case_notices(case.employee_id),
        can_manage=can(current_actor(), "case.manage", case),
        wage_form=forms.get("wage_form") or WageForm(formdata=None),
        entry_form=forms.get("entry_form") or EntryForm(formdata=None, data={"on_date": local_today()}),
        plan_form=forms.get("plan_form") or PlanForm(formdata=None, data=plan_default),
        **helpers(locale_code()),
    )


@bp.get("/<int:case_id>")
@requires("case.view")
def detail(case_id: int) -> str:
    """The case: status, timeline, pending actions, account, wages and its event log. The view is logged."""
    case = _case(case_id, "case.view")
    operations.record_view(case, current_user.id, request_origin(), own=case.employee_id == current_user.employee_id)
    db.session.commit()
    return render_template("cases/admin/detail.html", **_context(case))


@bp.post("/<int:case_id>/wages")
@requires("case.manage")
def add_wage(case_id: int) -> Response | tuple[str, int]:
    """Add one month's contribution wage; a month already on record or a negative wage is refused."""
    case = _case(case_id, "case.manage")
    form = WageForm()
    if form.validate_on_submit():
        try:
            operations.add_wage(case.employee, form.year.data, form.month.data, form.wage.data, current_user.id,
                                request_origin())
        except operations.DuplicateMonth:
            form.month.errors = [_("This month is already on record.")]
        else:
            db.session.commit()
            flash(_("Wage month added."), "success")
            return redirect(url_for("cases_admin.detail", case_id=case.id, _anchor="case-wages"), 303)
    return render_template("cases/admin/detail.html", **_context(case, wage_form=form)), 422


@bp.post("/<int:case_id>/actions/<int:action_id>/confirm")
@requires("case.manage")
def confirm_action(case_id: int, action_id: int) -> Response:
    """HR confirms the action the assessment triggered (automatic trigger, human confirmation)."""
    case = _case(case_id, "case.manage")
    action = db.get_or_404(CaseAction, action_id)
    if action.case_id != case.id:
        refuse(404, _("This action belongs to another case."))
    try:
        operations.confirm_action(action, current_user.id, request_origin())
    except operations.AlreadyConfirmed:
        refuse(409, _("This action was already confirmed."))
    db.session.commit()
    flash(_("Confirmed: original pay stops from %(date)s.", date=action.effective_date.isoformat()), "success")
    return redirect(url_for("cases_admin.detail", case_id=case.id), 303)


def _account_response(case: InjuryCase, status: int = 200, **forms: Any) -> Response:
    return page_or_fragment("cases/admin/detail.html", "cases/_account.html", "case-account", status=status,
                            **_context(case, **forms))


@bp.post("/<int:case_id>/account/entries")
@requires("case.manage")
def add_entry(case_id: int) -> Response:
    """Add one movement to the personal-share account; htmx swaps only ``#case-account``."""
    case = _case(case_id, "case.manage")
    form = EntryForm()
    if not form.validate_on_submit():
        return _account_response(case, 422, entry_form=form)
    period = tuple(int(x) for x in form.period.data.split("-")) if form.period.data else None
    operations.add_entry(case, EntryKind(form.kind.data), form.amount.data, form.on_date.data, current_user.id,
                         request_origin(), period=period, note=(form.note.data or "").strip())
    db.session.commit()
    if wants_fragment("case-account"):
        return _account_response(case)
    flash(_("Entry added."), "success")
    return redirect(url_for("cases_admin.detail", case_id=case.id, _anchor="case-account"), 303)


@bp.post("/<int:case_id>/account/owed")
@requires("case.manage")
def record_owed(case_id: int) -> Response:
    """Record the personal share owed for each month of the paid suspension period not yet on the account."""
    case = _case(case_id, "case.manage")
    created = operations.record_owed_for_suspension(case, current_user.id, request_origin())
    db.session.commit()
    if wants_fragment("case-account"):
        return _account_response(case)
    flash(_("%(count)d month(s) of personal share recorded.", count=len(created)), "success")
    return redirect(url_for("cases_admin.detail", case_id=case.id, _anchor="case-account"), 303)


@bp.post("/<int:case_id>/account/plan")
@requires("case.manage")
def deduction_plan(case_id: int) -> Response:
    """Deduct the balance from the one-time disability subsidy, at once or in instalments."""
    case = _case(case_id, "case.manage")
    form = PlanForm()
    if form.validate_on_submit():
        try:
            operations.apply_deduction_plan(case, form.instalments.data, form.first_date.data, current_user.id,
                                            request_origin())
        except operations.NothingToDeduct:
            form.instalments.errors = [_("Nothing to deduct: no balance owed, or no one-time subsidy yet.")]
        else:
            db.session.commit()
            if wants_fragment("case-account"):
                return _account_response(case)
            flash(_("Deduction plan recorded."), "success")
            return redirect(url_for("cases_admin.detail", case_id=case.id, _anchor="case-account"), 303)
    return _account_response(case, 422, plan_form=form)


# --- Regional policy ------------------------------------------------------------------------------


def _policy_data() -> dict[str, Any]:
    versions = operations.policy_versions()
    policy = versions[0].to_policy() if versions else DEMO_POLICY
    values = policy_values(policy)
    data: dict[str, Any] = {k: v for k, v in values.items() if not isinstance(v, dict)}
    data.update(region=policy.region, source=policy.source, valid_from=local_today())
    for insurance in ("pension", "medical", "unemployment"):
        rates = values["insurance_rates"].get(insurance, {"employer": "0", "personal": "0"})
        data[f"{insurance}_employer"] = Decimal(rates["employer"])
        data[f"{insurance}_personal"] = Decimal(rates["personal"])
    data["work_injury_employer"] = Decimal(values["insurance_rates"].get("work_injury", {"employer": "0"})["employer"])
    for name in ("medical_subsidy_months", "employment_subsidy_months"):
        data[name] = ", ".join(str(values[name][str(g)]) for g in range(5, 11))
    for name in ("average_monthly_wage", "minimum_monthly_wage", "national_disposable_income",
                 "contribution_base_floor", "contribution_base_ceiling", "housing_fund_employer_rate",
                 "housing_fund_personal_rate"):
        data[name] = Decimal(values[name])
    return data


def _policy_from_form(form: PolicyForm) -> Any:
    """The submitted figures as a ``RegionalPolicy`` (validated by it), the newest version's other figures kept."""
    versions = operations.policy_versions()
    values = policy_values(versions[0].to_policy() if versions else DEMO_POLICY)
    for name in ("average_monthly_wage", "minimum_monthly_wage", "national_disposable_income",
                 "contribution_base_floor", "contribution_base_ceiling", "housing_fund_employer_rate",
                 "housing_fund_personal_rate", "personal_share_handling", "personal_share_instalments",
                 "pay_stop_rule", "own_wage_rule"):
        value = getattr(form, name).data
        values[name] = str(value) if isinstance(value, Decimal) else value
    rates = dict(values["insurance_rates"])
    for insurance in ("pension", "medical", "unemployment"):
        rates[insurance] = {"employer": str(getattr(form, f"{insurance}_employer").data),
                            "personal": str(getattr(form, f"{insurance}_personal").data)}
    rates[Insurance.WORK_INJURY.value] = {"employer": str(form.work_injury_employer.data), "personal": "0"}
    values["insurance_rates"] = rates
    for name in ("medical_subsidy_months", "employment_subsidy_months"):
        parts = [p for p in form[name].data.replace("，", ",").replace(" ", ",").split(",") if p]
        try:
            for part in parts:
                bounds.decimal_in_bounds(part, places=1, maximum=bounds.MAX_MONTHS)
        except bounds.OutOfBounds:
            parts = []
        if len(parts) != 6:
            form[name].errors = [_("Give six numbers of months, for grades 5 to 10, separated by commas.")]
            return None
        values[name] = {str(grade): part for grade, part in zip(range(5, 11), parts)}
    try:
        return policy_from_values(form.region.data.strip(), form.valid_from.data, form.source.data.strip(), values)
    except (ValueError, TypeError) as problem:
        text = str(problem)
        if text.startswith("contribution_base_floor"):
            form.contribution_base_floor.errors = [_("The floor must not be above the ceiling.")]
        elif text.startswith("housing_fund_base_floor"):
            form.contribution_base_ceiling.errors = [_("The ceiling is below the housing fund floor.")]
        else:
            form.form_errors.append(text)
        return None


@bp.route("/policy", methods=["GET", "POST"])
@requires("policy.manage")
def policy() -> Response | tuple[str, int]:
    """The regional policy versions; saving the form creates a new version from its date."""
    form = PolicyForm(data=_policy_data() if request.method == "GET" else None)
    if form.validate_on_submit():
        new = _policy_from_form(form)
        if new is not None:
            try:
                operations.save_policy(new, current_user.id, request_origin())
            except operations.PolicyExists:
                form.valid_from.errors = [_("A version of this region is already valid from this date.")]
            else:
                db.session.commit()
                flash(_("Saved as a new version valid from %(date)s.", date=new.valid_from.isoformat()), "success")
                return redirect(url_for("cases_admin.policy"), 303)
    status = 422 if form.is_submitted() else 200
    return render_template("cases/admin/policy.html", form=form, versions=operations.policy_versions(),
                           today=local_today(), in_force=operations.policy_on(local_today())), status
