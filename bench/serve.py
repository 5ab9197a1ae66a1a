"""The portal as the benchmark serves it with gunicorn (``bench.serve:app``): the real application,
plus a bare endpoint doing one indexed query (the yardstick every page is divided by) and an
``X-Bench-Queries`` header counting the SQL statements of each request.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Response, g, jsonify

from portal import create_app
from portal.auth.access import public
from portal.extensions import db
from portal.org.models import Employee

app = create_app()


@app.get("/bench/bare")
@public
def bare() -> Response:
    """One indexed lookup and a small JSON answer: what a request costs with no page behind it."""
    number = db.session.execute(sa.select(Employee.number).where(Employee.id == 1)).scalar_one_or_none()
    return jsonify(number=number)


def _count(*_args: object) -> None:
    if g:
        g.bench_queries = g.get("bench_queries", 0) + 1


with app.app_context():
    sa.event.listen(db.engine, "before_cursor_execute", _count)


@app.after_request
def _report_queries(response: Response) -> Response:
    response.headers["X-Bench-Queries"] = str(g.get("bench_queries", 0))
    return response
