"""HR marks a notice edit minor or material: minor keeps every acknowledgement, material pushes the
new version again to exactly those who acknowledged an earlier one, in their own language."""

from __future__ import annotations

from portal.evidence.ledger import SYSTEM, payload_of
from portal.extensions import db
from portal.notices import rules
from portal.notices.models import NoticeDelivery
from portal.notices.operations import acknowledge_notice, open_notice, push_notice, shanghai_date
from tests.conftest import login, post_form
from tests.web.notices.conftest import BODY, TITLE, events, version  # noqa: F401 (fixture)

FORM = {"title_zh": TITLE["zh_CN"], "body_zh": BODY["zh_CN"], "title_en": TITLE["en"], "body_en": BODY["en"]}


def acknowledged_by_two(world, version):
    """The worker (Chinese) and the outsider (English) acknowledge; the manager only received it."""
    world.outsider.preferred_locale = "en"
    deliveries = push_notice(version, [world.worker, world.outsider, world.manager], rules.due_date(shanghai_date()),
                             world.user("hr").id, SYSTEM)
    for delivery, username in zip(deliveries[:2], ("worker", "outsider")):
        locale = delivery.employee.preferred_locale
        open_notice(delivery, locale, world.user(username).id, SYSTEM)
        acknowledge_notice(delivery, delivery.employee.name, locale, world.user(username).id, SYSTEM)
    db.session.commit()
    return deliveries


def edit(client, version, change, note, **data):
    return post_form(client, f"/records/notices/{version.notice_id}/edit",
                     {**FORM, "body_zh": BODY["zh_CN"] + "\n\n请保存病历。", "body_en": BODY["en"] + "\n\nKeep your records.",
                      "change": change, "change_note": note, **data})


def as_user(app, username):
    reader = app.test_client()
    login(reader, username)
    return reader


def test_a_minor_edit_keeps_everyone_acknowledged(app, client, world, version):
    deliveries = acknowledged_by_two(world, version)
    login(client, "hr")
    assert edit(client, version, "minor", "错别字").status_code == 303
    assert db.session.query(NoticeDelivery).count() == 3  # nothing pushed again
    assert [d.acknowledged_at is not None for d in deliveries] == [True, True, False]
    (marked,) = events("content_change_marked")
    assert payload_of(marked)["change"] == "minor" and payload_of(marked)["by"] == world.user("hr").id
    assert payload_of(marked)["diff"]["changed"] == ["body/en", "body/zh_CN"]
    receipt = as_user(app, "worker").get(f"/notices/receipts/{deliveries[0].acknowledgement.receipt_number}").get_data(as_text=True)
    assert "仍然有效" in receipt and "错别字" in receipt


def test_a_material_edit_pushes_again_to_exactly_those_who_acknowledged_in_both_languages(app, client, world, version):
    acknowledged_by_two(world, version)
    login(client, "hr")
    assert edit(client, version, "material", "New deadline", validity_months="12").status_code == 303
    new = version.notice.newest
    assert new.number == 2 and new.change_kind == "material" and version.notice.validity_months == 12
    detail = client.get(f"/records/notices/{version.notice_id}").get_data(as_text=True)
    assert "实质修改: New deadline" in detail and "有效期为 12 个月" in detail
    pushed = db.session.query(NoticeDelivery).filter_by(version_id=new.id).all()
    assert sorted(d.employee_id for d in pushed) == sorted([world.worker.id, world.outsider.id])
    assert all(d.due_date == rules.due_date(shanghai_date()) for d in pushed)
    assert {payload_of(e)["reason"] for e in events("notice_pushed") if payload_of(e).get("reason")} == {"material_change"}
    for username, expected in (("worker", "请保存病历。"), ("outsider", "Keep your records.")):
        (mine,) = [d for d in pushed if d.employee_id == world.user(username).employee_id]
        assert expected in as_user(app, username).get(f"/notices/{mine.id}").get_data(as_text=True)


def test_a_bad_validity_is_named_and_nothing_is_saved(client, world, version):
    login(client, "hr")
    response = edit(client, version, "material", "", validity_months="0")
    assert response.status_code == 422 and 'id="validity_months-error"' in response.get_data(as_text=True)
    assert len(version.notice.versions) == 1
