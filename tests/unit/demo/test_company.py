"""The demo company data, without a database."""

from __future__ import annotations

from collections import Counter
from datetime import date

from portal.demo.company import DEPARTMENTS, build_people
from portal.org.rules import ContractType, months_of_service

TODAY = date(2026, 11, 25)


def test_headcounts_numbers_and_managers():
    people = build_people(TODAY)
    assert len(people) == 500 == sum(d.headcount for d in DEPARTMENTS)
    assert len({p.number for p in people}) == 500 and len({p.username for p in people}) == 500
    per_department = Counter(p.department_code for p in people)
    assert per_department == {d.code: d.headcount for d in DEPARTMENTS}
    managers = Counter(p.department_code for p in people if p.manages)
    assert managers == {d.code: 1 for d in DEPARTMENTS}


def test_li_had_six_months_of_service_when_injured_in_march_2026():
    li = next(p for p in build_people(TODAY) if p.username == "li.qiang")
    assert months_of_service(li.hire_date, date(2026, 3, 2)) == 6


def test_new_hires_are_recent_and_short_term():
    new = [p for p in build_people(TODAY) if p.username.startswith("new.")]
    assert len(new) == 3
    assert all(p.contract_type is ContractType.SHORT_TERM and (TODAY - p.hire_date).days < 14 for p in new)


def test_reproducible():
    assert build_people(TODAY) == build_people(TODAY)
