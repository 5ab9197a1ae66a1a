"""The portal benchmark (``make bench``): pages, CLI jobs and acknowledgement load, on SQLite and
on PostgreSQL, against a data set built once and cached under ``bench/out/``.

    python bench/run_all.py                                   # 100,000 employees, 1,000,000 events
    python bench/run_all.py --employees 2000 --events 20000   # a small run, about a minute
    python bench/run_all.py --engines sqlite
    python bench/run_all.py --url postgresql+psycopg://portal@127.0.0.1:55432/copy --parts acks  # a prepared copy

For each engine it copies the cached database, serves it with gunicorn (``bench.serve:app``) and
runs ``flask risks scan``, ``flask reminders send`` and ``flask evidence checkpoint`` (time and peak
memory; the scan first, so the workbench has its alerts); then prints one table: each page's median
time, its ratio to a bare endpoint measured in the same run, its SQL query count and the table rows
it shows, and the matrix's status counts against the bare SQL aggregate; then
acknowledgements over HTTP from many clients at once, with lost and duplicated ones counted from
the database afterwards.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from bench.client import Client  # noqa: E402
from bench.dataset import BENCH_PASSWORD, Size  # noqa: E402
from portal.core.listing import encode_cursor  # noqa: E402
from portal.core.paging import LAST  # noqa: E402
from tests.ports import free_port  # noqa: E402
from tests.postgres import PostgresServer  # noqa: E402

OUT = ROOT / "bench" / "out"
PYTHON = sys.executable
DEMO_PASSWORD = "portal-demo-2026"
SECRET = "bench-secret-not-for-production"
TODAY = date(2026, 11, 20)



def app_env(url: str) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": url, "PORTAL_SECRET_KEY": SECRET, "PORTAL_RATELIMIT_ENABLED": "false",
            "PORTAL_LOG_LEVEL": "WARNING", "FLASK_APP": "bench.serve", "PYTHONPATH": str(ROOT)}


# --- Data set, built once per engine and size ----------------------------------------------------


def build_database(url: str, size: Size) -> None:
    """Migrate and fill ``url`` in a child process (the parent keeps no app or engine around)."""
    code = ("import sys; from datetime import date; from flask_migrate import upgrade; from portal import create_app;"
            "from bench.dataset import Size, build, summary;"
            f"app = create_app(); ctx = app.app_context(); ctx.push(); upgrade();"
            f"build(Size({size.employees}, {size.events}, {size.ack_pool}), date.fromisoformat('{TODAY}'));"
            "print(summary())")
    started = time.perf_counter()
    subprocess.run([PYTHON, "-c", code], env=app_env(url), cwd=ROOT, check=True)
    print(f"  built in {time.perf_counter() - started:.0f} s", flush=True)


class SqliteEngine:
    name = "sqlite"

    def __init__(self, size: Size) -> None:
        self.cached = OUT / f"sqlite-{size.label}.sqlite3"
        self.size = size
        self.work = Path(tempfile.mkdtemp(prefix="portal-bench-"))

    def prepare(self) -> str:
        if not self.cached.exists():
            print(f"Building the SQLite data set ({self.size.label}) …", flush=True)
            partial = self.cached.with_suffix(".partial")
            partial.unlink(missing_ok=True)
            build_database(f"sqlite:///{partial}", self.size)
            partial.rename(self.cached)
        run_copy = self.work / "run.sqlite3"
        shutil.copyfile(self.cached, run_copy)
        return f"sqlite:///{run_copy}"

    def analyze(self, url: str) -> None:
        """Statistics for the planner (after the migrations, so new indexes have theirs too), as
        the PostgreSQL data set has VACUUM ANALYZE and autovacuum."""
        with sqlite3.connect(url.removeprefix("sqlite:///")) as connection:
            connection.execute("ANALYZE")

    def close(self) -> None:
        shutil.rmtree(self.work, ignore_errors=True)


class PostgresEngine:
    """A PostgreSQL cluster kept under bench/out/; each run works on a copy (CREATE DATABASE … TEMPLATE)."""

    name = "postgresql"

    def __init__(self, size: Size) -> None:
        self.size = size
        self.server = PostgresServer()
        self.server.base = OUT / "postgres"
        self.server.data = self.server.base / "data"
        self.base_db = f"bench_{size.employees}_{size.events}_{size.ack_pool}"

    def _psql(self, sql: str, database: str = "postgres") -> str:
        return subprocess.run([str(self.server.bin_dir / "psql"), "-h", "127.0.0.1", "-p", str(self.server.port),
                               "-U", "portal", "-d", database, "-tAc", sql],
                              capture_output=True, text=True, check=True).stdout.strip()

    def prepare(self) -> str:
        server = self.server
        server.base.mkdir(parents=True, exist_ok=True)
        if server.run_as:
            shutil.chown(server.base, server.run_as, server.run_as)
        if not server.data.exists():
            server._run("initdb", "-D", str(server.data), "-U", "portal", "--auth=trust", "-E", "UTF8", "--no-locale")
        # Production durability (fsync, synchronous commit): the acknowledgement rate is what a company gets.
        options = f"-p {server.port} -k /tmp -h 127.0.0.1 -c shared_buffers=256MB -c max_connections=200"
        server._run("pg_ctl", "-D", str(server.data), "-o", options, "-l", "/tmp/portal-bench-pg.log", "-w", "start")
        url = f"postgresql+psycopg://portal@127.0.0.1:{server.port}"
        if self._psql(f"SELECT 1 FROM pg_database WHERE datname = '{self.base_db}'") != "1":
            print(f"Building the PostgreSQL data set ({self.size.label}) …", flush=True)
            self._psql(f"DROP DATABASE IF EXISTS {self.base_db}_partial")
            self._psql(f"CREATE DATABASE {self.base_db}_partial")
            build_database(f"{url}/{self.base_db}_partial", self.size)
            # Compacted as after any bulk load (docs/deploy.md): filled through the tally triggers,
            # the tallies' 400 rows were left spread over 600 pages each, read on every HR list.
            self._psql("VACUUM (FULL, ANALYZE)", f"{self.base_db}_partial")
            self._psql(f"ALTER DATABASE {self.base_db}_partial RENAME TO {self.base_db}")
        self._psql("DROP DATABASE IF EXISTS bench_run")
        self._psql(f"CREATE DATABASE bench_run TEMPLATE {self.base_db}")
        return f"{url}/bench_run"

    def close(self) -> None:
        try:
            self._psql("DROP DATABASE IF EXISTS bench_run")
        finally:
            self.server._run("pg_ctl", "-D", str(self.server.data), "-m", "fast", "-w", "stop")


class ExistingDatabase:
    """A database someone prepared (a copy with the data set, migrated): measured as it is, and left
    as the load leaves it (each pool employee acknowledges once per copy)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.name = sa.engine.make_url(url).get_backend_name()

    def prepare(self) -> str:
        return self.url

    def close(self) -> None:
        pass


# --- Serving ------------------------------------------------------------------------------------


class Gunicorn:
    def __init__(self, url: str, workers: int, threads: int = 1) -> None:
        self.port = free_port()
        self.process = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "--bind", f"127.0.0.1:{self.port}", "--workers", str(workers),
             "--threads", str(threads),
             "--timeout", "120", "--log-level", "warning", "--no-control-socket", "bench.serve:app"], env=app_env(url), cwd=ROOT)
        deadline = time.monotonic() + 120
        while True:
            try:
                if Client(self.port).get("/healthz").status == 200:
                    return
            except OSError:
                pass
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.stop()
                raise RuntimeError("gunicorn did not start")
            time.sleep(0.3)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(30)


# --- Pages --------------------------------------------------------------------------------------


def page_list(url: str) -> list[tuple[str, str, str]]:
    """(who, label, path) of every page measured, with ids and keyset cursors looked up in the data set."""
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        def one(sql: str) -> object:
            return connection.execute(sa.text(sql)).scalar()

        def halfway(sql: str) -> str:
            """The cursor a pager link would carry to the middle of a list sorted by number."""
            total = one(f"SELECT count(*) FROM ({sql}) AS listed")
            row = connection.execute(sa.text(f"{sql} ORDER BY 1, 2 LIMIT 1 OFFSET {total // 2}")).one()
            return f"page={total // 2 // 50 + 2}&at={encode_cursor('after', list(row))}"

        li = one("SELECT id FROM employees WHERE number = 'A0101'")
        receipt = one(f"SELECT receipt_number FROM course_acknowledgements WHERE employee_id = {li} "
                      "ORDER BY id LIMIT 1")
        course = one(f"SELECT c.slug FROM course_acknowledgements a JOIN course_assignments s ON s.id = a.assignment_id "
                     f"JOIN courses c ON c.id = s.course_id WHERE a.employee_id = {li} ORDER BY a.id LIMIT 1")
        basics = one("SELECT id FROM courses WHERE slug = 'injury-basics'")
        department = one("SELECT id FROM departments ORDER BY id LIMIT 1")
        notice = one("SELECT v.notice_id FROM notice_deliveries d JOIN notice_versions v ON v.id = d.version_id "
                     "GROUP BY v.notice_id ORDER BY count(*) DESC LIMIT 1")
        big = one("SELECT max(id) FROM employees")
        matrix_middle = halfway("SELECT e.number, e.id FROM course_assignments a JOIN employees e ON e.id = a.employee_id "
                                f"WHERE a.course_id = {basics} AND a.is_current = {sa.true().compile(engine)}")
        deliveries_middle = halfway("SELECT e.number, d.id FROM notice_deliveries d JOIN notice_versions v ON "
                                    "v.id = d.version_id JOIN employees e ON e.id = d.employee_id "
                                    f"WHERE v.notice_id = {notice}")
        employees_middle = halfway("SELECT number, id FROM employees WHERE status = 'active'")
    engine.dispose()
    matrix = "/records/courses/injury-basics"
    return [
        ("li.qiang", "My learning", "/learning/"),
        ("li.qiang", "Lesson", f"/learning/{course}/lessons/1"),
        ("li.qiang", "Quiz", f"/learning/{course}/quiz"),
        ("li.qiang", "Receipt", f"/learning/receipts/{receipt}"),
        ("li.qiang", "My case", "/my-case/"),
        ("li.qiang", "My notices", "/notices/"),
        ("hr.wang", "Course matrix, unfiltered", matrix),
        ("hr.wang", "Course matrix, middle page (keyset)", f"{matrix}?{matrix_middle}"),
        ("hr.wang", "Course matrix, last page", f"{matrix}?page=999999&at={LAST}"),
        ("hr.wang", "Course matrix, one department", f"{matrix}?department={department}"),
        ("hr.wang", "Course matrix, overdue only", f"{matrix}?status=overdue"),
        ("hr.wang", "Course matrix, search", f"{matrix}?q=%E5%91%98%E5%B7%A55"),
        ("mgr.zhao", "Course matrix, manager's own", matrix),
        ("hr.wang", "Notice deliveries", f"/records/notices/{notice}"),
        ("hr.wang", "Notice deliveries, middle page (keyset)", f"/records/notices/{notice}?{deliveries_middle}"),
        ("hr.wang", "Notice deliveries, unread only", f"/records/notices/{notice}?status=unread"),
        ("hr.wang", "Workbench (alerts)", "/workbench/"),
        ("hr.wang", "Cost report", "/workbench/costs"),
        ("hr.wang", "Injury cases list", "/records/cases/"),
        ("hr.wang", "Injury cases list, one status", "/records/cases/?status=suspension_paid_until"),
        ("hr.wang", "Evidence of one employee", f"/evidence/employees/{big}"),
        ("hr.wang", "Employee list", "/employees"),
        ("hr.wang", "Employee list, middle page (keyset)", f"/employees?{employees_middle}"),
        ("hr.wang", "Employee search", "/employees?q=%E5%91%98%E5%B7%A55"),
    ]


def matrix_counts_against_raw_sql(url: str, rounds: int) -> list[tuple[str, float, float]]:
    """Median times of the matrix's status counts as the page asks for them (from the tally the
    database keeps, ``course_status_counts``) and of the plain SQL aggregate a person would write
    over the assignments: unfiltered and for one department."""
    status = ("CASE WHEN a.acknowledged_at IS NOT NULL THEN 'acknowledged' WHEN a.due_date < :today THEN 'overdue' "
              "WHEN a.quiz_passed_at IS NOT NULL THEN 'quiz_passed' WHEN a.first_opened_at IS NOT NULL "
              "THEN 'in_progress' ELSE 'not_started' END")
    tallied = "CASE WHEN t.state = 'acknowledged' THEN t.state WHEN t.due_date < :today THEN 'overdue' ELSE t.state END"
    engine = sa.create_engine(url)
    current = sa.true().compile(engine)
    course = "(SELECT id FROM courses WHERE slug = 'injury-basics')"
    where = f"a.course_id = {course} AND a.is_current = {current}"
    department = "(SELECT min(id) FROM departments)"
    pairs = [
        ("unfiltered", f"SELECT {tallied}, sum(t.n) FROM course_status_counts t WHERE t.course_id = {course} GROUP BY 1",
         f"SELECT {status}, count(*) FROM course_assignments a WHERE {where} GROUP BY 1"),
        ("one department",
         f"SELECT {tallied}, sum(t.n) FROM course_status_counts t WHERE t.course_id = {course} "
         f"AND t.department_id = {department} GROUP BY 1",
         f"SELECT {status}, count(*) FROM course_assignments a JOIN employees e ON e.id = a.employee_id "
         f"WHERE {where} AND e.department_id = {department} GROUP BY 1"),
    ]
    results = []
    with engine.connect() as connection:
        for label, page, raw in pairs:
            times: dict[str, list[float]] = {"page": [], "raw": []}
            for round_number in range(rounds + 1):
                for key, sql in (("page", page), ("raw", raw)):
                    started = time.perf_counter()
                    connection.execute(sa.text(sql), {"today": TODAY}).all()
                    if round_number:
                        times[key].append(time.perf_counter() - started)
            results.append((label, statistics.median(times["page"]), statistics.median(times["raw"])))
    engine.dispose()
    return results


def measure_pages(url: str, args: argparse.Namespace) -> list[tuple[str, float, float, int, int, int]]:
    """Each page beside the bare endpoint, ``args.rounds`` times on each of ``args.starts`` servers
    started one after another; the medians are over all of them. One server process runs the same
    code up to a quarter faster or slower than the next one started (where its memory lands), the
    bare endpoint as much as the pages: a single start's ratio near a goal's line moved across it
    from one run to the next. One worker process serves them all (``--page-workers``), so each page
    and the bare endpoint beside it are served by the same process."""
    pages = page_list(url)
    bare_times: list[float] = []
    page_times: dict[str, list[float]] = {label: [] for _, label, _ in pages}
    last = {}
    for _start in range(args.starts):
        server = Gunicorn(url, args.page_workers, args.threads)
        clients = {}
        try:
            for who in {who for who, _, _ in pages}:
                clients[who] = Client(server.port)
                clients[who].login(who, DEMO_PASSWORD)
            clients[None] = Client(server.port)  # the bare endpoint's, signed out
            for round_number in range(args.rounds + 1):  # the first round warms the caches and is not counted
                for who, label, path in pages:
                    bare = clients[None].get("/bench/bare")
                    answer = clients[who].get(path)
                    if round_number:
                        bare_times.append(bare.seconds)
                        page_times[label].append(answer.seconds)
                    last[label] = answer
        finally:
            for client in clients.values():
                client.close()
            server.stop()
    bare_median = statistics.median(bare_times)
    rows = [("Bare endpoint (one indexed query)", bare_median, 1.0, 200, 1, 0)]
    for _, label, _ in pages:
        answer = last[label]
        median = statistics.median(page_times[label])
        rows.append((label, median, median / bare_median, answer.status, answer.queries,
                     max(answer.body.count("<tr") - 1, 0)))
    return rows


# --- CLI jobs -----------------------------------------------------------------------------------


def run_cli(url: str, *args: str) -> tuple[float, int, str]:
    """Wall time, peak memory (MB) and last output line of ``flask <args>``."""
    started = time.perf_counter()
    result = subprocess.run(["/usr/bin/time", "-f", "%M", PYTHON, "-m", "flask", *args], env=app_env(url), cwd=ROOT,
                            capture_output=True, text=True)
    seconds = time.perf_counter() - started
    peak_kb = int(result.stderr.strip().splitlines()[-1]) if result.stderr.strip() else 0
    output = (result.stdout.strip().splitlines() or ["(no output)"])[-1]
    if result.returncode:
        output = f"exit {result.returncode}: " + " ".join(result.stderr.strip().splitlines()[-3:-1])
    return seconds, peak_kb // 1024, output


# --- Acknowledgement load ------------------------------------------------------------------------


def acknowledgement_load(port: int, url: str, size: Size, concurrency: int) -> dict[str, object]:
    """Every pool employee acknowledges once, one in ten twice at the same time; count what arrived."""
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        usernames = ack_pool_usernames_from(connection, size)
    path = "/learning/injury-basics/acknowledge"

    def ready(username: str) -> tuple[Client, str, str]:
        client = Client(port)
        client.login(username, BENCH_PASSWORD)
        return client, client.csrf_token(path), f"员工{username[1:]}"

    with ThreadPoolExecutor(concurrency) as pool:
        prepared = list(pool.map(ready, usernames))
    # Each employee's first submission reuses their signed-in keep-alive connection, as a browser
    # does; the repeat (one in ten, sent at the same time) comes on a second connection.
    submissions = []
    for number, (client, token, name) in enumerate(prepared):
        submissions.append((client, token, name, False))
        if number % 10 == 0:
            submissions.append((client, token, name, True))
    statuses: dict[int, int] = {}
    latencies: list[float] = []
    lock = threading.Lock()

    def submit(item: tuple[Client, str, str, bool]) -> None:
        client, token, name, repeat = item
        sender = client
        if repeat:
            sender = Client(port)
            sender.cookies = dict(client.cookies)
        answer = sender.request("POST", path, {"csrf_token": token, "typed_name": name})
        if repeat:
            sender.close()
        with lock:
            statuses[answer.status] = statuses.get(answer.status, 0) + 1
            latencies.append(answer.seconds)

    started, client_cpu = time.perf_counter(), time.process_time()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(submit, submissions))
    elapsed, client_cpu = time.perf_counter() - started, time.process_time() - client_cpu
    for client, _, _ in prepared:
        client.close()
    numbers = ", ".join(f"'B{int(u[1:]):07d}'" for u in usernames)
    with engine.connect() as connection:
        acknowledged = connection.execute(sa.text(
            "SELECT count(*), count(DISTINCT a.assignment_id) FROM course_acknowledgements a "
            f"JOIN employees e ON e.id = a.employee_id WHERE e.number IN ({numbers})")).one()
        events = connection.execute(sa.text(
            "SELECT count(*), count(DISTINCT v.employee_id) FROM evidence_events v JOIN employees e ON e.id = v.employee_id "
            f"WHERE v.event_type = 'course_acknowledged' AND v.body LIKE '%\"receipt\"%' AND e.number IN ({numbers})"
        )).one()
    engine.dispose()
    return {"requests": len(submissions), "seconds": elapsed, "per_second": len(submissions) / elapsed,
            "client_cpu": client_cpu,
            "p50_ms": statistics.median(latencies) * 1000,
            "p95_ms": statistics.quantiles(latencies, n=20)[-1] * 1000, "statuses": statuses,
            "lost": len(usernames) - acknowledged[1], "duplicated": (acknowledged[0] - acknowledged[1])
            + (events[0] - events[1])}


def ack_pool_usernames_from(connection: sa.Connection, size: Size) -> list[str]:
    last = connection.execute(sa.text("SELECT max(id) FROM employees")).scalar_one()
    return [f"b{i}" for i in range(last - size.ack_pool + 1, last + 1)]


# --- Report -------------------------------------------------------------------------------------


def run_engine(engine: SqliteEngine | PostgresEngine | ExistingDatabase, size: Size, args: argparse.Namespace) -> None:
    url = engine.prepare()
    try:
        subprocess.run([PYTHON, "-m", "flask", "db", "upgrade"], env=app_env(url), cwd=ROOT, check=True,
                       capture_output=True)  # the cached data set may predate the newest migrations
        if isinstance(engine, SqliteEngine):
            engine.analyze(url)
        print(f"\n## {engine.name}: {size.employees:,} employees, {size.events:,} ledger events\n", flush=True)
        parts = set(args.parts.split(","))
        if "jobs" in parts:
            jobs = [("flask risks scan", ("risks", "scan")), ("flask reminders send", ("reminders", "send")),
                    ("flask reminders send (again)", ("reminders", "send")),
                    ("flask evidence checkpoint", ("evidence", "checkpoint"))]
            print("| Job | Time | Peak memory | Output |\n|---|---|---|---|")
            for label, command in jobs:
                seconds, peak, output = run_cli(url, *command)
                print(f"| {label} | {seconds:.1f} s | {peak} MB | {output[:90]} |", flush=True)
            print(flush=True)
        if "pages" in parts:
            rows = measure_pages(url, args)
            print(f"Pages: {args.rounds} rounds on each of {args.starts} gunicorn servers started one after another "
                  f"({args.page_workers} worker × {args.threads} threads), one request at a time.\n")
            print("| Page | Time | × bare | Status | SQL queries | Rows |\n|---|---|---|---|---|---|")
            for label, seconds, ratio, status, queries, table_rows in rows:
                print(f"| {label} | {seconds * 1000:.1f} ms | {ratio:.2f}× | {status} | {queries} | {table_rows} |")
            print()
            for label, page_counts, raw_counts in matrix_counts_against_raw_sql(url, args.rounds):
                print(f"Matrix status counts, {label}: {page_counts * 1000:.1f} ms as the page asks, "
                      f"{raw_counts * 1000:.1f} ms as a plain SQL aggregate = {page_counts / raw_counts:.2f}×")
            print(flush=True)
        load = None
        if "acks" in parts:
            server = Gunicorn(url, args.workers, args.threads)
            try:
                load = acknowledgement_load(server.port, url, size, args.concurrency)
            finally:
                server.stop()
        if load is not None:
            seconds, peak, output = run_cli(url, "evidence", "verify")
            print(f"| flask evidence verify (after the load) | {seconds:.1f} s | {peak} MB | {output[:90]} |\n")
            print(f"Acknowledgements over HTTP ({args.concurrency} clients, {args.workers} gunicorn workers × "
                  f"{args.threads} threads): "
                  f"{load['requests']} requests in {load['seconds']:.1f} s = {load['per_second']:.0f}/s, "
                  f"p50 {load['p50_ms']:.0f} ms, p95 {load['p95_ms']:.0f} ms, statuses {load['statuses']}; "
                  f"lost {load['lost']}, duplicated {load['duplicated']}; the clients used "
                  f"{load['client_cpu']:.1f} s of CPU.", flush=True)
    finally:
        engine.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--employees", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--ack", type=int, default=2000, help="employees who acknowledge during the load (with 600, "
                        "two seconds of load: its rate moved by a quarter between runs)")
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--rounds", type=int, default=40, help="timed requests per page on each server started "
                        "(medians of 5 moved by a third from run to run, of 25 by up to 0.6×)")
    parser.add_argument("--starts", type=int, default=3, help="servers started one after another for the pages")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers for the acknowledgement load (one "
                        "per core)")
    parser.add_argument("--page-workers", type=int, default=1,
                        help="gunicorn workers while the pages are measured, one request at a time. With two, each "
                             "client's keep-alive connection stays with the process that accepted it; on one start "
                             "in three a person's pages sat on the process that served nothing else in between, and "
                             "the first of them took up to 2.3× the bare endpoint on the other (1.3–1.4× otherwise)")
    parser.add_argument("--threads", type=int, default=4,
                        help="threads per gunicorn worker (gthread; docs/deploy.md says why)")
    parser.add_argument("--concurrency", type=int, default=16, help="clients at once in the acknowledgement load")
    parser.add_argument("--parts", default="pages,jobs,acks", help="what to measure: pages, jobs, acks")
    parser.add_argument("--build-only", action="store_true", help="build and cache the data sets, measure nothing")
    parser.add_argument("--url", help="measure this prepared copy of the data set instead (e.g. a PostgreSQL "
                                      "database made with CREATE DATABASE … TEMPLATE); --engines is then ignored")
    args = parser.parse_args()
    size = Size(args.employees, args.events, min(args.ack, args.employees // 4))
    OUT.mkdir(parents=True, exist_ok=True)
    if args.url:
        run_engine(ExistingDatabase(args.url), size, args)
        return
    engines = {"sqlite": SqliteEngine, "postgresql": PostgresEngine}
    for name in args.engines.split(","):
        engine = engines[name](size)
        if args.build_only:
            engine.prepare()
            engine.close()
        else:
            run_engine(engine, size, args)


if __name__ == "__main__":
    main()
