"""The HR workbench: risk alerts, the cost report, injury reports and their approval workflow,
imports and exports."""

from __future__ import annotations

import secrets
from dataclasses import asdict
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from werkzeug.wrappers import Response

from portal.auth.access import current_actor, requires, scope_filter
from portal.auth.policy import Role, can
from portal.cases import freshness
from portal.cases.models import InjuryCase
from portal.core import tabular
from portal.core.bounds import positive_int
from portal.core.listing import decode_cursor, encode_cursor
from portal.core.replica import reads_from_replica
from portal.core.types import local_today
from portal.evidence.web import request_origin
from portal.extensions import db
from portal.org.models import Employee
from portal.org.operations import department_choices
from portal.web.files import send_download
from portal.web.htmx import page_or_fragment
from portal.web.i18n import locale_code
from portal.web.templating import yuan
from portal.workbench import costs as cost_rules
from portal.workbench import alert_list, importing, operations, presenters, workflow
from portal.workbench.charts import stacked_bars
from portal.workbench.forms import DecisionForm, ExtendDueForm, ImportForm, ReportForm, StepForm
from portal.workbench.jobs import import_in_background
from portal.workbench.models import InjuryReport, RiskAlert

bp = Blueprint("workbench", __name__, url_prefix="/workbench")


def _words() -> dict[str, Any]:
    return dict(alert_reasons=presenters.ALERT_REASONS, severity_labels=presenters.SEVERITY_LABELS,
                status_labels=presenters.STATUS_LABELS, owner_labels=presenters.OWNER_LABELS,
                category_labels=presenters.CATEGORY_LABELS, step_name=presenters.step_name,
                decision_labels=presenters.DECISION_LABELS, locale=locale_code())


# --- Risk alerts --------------------------------------------------------------------------------


@bp.get("/")
@requires("workbench.view")
def index() -> Response:
    """Open and acknowledged alerts in reach, filtered, grouped per person (worst first), each
    naming its course or notice and linking to the page where it is fixed."""
    args = request.args
    severity = args.get("severity", type=positive_int)
    criteria = alert_list.AlertFilter(
        code=args.get("kind") if args.get("kind") in presenters.ALERT_REASONS else None,
        severity=severity if severity in presenters.SEVERITY_LABELS else None,
        department_id=args.get("department", type=positive_int),
        owner=args.get("owner") if args.get("owner") in presenters.OWNER_LABELS else None,
        page=args.get("page", 1, type=positive_int),
        at=args.get("at", "")[:500],
    )
    filter_args = {"kind": criteria.code or "", "severity": criteria.severity or "",
                   "department": criteria.department_id or "", "owner": criteria.owner or ""}
    locale = locale_code()
    alert_filters, alert_groups = freshness.kept("alerts", local_today(), locale, criteria,
                                                 lambda: _alert_parts(criteria, filter_args, locale),
                                                 also=(alert_list.ALERTS.name,))
    return page_or_fragment("workbench/index.html", "workbench/_alerts.html", "alert-rows",
                            alert_filters=alert_filters, alert_groups=alert_groups)


def _alert_parts(criteria: alert_list.AlertFilter, filter_args: dict[str, Any], locale: str) -> tuple[Markup, Markup]:
    """The filter form and a page of people with their alerts, each naming its course or notice
    and linking to the page where it is fixed."""
    groups, page = alert_list.alert_groups(criteria)
    alerts = [a for g in groups for a in g.alerts]
    fixes = {a.id: url_for(target[0], **target[1]) for a in alerts if (target := alert_list.fix_endpoint(a))}
    words = _words()
    filters = render_template("workbench/_alert_filters.html", criteria=criteria, departments=department_choices(locale),
                              **words)
    rows = render_template("workbench/_alert_groups.html", groups=groups, alert_page=page, fixes=fixes,
                           titles=alert_list.subject_titles(alerts, locale), filter_args=filter_args, **words)
    return Markup(filters), Markup(rows)


def _alert(alert_id: int) -> RiskAlert:
    alert = db.get_or_404(RiskAlert, alert_id)
    if not can(current_actor(), "workbench.view", alert):
        abort(403)
    return alert


@bp.get("/alerts/<int:alert_id>/fix")
@requires("workbench.view")
def alert_fix(alert_id: int) -> tuple[str, int]:
    """Fix an overdue acknowledgement: remind the employee now, extend the due date, or record
    the acknowledgement they signed on paper."""
    return _fix_page(_alert(alert_id), ExtendDueForm())


def _fix_page(alert: RiskAlert, form: ExtendDueForm, status: int = 200) -> tuple[str, int]:
    item = alert_list.pending_item(alert) or abort(404)
    title = alert_list.subject_titles([alert], locale_code()).get(alert.id, "")
    return render_template("workbench/alert_fix.html", alert=alert, item=item, title=title, form=form,
                           **_words()), status


@bp.post("/alerts/<int:alert_id>/remind")
@requires("workbench.view")
def alert_remind(alert_id: int) -> Response:
    """Send the employee an in-portal reminder now (recorded as ``reminder_sent``)."""
    alert = _alert(alert_id)
    alert_list.pending_item(alert) or abort(404)
    title = alert_list.subject_titles([alert], "zh_CN").get(alert.id, "")
    if alert_list.remind_now(alert, title, current_user.id, request_origin()):
        flash(_("Reminder sent to %(name)s.", name=alert.employee.name), "success")
    else:
        flash(_("%(name)s has no portal account: remind them in person or record a paper acknowledgement.",
                name=alert.employee.name), "warning")
    return redirect(url_for("workbench.alert_fix", alert_id=alert.id), 303)


@bp.post("/alerts/<int:alert_id>/extend")
@requires("workbench.view")
def alert_extend(alert_id: int) -> Response | tuple[str, int]:
    """Give more time: a new due date after today; the alert is resolved at once."""
    alert = _alert(alert_id)
    alert_list.pending_item(alert) or abort(404)
    form = ExtendDueForm()
    if form.validate_on_submit():
        if form.due.data <= local_today():
            form.due.errors.append(_("Choose a date after today."))
        else:
            alert_list.extend_due_date(alert, form.due.data, current_user.id, request_origin())
            flash(_("The due date is now %(due)s; the alert is resolved.", due=form.due.data.isoformat()), "success")
            return redirect(url_for("workbench.index"), 303)
    return _fix_page(alert, form, 422)


def _change_alert(alert_id: int, change: Callable[..., None], message: str) -> Response:
    alert = _alert(alert_id)
    try:
        change(alert, current_user.id, request_origin())
    except operations.AlertStateError:
        abort(409)
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("workbench.index"), 303)


@bp.post("/alerts/<int:alert_id>/acknowledge")
@requires("workbench.view")
def acknowledge(alert_id: int) -> Response:
    """Someone took the alert on; recorded as ``alert_acknowledged`` on the employee's chain."""
    return _change_alert(alert_id, operations.acknowledge_alert, _("Alert acknowledged."))


@bp.post("/alerts/<int:alert_id>/resolve")
@requires("workbench.view")
def resolve(alert_id: int) -> Response:
    """The alert is handled; recorded as ``alert_resolved``."""
    return _change_alert(alert_id, operations.resolve_alert, _("Alert resolved."))


# --- Cost report --------------------------------------------------------------------------------


def _cost_lines(today: date, locale: str) -> list[cost_rules.CostLine]:
    query = (sa.select(InjuryCase).join(Employee, InjuryCase.employee_id == Employee.id)
             .where(scope_filter("workbench.manage", Employee.id, Employee.department_id)).order_by(InjuryCase.id))
    return operations.cost_lines(query, today, locale)


def _chart(title: str, table: dict[Any, dict[cost_rules.Category, Decimal]], label: Any, chart_id: str) -> str:
    shown = [c for c in cost_rules.Category if c not in (cost_rules.Category.PERSONAL_OUTSTANDING,)]
    return stacked_bars(title, [label(k) for k in table],
                        [(str(presenters.CATEGORY_LABELS[c]), [row[c] for row in table.values()]) for c in shown],
                        chart_id=chart_id, amount=yuan, total_label=_("Total"))


def _case_names(case_ids: Any) -> dict[int, str]:
    """"李强 (A0101), 2026-03-02" for each case: the person and the accident date."""
    rows = db.session.execute(sa.select(InjuryCase.id, Employee.name, Employee.number, InjuryCase.accident_date)
                              .join(Employee, InjuryCase.employee_id == Employee.id)
                              .where(InjuryCase.id.in_(list(case_ids)))).all()
    return {case_id: f"{name} ({number}), {accident:%Y-%m-%d}" for case_id, name, number, accident in rows}


@bp.get("/costs")
@requires("workbench.manage")
@reads_from_replica
def costs() -> str:
    """Costs per case, month and department, with charts drawn on the server (no JavaScript);
    computed once per change of its inputs (``portal.cases.freshness``)."""
    today, locale = local_today(), locale_code()
    report = freshness.kept("cost report", today, locale, None,
                            lambda: Markup(_cost_report(_cost_lines(today, locale))))
    return render_template("workbench/costs.html", report=report)


def _cost_report(lines: list[cost_rules.CostLine]) -> str:
    by_case, by_month, by_department = cost_rules.by_case(lines), cost_rules.by_month(lines), cost_rules.by_department(lines)
    case_names = _case_names(by_case)
    return render_template(
        "workbench/_costs_report.html", by_case=by_case, by_month=by_month, by_department=by_department,
        case_names=case_names, totals=cost_rules.totals(lines), categories=list(cost_rules.Category),
        employer_cost=cost_rules.employer_cost,
        case_chart=_chart(_("Costs by case"), by_case, lambda k: case_names.get(k, f"#{k}").split(",")[0], "chart-case"),
        month_chart=_chart(_("Costs by month"), by_month, lambda m: m.strftime("%Y-%m"), "chart-month"),
        department_chart=_chart(_("Costs by department"), by_department, str, "chart-department"), **_words())


COST_HEADER = ["case"] + [c.value for c in cost_rules.Category] + ["employer_cost"]


def _export(header: list[str], rows: Iterable[list[Any]], name: str, fmt: str) -> Response:
    """A table as CSV or XLSX through the one tabular writer, headers in the reader's language; the
    rows are written as they are read, into a file spooled to disk past a few megabytes."""
    if fmt not in ("csv", "xlsx"):
        abort(404)
    labels = [str(presenters.EXPORT_LABELS.get(key, key)) for key in header]
    words = [presenters.EXPORT_VALUES.get(key, {}) for key in header]
    rows = ([str(w[v]) if isinstance(v, str) and v in w else v for w, v in zip(words, row, strict=True)]
            for row in rows)
    yes_no = (_("Yes"), _("No"))
    if fmt == "csv":
        return send_download(tabular.csv_file(labels, rows, yes_no), f"{name}.csv", tabular.CSV_MIMETYPE)
    return send_download(tabular.xlsx_file(labels, rows, name, yes_no), f"{name}.xlsx", tabular.XLSX_MIMETYPE)


@bp.get("/costs.<fmt>")
@requires("workbench.manage")
@reads_from_replica
def costs_export(fmt: str) -> Response:
    """The per-case table as CSV or XLSX (the same numbers as the page)."""
    table = cost_rules.by_case(_cost_lines(local_today(), locale_code()))
    rows = [[case_id] + [row[c] for c in cost_rules.Category] + [cost_rules.employer_cost(row)]
            for case_id, row in table.items()]
    return _export(COST_HEADER, rows, "costs", fmt)


# --- Injury reports and the approval workflow ---------------------------------------------------


def _role() -> Role:
    return current_user.role


@bp.get("/reports/")
@requires("workflow.report")
def reports() -> str:
    """One's own reports, and the reports waiting for one's decision."""
    with_employee = sa.orm.joinedload(InjuryReport.employee)
    own = []
    if current_user.employee_id is not None:
        own = list(db.session.execute(sa.select(InjuryReport).options(with_employee)
                                      .where(InjuryReport.employee_id == current_user.employee_id)
                                      .order_by(InjuryReport.id.desc())).scalars())
    open_reports = db.session.execute(sa.select(InjuryReport).options(with_employee)
                                      .where(InjuryReport.completed_at.is_(None))
                                      .order_by(InjuryReport.waiting_since)).scalars()
    queue = [r for r in open_reports if operations.may_decide(current_user, r)]
    done, older = [], None
    before = _filed_cursor(request.args.get("older", ""))
    if can(current_actor(), "workbench.manage"):
        done, next_start = operations.filed_reports(before)
        older = encode_cursor("after", list(next_start)) if next_start else None
    return render_template("workbench/reports.html", own=own, queue=queue, done=done, older=older,
                           paged=before is not None, waiting=operations.waiting_step, **_words())


def _filed_cursor(at: str) -> tuple[datetime, int] | None:
    """Where an "older reports" link starts; anything else starts at the newest."""
    direction, values = decode_cursor(at)
    if direction == "after" and len(values) == 2:
        completed_at, report_id = values
        if isinstance(completed_at, datetime) and completed_at.tzinfo is not None and type(report_id) is int:
            return completed_at, report_id
    return None


@bp.route("/reports/new", methods=["GET", "POST"])
@requires("workflow.report")
def new_report() -> Response | tuple[str, int]:
    """An employee reports an injury: date, place, a few words. No medical detail."""
    if current_user.employee_id is None:
        abort(404)
    form = ReportForm()
    if form.validate_on_submit():
        if form.accident_date.data > local_today():
            form.accident_date.errors = [_("The date cannot be in the future.")]
        else:
            report = operations.file_report(current_user.employee, form.accident_date.data, form.place.data.strip(),
                                            form.what_happened.data.strip(), current_user.id, request_origin())
            db.session.commit()
            flash(_("Report sent. You can follow it here."), "success")
            return redirect(url_for("workbench.report", report_id=report.id), 303)
    return render_template("workbench/report_form.html", form=form), 422 if form.is_submitted() else 200


def _report(report_id: int) -> InjuryReport:
    report = db.get_or_404(InjuryReport, report_id)
    actor = current_actor()
    if not (can(actor, "workflow.report", report) or can(actor, "workbench.view", report)
            or operations.may_decide(current_user, report)):
        abort(403)
    return report


def _report_page(report: InjuryReport, form: DecisionForm | None = None, status: int = 200) -> tuple[str, int]:
    step, steps = operations.waiting_step(report), operations.report_steps(report)
    return render_template("workbench/report.html", report=report, steps=steps, step=step,
                           step_names={s.key: presenters.step_name(s) for s in steps},
                           may_decide=operations.may_decide(current_user, report),
                           form=form or DecisionForm(formdata=None, data={"step": step.key if step else ""}),
                           can_open_case=report.completed_at is not None and can(current_actor(), "case.manage"),
                           **_words()), status


@bp.get("/reports/<int:report_id>")
@requires("workflow.report")
def report(report_id: int) -> tuple[str, int]:
    """A report with its steps, every decision and comment, and the decision form for its approver."""
    return _report_page(_report(report_id))


@bp.post("/reports/<int:report_id>/decide")
@requires("workflow.decide")
def decide(report_id: int) -> Response | tuple[str, int]:
    """Decide the waiting step through the pure rules: only that step, only by its role."""
    report = _report(report_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        return _report_page(report, form, 422)
    step = operations.waiting_step(report)
    if step is not None and step.role is not Role.ADMIN and current_user.role is not Role.ADMIN \
            and current_user.role is step.role and not operations.may_decide(current_user, report):
        abort(403)
    try:
        operations.decide_report(report, form.step.data, current_user.role, workflow.Decision(form.decision.data),
                                 (form.comment.data or "").strip(), current_user.id, request_origin())
    except workflow.WorkflowError as error:
        db.session.rollback()
        status = 403 if error.code == "wrong_role" else 409
        form.comment.errors = [str(presenters.WORKFLOW_ERRORS.get(error.code, error.code))]
        return _report_page(report, form, status)
    db.session.commit()
    flash(_("Decision recorded."), "success")
    return redirect(url_for("workbench.report", report_id=report.id), 303)


@bp.route("/workflow", methods=["GET", "POST"])
@requires("workbench.manage")
def steps() -> Response | tuple[str, int]:
    """HR or admin add a named step, and remove or move a row with its own buttons; running reports
    keep their steps. HR never types or sees a step's internal key."""
    current = operations.current_steps()
    form = StepForm()
    form.after.choices = [(index, presenters.step_name(step)) for index, step in enumerate(current)]
    if form.validate_on_submit():
        try:
            changed = _changed_steps(form, current)
        except workflow.WorkflowError as error:
            field = form.label if form.operation.data == "add" else form.key
            field.errors = [str(presenters.WORKFLOW_ERRORS.get(error.code, error.code))]
        else:
            operations.save_steps(changed, current_user.id, request_origin())
            db.session.commit()
            flash(_("Workflow saved."), "success")
            return redirect(url_for("workbench.steps"), 303)
    status = 422 if form.is_submitted() else 200
    return render_template("workbench/steps.html", steps=current, form=form, **_words()), status


def _changed_steps(form: StepForm, current: tuple[workflow.Step, ...]) -> tuple[workflow.Step, ...]:
    """The workflow after the posted change; a new step gets an internal key of its own."""
    if form.operation.data == "add":
        label = (form.label.data or "").strip()
        if not label:
            raise workflow.WorkflowError("label_required")
        if label in {presenters.step_name(s) for s in current}:
            raise workflow.WorkflowError("duplicate_step")
        after = form.after.data if isinstance(form.after.data, int) else len(current) - 1
        step = workflow.Step(f"step_{secrets.token_hex(4)}", Role(form.role.data), label)
        return workflow.add_step(current, step, max(0, min(after, len(current) - 1)) + 1)
    key = form.key.data or ""
    if form.operation.data == "remove":
        return workflow.remove_step(current, key)
    return workflow.move_by(current, key, -1 if form.operation.data == "up" else 1)


# --- Import and export --------------------------------------------------------------------------


# A file of more rows is written by the job queue: 5,000 new hires took 24 s to write at 100,000
# employees (each opens an account and assigns the onboarding courses), near the workers' timeout.
IMPORTED_IN_THE_REQUEST = 1000


@bp.route("/import", methods=["GET", "POST"])
@requires("workbench.manage")
def import_data() -> Response | tuple[str, int]:
    """Check a file (nothing written) or import it: all or nothing, in one transaction."""
    form = ImportForm()
    result, done = None, None
    if form.validate_on_submit():
        upload = form.upload.data
        kind = importing.Kind(form.kind.data)
        data = upload.read()
        try:
            table = importing.read_table(data)
        except importing.TableRefused as refused:
            result = importing.Preview(kind, errors=[importing.RowError(1, "", "", refused.reason)])
        else:
            result = operations.preview(kind, table, local_today())
        if result.ok and form.mode.data == "commit" and len(result.records) > IMPORTED_IN_THE_REQUEST:
            import_in_background.delay(kind.value, data, upload.filename or "", current_user.id,
                                       asdict(request_origin()))
            flash(_("The %(rows)d rows are being imported in the background; you will be notified when they are "
                    "written.", rows=len(result.records)), "info")
            return redirect(url_for("workbench.import_data"), 303)
        if result.ok and form.mode.data == "commit":
            done = operations.commit_import(result, current_user.id, request_origin())
            db.session.commit()
            flash(_("Imported: %(created)d new, %(updated)d updated.", created=done.created, updated=done.updated),
                  "success")
            return redirect(url_for("workbench.import_data"), 303)
    status = 422 if form.is_submitted() and (result is None or not result.ok) else 200
    changes = importing.plan_changes(result, operations.stored_records(result)) if result and result.ok else []
    # A problem names the column by the template's Chinese header, as HR's file has it.
    column_names = {key: aliases[0] for key, aliases in importing.COLUMNS[result.kind].items()} if result else {}
    return render_template("workbench/import.html", form=form, result=result, reasons=presenters.IMPORT_REASONS,
                           kinds=list(importing.Kind), changes=changes, column_names=column_names,
                           counts=Counter(change.action for change in changes)), status


@bp.get("/import/<kind>.csv")
@requires("workbench.manage")
def import_template(kind: str) -> Response:
    """A template file: the English header and a line naming the Chinese headers also accepted."""
    try:
        chosen = importing.Kind(kind)
    except ValueError:
        abort(404)
    header, rows = operations.template_rows(chosen)
    return send_download(tabular.csv_bytes(header, rows), f"{kind}-template.csv", tabular.CSV_MIMETYPE)


@bp.get("/export/<what>.<fmt>")
@requires("workbench.manage")
@reads_from_replica
def export(what: str, fmt: str) -> Response:
    """Acknowledgement records, cases or personal-share accounts, or departments, employees and wage
    months in the import templates' columns, as CSV or XLSX."""
    reach = scope_filter("workbench.manage", Employee.id, Employee.department_id)
    if what in {kind.value for kind in importing.Kind}:
        header, rows = operations.import_kind_rows(importing.Kind(what), reach)
    elif what in {"acknowledgements", "cases", "accounts"}:
        header, rows = operations.export_rows(what, reach, locale_code())
    else:
        abort(404)
    return _export(header, rows, what, fmt)
