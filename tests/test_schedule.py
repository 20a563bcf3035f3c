"""`newsarchive schedule --print cron|systemd`, and deploy/ holding exactly what it renders."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from conftest import REPO, run_cli

from newsarchive.ops.schedule import (
    DEPLOY_DEFAULTS,
    Schedule,
    deploy_files,
    on_calendar,
    render,
)


def test_deploy_directory_holds_the_rendered_files():
    for name, text in deploy_files(DEPLOY_DEFAULTS).items():
        path = REPO / "deploy" / name
        assert path.exists(), f"deploy/{name} missing: run python -m newsarchive.ops.schedule"
        assert path.read_text(encoding="utf-8") == text, f"deploy/{name} is stale: run python -m newsarchive.ops.schedule"


def test_print_cron_is_a_flocked_bounded_crawl():
    result = run_cli("schedule", "--print", "cron", "--workdir", "/srv/na", "--db", "/srv/na/data/news.db",
                     "--every", "30", "--site", "matritca")
    assert result.returncode == 0, result.stderr
    (line,) = [line for line in result.stdout.splitlines() if line and not line.startswith("#")]
    fields = line.split()
    assert fields[:5] == ["*/30", "*", "*", "*", "*"]
    command = " ".join(fields[5:])
    assert "flock -n /srv/na/data/news.db.cron.lock" in command, "flock on a file other than the crawl's own lock"
    assert "/srv/na/.venv/bin/newsarchive crawl matritca --db /srv/na/data/news.db --max-minutes 20" in command
    assert subprocess.run(["sh", "-n", "-c", command]).returncode == 0
    assert result.stdout == render("cron", Schedule(workdir="/srv/na", db="/srv/na/data/news.db", every=30,
                                                    sites=("matritca",)))


def test_print_systemd_is_a_oneshot_service_and_a_persistent_randomized_timer():
    result = run_cli("schedule", "--print", "systemd")
    assert result.returncode == 0, result.stderr
    text = result.stdout
    service, timer = text.split("# /etc/systemd/system/newsarchive-crawl.timer\n")
    assert "Type=oneshot" in service and "SuccessExitStatus=3" in service
    assert f"ExecStart={DEPLOY_DEFAULTS.executable} crawl --db {DEPLOY_DEFAULTS.db} --max-minutes 50" in service
    assert "Persistent=true" in timer and "RandomizedDelaySec=15min" in timer and "OnCalendar=hourly" in timer
    assert text == render("systemd")


def test_bad_interval_is_a_usage_error():
    assert run_cli("schedule", "--print", "cron", "--every", "7").returncode == 2


@pytest.mark.parametrize("every", [15, 60, 180])
def test_timer_calendar_is_valid_for_systemd(every):
    if not shutil.which("systemd-analyze"):
        pytest.skip("systemd-analyze not installed")
    spec = on_calendar(Schedule(every=every))
    result = subprocess.run(["systemd-analyze", "calendar", spec], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
