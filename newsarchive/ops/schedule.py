"""Scheduled crawls: the cron line and the systemd service + timer that run `newsarchive crawl`.

`newsarchive schedule --print cron|systemd` prints them for a given install; deploy/ holds the
same files rendered with `DEPLOY_DEFAULTS` (regenerate with `python -m newsarchive.ops.schedule`,
a test checks they match).

Each run is bounded (--max-minutes, shorter than the interval) and takes the archive's lock, so a
slow run never overlaps the next: the next one exits at once with code 3, which the service
counts as success. Cron additionally wraps the run in flock(1) on a file of its own (the crawl's
own lock is DB.lock; flock on the same file would make the crawl refuse itself).
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, replace
from pathlib import Path

UNIT = "newsarchive-crawl"


@dataclass(frozen=True)
class Schedule:
    #: Checkout with its virtualenv (.venv); the service's working directory.
    workdir: str = "/opt/newsarchive"
    #: The archive.
    db: str = "/var/lib/newsarchive/news.db"
    #: The user the crawl runs as (systemd; cron runs as the crontab's owner).
    user: str = "newsarchive"
    #: Minutes between runs: a divisor of 60, or a whole number of hours dividing 24.
    every: int = 60
    #: Minute past the hour of cron runs (spreads load off :00); systemd adds RandomizedDelaySec.
    minute: int = 17
    #: Bound of each run; default: the interval less 10 minutes (at least 5).
    max_minutes: int | None = None
    #: Random delay added to each timer run.
    randomized_delay: str = "15min"
    #: Cron output is appended here (systemd: the journal).
    log: str = "/var/log/newsarchive/crawl.log"
    #: Sites to crawl (default: all).
    sites: tuple[str, ...] = ()

    @property
    def executable(self) -> str:
        return f"{self.workdir.rstrip('/')}/.venv/bin/newsarchive"

    @property
    def run_minutes(self) -> int:
        return self.max_minutes or max(5, self.every - 10)

    def command(self) -> str:
        args = [self.executable, "crawl", *self.sites, "--db", self.db, "--max-minutes", str(self.run_minutes)]
        return " ".join(shlex.quote(a) for a in args)


#: What deploy/ is rendered with.
DEPLOY_DEFAULTS = Schedule()


def _check(s: Schedule) -> None:
    if s.every <= 0 or not (60 % s.every == 0 or (s.every % 60 == 0 and 1440 % s.every == 0)):
        raise ValueError(f"--every {s.every}: use a divisor of 60 minutes or whole hours dividing 24")
    if not 0 <= s.minute < 60:
        raise ValueError(f"--minute {s.minute}: 0–59")


def cron_schedule(s: Schedule) -> str:
    if s.every < 60:
        return f"*/{s.every} * * * *" if s.every > 1 else "* * * * *"
    hours = s.every // 60
    return f"{s.minute} * * * *" if hours == 1 else f"{s.minute} */{hours} * * *"


def on_calendar(s: Schedule) -> str:
    if s.every < 60:
        return f"*:0/{s.every}"
    hours = s.every // 60
    return "hourly" if hours == 1 else f"*-*-* 0/{hours}:{s.minute:02d}:00"


def cron(s: Schedule = DEPLOY_DEFAULTS) -> str:
    """A crontab (crontab -e) entry, with its explanation as comments."""
    _check(s)
    lock = shlex.quote(f"{s.db}.cron.lock")
    return (
        f"# newsarchive: crawl every {s.every} minutes, each run at most {s.run_minutes} minutes.\n"
        f"# flock -n skips a run while the previous one is still going; the crawl also takes\n"
        f"# {s.db}.lock itself (exit 3 when held). Exit codes: newsarchive crawl --help.\n"
        f"# When it finishes, the crawl runs the watches (newsarchive watch run): no other entry.\n"
        f"{cron_schedule(s)} " + (f"cd {shlex.quote(s.workdir)} && flock -n {lock} {s.command()} "
                                  f">> {shlex.quote(s.log)} 2>&1").replace("%", "\\%")  # % ends a cron command
        + "\n"
    )


def systemd_service(s: Schedule = DEPLOY_DEFAULTS) -> str:
    _check(s)
    return f"""[Unit]
Description=newsarchive: crawl the news sites into the archive
Documentation=file://{s.workdir}/README.md file://{s.workdir}/deploy/README.md
Wants=network-online.target
After=network-online.target

[Service]
Type=oneshot
User={s.user}
WorkingDirectory={s.workdir}
Environment="NEWSARCHIVE_DB={s.db}"
# The watches' e-mail settings (NEWSARCHIVE_SMTP_HOST, _PASSWORD, …), when there are any;
# the crawl runs the watches when it finishes.
EnvironmentFile=-/etc/newsarchive/newsarchive.env
ExecStart={s.command()}
# 3: another crawl still holds the archive's lock; nothing was done, nothing is wrong.
SuccessExitStatus=3
TimeoutStartSec={s.run_minutes + 10}min
Nice=10
IOSchedulingClass=idle
NoNewPrivileges=true
PrivateTmp=true
"""


def systemd_timer(s: Schedule = DEPLOY_DEFAULTS) -> str:
    _check(s)
    return f"""[Unit]
Description=Run {UNIT}.service every {s.every} minutes

[Timer]
OnCalendar={on_calendar(s)}
# A run missed while the server was off happens at boot.
Persistent=true
RandomizedDelaySec={s.randomized_delay}
Unit={UNIT}.service

[Install]
WantedBy=timers.target
"""


def render(kind: str, s: Schedule = DEPLOY_DEFAULTS) -> str:
    """What `newsarchive schedule --print KIND` prints: "cron" or "systemd" (service, then timer)."""
    if kind == "cron":
        return cron(s)
    if kind == "systemd":
        return (f"# /etc/systemd/system/{UNIT}.service\n{systemd_service(s)}\n"
                f"# /etc/systemd/system/{UNIT}.timer\n{systemd_timer(s)}")
    raise ValueError(f"unknown schedule kind {kind!r}: cron or systemd")


def deploy_files(s: Schedule = DEPLOY_DEFAULTS) -> dict[str, str]:
    """deploy/'s files: name → text."""
    return {
        "newsarchive.crontab": cron(s),
        f"{UNIT}.service": systemd_service(s),
        f"{UNIT}.timer": systemd_timer(s),
    }


def write_deploy(directory: str | Path, s: Schedule = DEPLOY_DEFAULTS) -> list[Path]:
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in deploy_files(s).items():
        path = directory / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def with_options(**options) -> Schedule:
    """DEPLOY_DEFAULTS with the given (non-None) options."""
    return replace(DEPLOY_DEFAULTS, **{k: v for k, v in options.items() if v is not None})


if __name__ == "__main__":  # python -m newsarchive.ops.schedule: regenerate deploy/
    for written in write_deploy(Path(__file__).resolve().parents[2] / "deploy"):
        print(written)
