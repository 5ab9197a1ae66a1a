"""Every event the portal records has a name on the pages and in both languages in the pack, and
codes in payloads are put in words."""

from __future__ import annotations

import re

from portal import PROJECT_ROOT
from portal.evidence.describe import describe
from portal.evidence.labels import EVENT_LABELS, EVENT_PAIRS


def test_every_recorded_event_type_has_its_names():
    source = "\n".join(path.read_text() for path in (PROJECT_ROOT / "portal").rglob("*.py"))
    types = set(re.findall(r'append_event\(\s*"([a-z_]+)"', source))
    assert len(types) > 30
    assert types - set(EVENT_LABELS) == set()
    assert types - set(EVENT_PAIRS) == set()


def test_payload_codes_are_put_in_words_in_both_languages():
    body = {"payload": {"kind": "stop_original_pay", "steps": ["report", "step_1a2b"], "own": True}, "content": None}
    words = {"stop_original_pay": ("停发原工资福利待遇", "Stop original pay"), "report": ("报告", "Report"),
             "step_1a2b": ("安全部门复核", "安全部门复核")}
    lines = describe(body, "hr.wang #2", {}, words)
    assert "类别 kind: 停发原工资福利待遇 Stop original pay" in lines
    assert any(line.endswith(": 报告 Report, 安全部门复核 安全部门复核") for line in lines)
    assert not any("stop_original_pay" in line or "step_1a2b" in line for line in lines)
    assert "类别 kind: stop_original_pay" in describe(body, None, {})  # without words: the code, never nothing
