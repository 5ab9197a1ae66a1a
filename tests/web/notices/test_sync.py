"""flask notices sync: scenario notices by content hash, atomic loading; pushing one from a case."""

from __future__ import annotations

import shutil

import pytest

from portal import PROJECT_ROOT
from portal.evidence.ledger import SYSTEM, payload_of
from portal.extensions import db
from portal.notices.models import Notice, NoticeDelivery, NoticeVersion
from portal.notices.operations import push_scenario_notice, shanghai_date
from portal.notices.rules import DUE_DAYS
from tests.conftest import login
from tests.web.notices.conftest import events

KEYS = ("disability-benefit-explanation", "injury-process-guide", "original-pay-stop", "privacy-notice")


@pytest.fixture
def notice_dir(tmp_path):
    target = tmp_path / "notices"
    shutil.copytree(PROJECT_ROOT / "notices", target)
    return target


def sync(app, directory=None):
    return app.test_cli_runner().invoke(args=["notices", "sync", *(["--dir", str(directory)] if directory else [])])


def test_sync_loads_the_project_notices_and_is_idempotent(app):
    first = sync(app)
    assert first.exit_code == 0, first.output
    assert first.output.splitlines() == [f"created notice {key}" for key in KEYS]
    versions = {v.notice.key: v for v in db.session.query(NoticeVersion)}
    assert set(versions) == set(KEYS) and all(v.number == 1 for v in versions.values())
    guide = versions["injury-process-guide"]
    assert guide.title("zh_CN") == "工伤处理流程指引" and guide.snapshot["key"] == "injury-process-guide"
    assert "第十七条" in guide.body("zh_CN") and "Art. 17" in guide.body("en")
    assert {e.content_ref for e in events("notice_version_published")} == {f"notice:{key}" for key in KEYS}
    second = sync(app)
    assert second.exit_code == 0 and second.output.splitlines() == [f"unchanged {key}" for key in KEYS]
    assert db.session.query(NoticeVersion).count() == len(KEYS)


def test_an_edited_file_makes_a_new_version(app, notice_dir):
    sync(app, notice_dir)
    file = notice_dir / "original-pay-stop.en.md"
    file.write_text(file.read_text(encoding="utf-8") + "\nAsk HR for a copy of the conclusion.\n", encoding="utf-8")
    result = sync(app, notice_dir)
    assert result.exit_code == 0
    assert "new version original-pay-stop v2" in result.output and "unchanged injury-process-guide" in result.output
    notice = db.session.query(Notice).filter_by(key="original-pay-stop").one()
    assert [v.number for v in notice.versions] == [1, 2] and notice.versions[0].sha256 != notice.versions[1].sha256
    assert "Ask HR for a copy" in notice.newest.body("en") and "Ask HR" not in notice.versions[0].body("en")


@pytest.mark.parametrize("break_it,message", [
    (lambda d: (d / "original-pay-stop.en.md").write_text("Notice without a title\n\nText.\n", encoding="utf-8"),
     "original-pay-stop.en.md:1: line 1 must be the notice title"),
    (lambda d: (d / "injury-process-guide.en.md").unlink(),
     "injury-process-guide.zh_CN.md: no English (en) twin: add injury-process-guide.en.md"),
    (lambda d: (d / "Guide.zh_CN.md").write_text("# 标题\n\n正文\n", encoding="utf-8"),
     "Guide.zh_CN.md: unexpected entry"),
], ids=["missing title line", "missing twin", "bad file name"])
def test_a_bad_file_is_named_and_nothing_is_loaded(app, notice_dir, break_it, message):
    break_it(notice_dir)
    result = sync(app, notice_dir)
    assert result.exit_code != 0
    assert message in result.output and "nothing was loaded" in result.output
    assert db.session.query(Notice).count() == 0 and events("notice_version_published") == []


def test_a_bad_file_leaves_earlier_versions_alone(app, notice_dir):
    sync(app, notice_dir)
    guide = notice_dir / "injury-process-guide.zh_CN.md"
    guide.write_text(guide.read_text(encoding="utf-8") + "\n补充。\n", encoding="utf-8")
    (notice_dir / "original-pay-stop.zh_CN.md").write_text("# 标题\n\n正文\n\n# 第二个一级标题\n", encoding="utf-8")
    result = sync(app, notice_dir)
    assert result.exit_code != 0 and "original-pay-stop.zh_CN.md:5:" in result.output
    assert db.session.query(NoticeVersion).count() == len(KEYS)  # the good edit was not half-loaded either


def test_push_scenario_notice_flushes_and_leaves_the_commit_to_the_caller(app, world):
    sync(app)
    delivery = push_scenario_notice("injury-process-guide", world.worker, world.user("hr").id, SYSTEM)
    assert delivery is not None and delivery.id is not None
    assert delivery.scenario == "injury-process-guide" and delivery.version.notice.key == "injury-process-guide"
    assert (delivery.due_date - shanghai_date()).days == DUE_DAYS
    (pushed,) = events("notice_pushed", world.worker.id)
    assert payload_of(pushed)["scenario"] == "injury-process-guide" and pushed.content_ref == "notice:injury-process-guide"
    db.session.rollback()  # the caller's transaction fails: nothing of the push remains
    assert db.session.query(NoticeDelivery).count() == 0 and events("notice_pushed") == []
    push_scenario_notice("injury-process-guide", world.worker, None, SYSTEM)
    db.session.commit()
    assert push_scenario_notice("injury-process-guide", world.worker, None, SYSTEM) is None  # already has it
    assert db.session.query(NoticeDelivery).count() == 1 and len(events("notice_notified", world.worker.id)) == 1


def test_pushing_an_unknown_scenario_notice_says_to_sync(app, world):
    with pytest.raises(LookupError, match="flask notices sync"):
        push_scenario_notice("no-such-notice", world.worker, None, SYSTEM)


def test_scenario_notices_are_edited_in_their_files_not_on_the_web(app, client, world):
    sync(app)
    notice = db.session.query(Notice).filter_by(key="original-pay-stop").one()
    login(client, "hr")
    assert client.get(f"/records/notices/{notice.id}").status_code == 200
    refused = client.get(f"/records/notices/{notice.id}/edit")
    assert refused.status_code == 409 and "notices/original-pay-stop.zh_CN.md" in refused.get_data(as_text=True)
