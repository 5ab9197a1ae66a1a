"""Every ledger event in words, Chinese and English at once, for the pack's report and exhibit list.

Pure: it reads the hashed body only, so what a clerk reads is what the chain covers. Known keys
get their own names; any other key is still printed, so no row is ever empty. Codes other parts of
the portal write into payloads (``values``: code -> Chinese and English words) are put in words;
events.jsonl keeps the codes as hashed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

KEY_NAMES: dict[str, tuple[str, str]] = {
    "amount": ("金额（元）", "amount (yuan)"),
    "wage": ("缴费工资（元）", "contribution wage (yuan)"),
    "year": ("年", "year"),
    "month": ("月", "month"),
    "grade": ("伤残等级", "disability grade"),
    "reassessment_grade": ("复查伤残等级", "reassessed grade"),
    "decision_number": ("认定决定书文号", "decision number"),
    "decision": ("决定", "decision"),
    "case": ("案件编号", "case no."),
    "kind": ("类别", "kind"),
    "fields": ("登记内容", "recorded"),
    "changes": ("变更", "changes"),
    "instalments": ("分期金额", "instalments"),
    "accident_date": ("事故日期", "accident date"),
    "recognized": ("认定为工伤", "recognised as work injury"),
    "suspension_months": ("停工留薪期（月）", "suspension (months)"),
    "lesson": ("课时", "lesson"),
    "seconds": ("阅读秒数", "seconds read"),
    "correct": ("答对", "correct"),
    "total": ("题数", "questions"),
    "percent": ("得分%", "score %"),
    "statement": ("确认声明", "statement"),
    "typed_name": ("本人输入姓名", "typed name"),
    "receipt": ("回执号", "receipt no."),
    "signed_on": ("签署日期", "signed on"),
    "scan_sha256": ("扫描件 SHA-256", "scan SHA-256"),
    "purged_sha256": ("已删除扫描件 SHA-256", "deleted scan SHA-256"),
    "left_date": ("离职日期", "left on"),
    "years": ("离职后保存年限", "years kept after leaving"),
    "rule": ("保存期限规则", "retention rule"),
    "scan_years": ("扫描件离职后保存年限（原值、新值）", "years scans are kept after leaving (old, new)"),
    "pack_days": ("证据包保存天数（原值、新值）", "days built packs are kept (old, new)"),
    "due_date": ("截止日期", "due date"),
    "title": ("标题", "title"),
    "text": ("内容", "text"),
    "answer": ("答复", "answer"),
    "comment": ("意见", "comment"),
    "step": ("审批环节", "step"),
    "region": ("地区", "region"),
    "valid_from": ("生效日期", "valid from"),
    "employee_number": ("工号", "employee number"),
    "name_sha256": ("姓名哈希", "name hash"),
    "locale": ("语言", "language"),
    "witness": ("见证方编号", "witness no."),
    "target": ("地址", "address"),
    "label": ("名称", "name"),
}
SKIPPED = {"started_at", "answers", "delivery", "response", "entry", "action", "id", "report", "key", "item", "cycle"}


def _value(value: Any, values: Mapping[str, tuple[str, str]]) -> str:
    if isinstance(value, dict):
        return "; ".join(f"{' '.join(dict.fromkeys(_name(k)))}: {_value(v, values)}" for k, v in sorted(value.items()))
    if isinstance(value, list):
        return ", ".join(_value(v, values) for v in value)
    if value is True:
        return "是 yes"
    if value is False:
        return "否 no"
    if isinstance(value, str) and value in values:
        zh, en = values[value]
        return f"{zh} {en}"
    return str(value)


def _name(key: str) -> tuple[str, str]:
    return KEY_NAMES.get(key, (key.replace("_", " "), key.replace("_", " ")))


def describe(body: dict[str, Any], actor: str | None, titles: dict[str, str],
             values: Mapping[str, tuple[str, str]] | None = None) -> list[str]:
    """Lines such as "缴费工资（元） contribution wage (yuan): 5200.00" for one event body."""
    lines = []
    for key, value in sorted((body.get("payload") or {}).items()):
        if key in SKIPPED or value in (None, "", [], {}):
            continue
        zh, en = _name(key)
        lines.append(f"{zh} {en}: {_value(value, values or {})}")
    content = body.get("content") or {}
    if content:
        version = f" v{content['version']}" if content.get("version") else ""
        title = titles.get(content.get("sha256") or "", "")
        lines.append(f"文本 text: {content['kind']}:{content['id']}{version} {title}".rstrip())
        if content.get("sha256"):
            lines.append(f"SHA-256 {content['sha256']}")
    who = actor or ("系统 system" if body.get("actor_user_id") is None else f"#{body['actor_user_id']}")
    lines.append(f"操作人 acted by: {who}")
    return lines
