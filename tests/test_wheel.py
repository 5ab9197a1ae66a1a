"""The wheel works outside the checkout: ``pip wheel .``, installed into a fresh virtualenv (offline:
the dependencies come from the suite's own environment through a .pth line, the portal only from
the wheel), then ``flask db upgrade`` and ``flask courses sync`` from the packaged files, and a page
in Chinese (the catalogs are compiled into the wheel)."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

from portal import PROJECT_ROOT

SMOKE = """
from portal import PROJECT_ROOT, create_app
assert "site-packages" in str(PROJECT_ROOT), PROJECT_ROOT
app = create_app()
cli = app.test_cli_runner()
for command in (["db", "upgrade"], ["courses", "sync"]):
    result = cli.invoke(args=command)
    assert result.exit_code == 0, (command, result.output, result.exception)
client = app.test_client()
login = client.get("/login", headers={"Accept-Language": "zh-CN"})
assert login.status_code == 200, login.status_code
assert "登录" in login.get_data(as_text=True)
assert client.get("/static/vendor/htmx-2.0.11.min.js").status_code == 200
print("served from", PROJECT_ROOT)
"""


def _run(command: list[str], **kwargs) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, **kwargs)
    assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
    return result


def test_the_wheel_carries_its_resources_and_serves_outside_the_checkout(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    _run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "--wheel-dir",
          str(wheels), str(PROJECT_ROOT)])
    wheel = next(wheels.glob("injury_portal-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in ("portal/_resources/templates/base.html", "portal/_resources/static/vendor/htmx-2.0.11.min.js",
                     "portal/_resources/migrations/env.py", "portal/_resources/courses/injury-basics/course.toml",
                     "portal/_resources/translations/zh_CN/LC_MESSAGES/messages.mo"):
        assert expected in names, expected
    assert any(n.startswith("portal/_resources/notices/") for n in names)

    venv = tmp_path / "venv"
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "DATABASE_URL", "FLASK_APP")}
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    _run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install", "--quiet", "--no-deps",
          "--no-index", str(wheel)], env=env)
    # Only now the dependencies: before, pip would see the suite's own (editable) portal as installed.
    site = next((venv / "lib").glob("python*/site-packages"))
    (site / "suite-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")

    work = tmp_path / "elsewhere"
    work.mkdir()
    env.update(DATABASE_URL=f"sqlite:///{work / 'portal.sqlite3'}", PORTAL_SECRET_KEY="wheel-test")
    assert "served from" in _run([str(venv / "bin" / "python"), "-c", SMOKE], cwd=work, env=env).stdout
