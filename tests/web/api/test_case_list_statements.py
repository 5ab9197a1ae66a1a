"""The API's case list computes its page of cases in bulk: the same SQL statements with three
cases and with thirty, and the same figures as each case read alone. Both engines."""

from __future__ import annotations

from tests.conftest import counted_statements
from tests.web.cases.route_expectations import prepare_cases
from tests.web.test_hr_query_counts import open_cases


def _listed(client, headers) -> tuple[int, list[dict]]:
    with counted_statements() as statements:
        answer = client.get("/api/v1/cases?limit=50", headers=headers)
    assert answer.status_code == 200
    return len(statements), answer.get_json()["items"]


def test_case_list_takes_as_many_statements_with_ten_times_the_cases(client, world, courses, make_token):
    prepare_cases(world)
    open_cases(2)
    headers = make_token("hr", "cases:read")
    client.get("/api/v1/cases?limit=50", headers=headers)  # the first call may warm per-request caches
    few, _ = _listed(client, headers)
    open_cases(27)
    many, items = _listed(client, headers)
    assert len(items) == 30 and many == few, (few, many)
    alone = [client.get(f"/api/v1/cases/{item['id']}", headers=headers).get_json() for item in items[:6]]
    assert items[:6] == alone
