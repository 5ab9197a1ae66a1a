"""HR's side (managers read their departments' cases): the case list, opening and editing cases,
the event log, pending actions, wage history, the personal-share account and the regional policy."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup
from werkzeug.wrappers import Response

from portal.auth.access import authorize, current_actor, requires, scope_filter
from portal.auth.policy import can
from portal.cases import calendar, freshness, operations, statuses
from portal.cases.forms import (
    CaseForm,
    DependantForm,
    DependantRemoveForm,
    EntryForm,
    HolidayForm,
    PlanForm,
    PolicyForm,
    WageCorrectionForm,
    WageDeleteForm,
    WageForm,
)
from portal.cases.models import CaseAction, InjuryCase, WageMonth, policy_from_values, policy_values
from portal.cases import rules
from portal.cases.presenters import DEPENDANT_ERRORS, STATUS_FILTER_LABELS, error_message, helpers, money
from portal.cases.rules import DEMO_POLICY, EntryKind, Insurance, StatusCode
from portal.cases.routes import case_notices
from portal.core.records import commit_keeping_loaded
from portal.core.listing import Key, Ordering, paginate, sort_keys
from portal.core.paging import sort_of
from portal.core.types import local_today
from portal.evidence.web import request_origin
from portal.extensions import db
from portal.org.models import Employee
from portal.org.operations import department_choices, search_condition
from portal.web.errors import refuse
from portal.web.htmx import page_or_fragment, wants_fragment
from portal.web.i18n import locale_code
from portal.core import bounds
from portal.core.bounds import positive_int

bp = Blueprint("cases_admin", __name__, url_prefix="/records/cases")


# --- The list -------------------------------------------------------------------------------------


CASE_SORTS = ("accident", "name", "number", "department")
CASES_PER_PAGE = 20


@bp.get("/")
@requires("case.view")
def index() -> Response:
    """Cases in reach with their status and next deadline, searched, filtered by status and
    department, sorted and paged; htmx swaps only ``#case-rows``. Cases with a pending action come
    first. Only the shown page's cases are computed; the status filter pages by the stored statuses
    (``portal.cases.statuses``). The filter form and the rows are kept until their inputs change."""
    args = request.args
    department_id = args.get("department", type=positive_int)
    status = args.get("status", "")
    search = args.get("q", "")[:100]
    sort = sort_of(args.get("sort"), CASE_SORTS, "-accident")
    requested = args.get("page", 1, type=positive_int) or 1
    at = args.get("at", "")[:500]
    list_args = {"q": search, "status": status, "department": department_id or "", "sort": sort.param}
    today, locale = local_today(), locale_code()
    arguments = (department_id, status, search, sort.param, requested, at)
    case_filters, case_table = freshness.kept("case list", today, locale, arguments, lambda: (
        Markup(render_template("cases/admin/_case_filters.html", departments=department_choices(locale, visible_only=False),
                               department_id=department_id, status_filter=status, search=search, sort=sort,
                               status_filter_labels=STATUS_FILTER_LABELS, locale=locale)),
        Markup(render_template("cases/admin/_case_table.html", sort=sort, list_args=list_args,
                               **helpers(locale, third_person=True),
                               **_case_rows(today, department_id, status, search, sort, requested, at)))))
    return page_or_fragment("cases/admin/index.html", "cases/admin/_case_rows.html", "case-rows",
                            case_table=case_table, case_filters=case_filters)


def _case_rows(today: date, department_id: int | None, status: str, search: str, sort: Any, requested: int,
               at: str) -> dict[str, Any]:
    pending = sa.exists().where(CaseAction.case_id == InjuryCase.id, CaseAction.confirmed_at.is_(None))
    query = (sa.select(InjuryCase).join(Employee, InjuryCase.employee_id == Employee.id)
             .where(scope_filter("case.view", Employee.id, Employee.department_id)))
    if department_id:
        query = query.where(Employee.department_id == department_id)
    if search.strip():
        query = query.where(search_condition(search))
    columns = {"accident": InjuryCase.accident_date, "name": Employee.name, "number": Employee.number,
               "department": Employee.department_id}
    ordering = Ordering((Key(pending, True), *sort_keys(sort, columns, InjuryCase.id).keys))
    if status in {s.value for s in StatusCode}:
        if statuses.refresh(query, today):
            commit_keeping_loaded()
        query = statuses.having(query, status)
    cases, page = paginate(db.session, query.options(*operations.CASE_ROWS), requested, CASES_PER_PAGE, ordering, at)
    return {"views": operations.case_views(cases, today), "case_page": page}


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
    query = request.args.get("q", "").strip()[:50]
    return page_or_fragment("cases/admin/form.html", "cases/admin/_employee_choices.html", "employee-choices",
                            status=status, form=form, case=None, query=query, matches=_employee_matches(query),
                            **helpers(locale_code(), third_person=True))


PICKER_LIMIT = 10


def _employee_matches(query: str) -> list[Employee]:
    """Employees whose number or name contains ``query`` (the picker of the case form), within reach."""
    if not query:
        return []
    pattern = f"%{query.replace('%', '').replace('_', '')}%"
    return list(db.session.execute(
        sa.select(Employee).where(sa.or_(Employee.number.ilike(pattern), Employee.name.ilike(pattern)),
                                  scope_filter("case.manage", Employee.id, Employee.department_id))
        .order_by(Employee.number).limit(PICKER_LIMIT)).scalars())


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
    return render_template("cases/admin/form.html", form=form, case=case, **helpers(locale_code(), third_person=True)), status


# --- One case -------------------------------------------------------------------------------------


def _case(case_id: int, action: str) -> InjuryCase:
    case = db.get_or_404(InjuryCase, case_id)
    authorize(action, case)
    return case


def _row_ids(form: Any, row_id: int) -> Any:
    """Give the fields of one row's form ids of their own (every month has the same form on the page)."""
    for f in form:
        f.id = f.label.field_id = f"{f.name}-{row_id}"
    return form


def _wage_forms(wages: list[WageMonth], submitted: Any = None) -> dict[int, tuple[Any, Any]]:
    """A correction and a delete form per recorded month, the submitted one kept with its errors."""
    forms = {}
    for w in wages:
        forms[w.id] = (_row_ids(WageCorrectionForm(formdata=None, data={"wage": w.wage}), w.id),
                       _row_ids(WageDeleteForm(formdata=None), w.id))
    if submitted is not None:
        row_id, form = submitted
        correction, delete = forms[row_id]
        form = _row_ids(form, row_id)
        forms[row_id] = (form, delete) if isinstance(form, WageCorrectionForm) else (correction, form)
    return forms


def _context(case: InjuryCase, **forms: Any) -> dict[str, Any]:
    view = operations.case_view(case)
    wages = operations.wage_history(case.employee_id)
    plan_default = {"instalments": view.policy.deduction_instalments if view.policy else 1,
                    "first_date": local_today()}
    return dict(
        view=view, case=case, events=operations.events_of_case(case), wages=wages,
        wage_forms=_wage_forms(wages, forms.get("wage_row_form")),
        dependant_form=forms.get("dependant_form") or DependantForm(formdata=None),
        dependant_remove_forms=_dependant_remove_forms(case, forms.get("dependant_remove_form")),
        notices=case_notices(case.employee_id),
        can_manage=can(current_actor(), "case.manage", case),
        wage_form=forms.get("wage_form") or WageForm(formdata=None),
        entry_form=forms.get("entry_form") or EntryForm(formdata=None, data={"on_date": local_today()}),
        plan_form=forms.get("plan_form") or PlanForm(formdata=None, data=plan_default),
        field_labels={f.name: f.label.text for f in CaseForm(formdata=None)}, recorded_by=operations.recorded_by(case),
        table_months=wage_table_months(case), table_errors=forms.get("table_errors", {}),
        table_values=forms.get("table_values", {}),
        **helpers(locale_code(), third_person=True),
    )


@bp.get("/<int:case_id>")
@requires("case.view")
def detail(case_id: int) -> str:
    """The case: status, timeline, pending actions, account, wages and its event log. The view is logged."""
    case = _case(case_id, "case.view")
    operations.record_view(case, current_user.id, request_origin, own=case.employee_id == current_user.employee_id)
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


WAGE_TABLE_ROWS = 12
WAGE_ROW_ERRORS = {
    "month": _l("Enter the month as YYYY-MM."),
    "wage": _l("Enter the wage as an amount in yuan, such as 5200.00."),
    "repeated": _l("This month appears twice."),
}


def wage_table_months(case: InjuryCase) -> list[str]:
    """The twelve months before the accident, oldest first: the rows of the wage table."""
    first = rules.add_months(case.accident_date.replace(day=1), -WAGE_TABLE_ROWS)
    return [rules.add_months(first, i).strftime("%Y-%m") for i in range(WAGE_TABLE_ROWS)]


@bp.post("/<int:case_id>/wages/table")
@requires("case.manage")
def add_wage_table(case_id: int) -> Response | tuple[str, int]:
    """Save the wage table (twelve months) and any pasted lines in one go, all or nothing."""
    case = _case(case_id, "case.manage")
    rows = [(request.form.get(f"month-{i}", ""), request.form.get(f"wage-{i}", "")) for i in range(WAGE_TABLE_ROWS)]
    months, errors = operations.parse_wage_rows(rows, request.form.get("pasted", "")[:5000])
    messages = {key: str(WAGE_ROW_ERRORS[code]) for key, code in errors.items()}
    if not errors and not months:
        messages["table"] = _("Enter at least one month.")
    if not messages:
        try:
            operations.add_wages(case.employee, months, current_user.id, request_origin())
        except operations.DuplicateMonth as clash:
            messages["table"] = _("Already on record: %(months)s. Correct those months in the list instead.",
                                  months=str(clash))
        else:
            db.session.commit()
            flash(_("%(count)d wage month(s) saved.", count=len(months)), "success")
            return redirect(url_for("cases_admin.detail", case_id=case.id, _anchor="case-wages"), 303)
    db.session.rollback()
    return render_template("cases/admin/detail.html", **_context(case, table_errors=messages,
                                                                 table_values=request.form)), 422


def _wage_row(case: InjuryCase, wage_id: int) -> WageMonth:
    row = db.get_or_404(WageMonth, wage_id)
    if row.employee_id != case.employee_id:
        refuse(404, _("This wage month belongs to another employee."))
    return row


def _change_wage(case_id: int, wage_id: int, form_class: Any,
                 change: Callable[[WageMonth, Any], str | None]) -> Response | tuple[str, int]:
    """Correct or delete one month with a reason; ``change`` applies the valid form and returns the
    message to flash, or None when nothing changed (the same value saved twice)."""
    case = _case(case_id, "case.manage")
    row = _wage_row(case, wage_id)
    form = form_class()
    if form.validate_on_submit():
        message = change(row, form)
        if message:
            db.session.commit()
            flash(message, "success")
        return redirect(url_for("cases_admin.detail", case_id=case.id, _anchor="case-wages"), 303)
    return render_template("cases/admin/detail.html", **_context(case, wage_row_form=(row.id, form))), 422


@bp.post("/<int:case_id>/wages/<int:wage_id>")
@requires("case.manage")
def correct_wage(case_id: int, wage_id: int) -> Response | tuple[str, int]:
    """Correct one month's wage with a reason; the ledger keeps the old and the new value."""
    def change(row: WageMonth, form: Any) -> str | None:
        changed = operations.correct_wage(row, form.wage.data, form.reason.data.strip(), current_user.id,
                                          request_origin())
        return _("Wage corrected.") if changed else None
    return _change_wage(case_id, wage_id, WageCorrectionForm, change)


@bp.post("/<int:case_id>/wages/<int:wage_id>/delete")
@requires("case.manage")
def delete_wage(case_id: int, wage_id: int) -> Response | tuple[str, int]:
    """Delete a month entered by mistake, with a reason; the ledger keeps its value."""
    def change(row: WageMonth, form: Any) -> str:
        operations.delete_wage(row, form.reason.data.strip(), current_user.id, request_origin())
        return _("Wage month deleted.")
    return _change_wage(case_id, wage_id, WageDeleteForm, change)


def _dependant_remove_forms(case: InjuryCase, submitted: Any = None) -> dict[int, Any]:
    """A remove form per recorded dependant, the submitted one kept with its errors."""
    forms = {d.id: _row_ids(DependantRemoveForm(formdata=None), d.id) for d in case.dependants}
    if submitted is not None:
        row_id, form = submitted
        forms[row_id] = _row_ids(form, row_id)
    return forms


def _dependants_page(case: InjuryCase) -> Response:
    return redirect(url_for("cases_admin.detail", case_id=case.id, _anchor="case-dependants"), 303)


@bp.post("/<int:case_id>/dependants")
@requires("case.manage")
def add_dependant(case_id: int) -> Response | tuple[str, int]:
    """Record a dependant of a worker who died; the rules check that the relative qualifies as
    recorded (Regulations Art. 39 ¶1(2)). The same relative sent twice is recorded once."""
    case = _case(case_id, "case.manage")
    form = DependantForm()
    if form.validate_on_submit():
        dependant = rules.Dependant(rules.Relation(form.relation.data), bool(form.lone.data), form.name.data.strip(),
                                    rules.Condition(form.condition.data))
        try:
            added = operations.add_dependant(case, dependant, current_user.id, request_origin())
        except operations.NotADeathCase:
            db.session.rollback()
            refuse(422, str(DEPENDANT_ERRORS["not_a_death_case"]))
        except rules.DependantError as error:
            field = form.relation if error.code == "second_spouse" else form.condition
            field.errors = [str(DEPENDANT_ERRORS[error.code])]
        else:
            db.session.commit()
            if added is not None:
                flash(_("Dependant added."), "success")
            return _dependants_page(case)
    db.session.rollback()
    return render_template("cases/admin/detail.html", **_context(case, dependant_form=form)), 422


@bp.post("/<int:case_id>/dependants/<int:dependant_id>/remove")
@requires("case.manage")
def remove_dependant(case_id: int, dependant_id: int) -> Response | tuple[str, int]:
    """Remove a dependant with a reason; the ledger keeps what was recorded. Removing one already
    removed changes nothing."""
    case = _case(case_id, "case.manage")
    form = DependantRemoveForm()
    if form.validate_on_submit():
        if operations.remove_dependant(case, dependant_id, form.reason.data.strip(), current_user.id,
                                       request_origin()):
            db.session.commit()
            flash(_("Dependant removed."), "success")
        return _dependants_page(case)
    if dependant_id not in {d.id for d in case.dependants}:
        return _dependants_page(case)
    return render_template("cases/admin/detail.html",
                           **_context(case, dependant_remove_form=(dependant_id, form))), 422


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
    operations.lock_case(case)
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
                                            request_origin(), form.token.data, form.amount.data)
        except operations.NothingToDeduct:
            form.instalments.errors = [_("Nothing to deduct: nothing is owed once the scheduled deductions are "
                                         "made, or no one-time subsidy is left.")]
        except rules.OverDeduction as refused:
            excess = money(refused.excess)
            form.amount.errors = [
                _("This is %(excess)s yuan more than the worker still owes once the scheduled deductions are made.",
                  excess=excess) if refused.limit == "debt" else
                _("This is %(excess)s yuan more than what remains of the one-time subsidy.", excess=excess)]
        else:
            db.session.commit()
            if wants_fragment("case-account"):
                return _account_response(case)
            flash(_("Deduction plan recorded."), "success")
            return redirect(url_for("cases_admin.detail", case_id=case.id, _anchor="case-account"), 303)
    db.session.rollback()
    return _account_response(case, 422, plan_form=form)


# --- Regional policy ------------------------------------------------------------------------------


def _policy_data() -> dict[str, Any]:
    versions = operations.policy_versions()
    policy = versions[0].to_policy() if versions else DEMO_POLICY
    values = policy_values(policy)
    data: dict[str, Any] = {k: v for k, v in values.items() if not isinstance(v, dict)}
    data.update(region=policy.region, source=policy.source, valid_from=local_today(),
                personal_share_includes_housing_fund="yes" if policy.personal_share_includes_housing_fund else "no")
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
                 "pay_stop_rule", "own_wage_rule", "first_month_rule"):
        value = getattr(form, name).data
        values[name] = str(value) if isinstance(value, Decimal) else value
    values["personal_share_includes_housing_fund"] = form.personal_share_includes_housing_fund.data == "yes"
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


@bp.route("/holidays", methods=["GET", "POST"])
@requires("policy.manage")
def holidays() -> Response | tuple[str, int]:
    """Public holidays and adjusted working days HR adds before the maintained calendar carries them."""
    form = HolidayForm()
    if form.validate_on_submit():
        calendar.save_override(form.day.data, form.working.data == "working", form.name.data.strip(), current_user.id,
                               request_origin())
        db.session.commit()
        flash(_("Saved: deadlines are computed with this day from now on."), "success")
        return redirect(url_for("cases_admin.holidays"), 303)
    rest_days = calendar.holiday_calendar()
    return render_template("cases/admin/holidays.html", form=form, overrides=calendar.holiday_overrides(),
                           years=sorted(rest_days.years), this_year=local_today().year,
                           covered=rest_days.covers(local_today().year + 1)), 422 if form.is_submitted() else 200
