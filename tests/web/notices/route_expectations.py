"""Who may use each notice route (merged into tests/web/test_route_matrix.py)."""

from __future__ import annotations

from portal.evidence.ledger import SYSTEM
from portal.extensions import db
from portal.notices import rules
from portal.notices.operations import acknowledge_notice, open_notice, push_notice, respond, save_notice, shanghai_date
from tests.web.route_roles import HR_ONLY, HR_POST, LOGIN, MINE_ONLY, ROLES, SELF_MANAGER_AND_HR, Expectation

# Only the employee a notice was pushed to reaches it; everyone else gets 404 (not theirs).

# {delivery}, {notice_receipt} and {response} belong to the machining worker; {notice} is the notice.
NOTICE_EXPECTED: dict[str, tuple[str, str, dict[str, str], Expectation]] = {
    "notices.index": ("GET", "/notices/", {}, {**dict.fromkeys(ROLES, 200), "anonymous": LOGIN, "admin": 404}),
    "notices.detail": ("GET", "/notices/{delivery}", {}, {**MINE_ONLY, "worker": 200}),
    "notices.acknowledge": ("POST", "/notices/{delivery}/acknowledge", {"typed_name": "李强"}, {**MINE_ONLY, "worker": 303}),
    "notices.respond": (
        "POST", "/notices/{delivery}/respond", {"kind": "question", "text": "什么时候发工资？"}, {**MINE_ONLY, "worker": 303},
    ),
    "notices.receipt": (
        "GET", "/notices/receipts/{notice_receipt}", {},
        SELF_MANAGER_AND_HR,
    ),
    "notices_admin.index": ("GET", "/records/notices/", {}, HR_ONLY),
    "notices_admin.create": ("GET", "/records/notices/new", {}, HR_ONLY),
    "notices_admin.detail": ("GET", "/records/notices/{notice}", {}, HR_ONLY),
    "notices_admin.edit": ("GET", "/records/notices/{notice}/edit", {}, HR_ONLY),
    "notices_admin.push": (
        "POST", "/records/notices/{notice}/push", {"employee_numbers": "E002", "due_date": "2099-12-31"}, HR_POST,
    ),
    "notices_admin.responses": ("GET", "/records/notices/responses", {}, HR_ONLY),
    "notices_admin.answer": ("POST", "/records/notices/responses/{response}/answer", {"answer": "月底发放。"}, HR_POST),
}


def prepare_notices(world) -> dict[str, str]:
    """Records the URLs above need, created for the matrix's ``world``; returns URL placeholders.

    A notice pushed to the worker, opened, acknowledged, with an open question.
    """
    worker_user = world.user("worker").id
    version, _created = save_notice(None, {"zh_CN": "工伤报告须知"}, {"zh_CN": "受伤后立即报告主管。"},
                                    world.user("hr").id, SYSTEM)
    (delivery,) = push_notice(version, [world.worker], rules.due_date(shanghai_date()), world.user("hr").id, SYSTEM)
    open_notice(delivery, "zh_CN", worker_user, SYSTEM)
    receipt = acknowledge_notice(delivery, "李强", "zh_CN", worker_user, SYSTEM)
    question = respond(delivery, rules.ResponseKind.QUESTION, "停工留薪期多长？", worker_user, SYSTEM)
    db.session.commit()
    return {"delivery": str(delivery.id), "notice": str(version.notice_id), "notice_receipt": receipt.receipt_number,
            "response": str(question.id)}
