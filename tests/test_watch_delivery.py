"""Delivery of what watches find, through real channels and real processes: e-mail to a local SMTP
server (aiosmtpd), a webhook to a local HTTP receiver, a failing channel sent again at the next
run, and processes killed with SIGKILL at the exact moments that matter."""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time

import feedparser
import pytest
from conftest import REPO, run_cli
from receivers import SmtpReceiver, WebhookReceiver, free_port
from test_watches import store

from newsarchive.store.schema import open_db


@pytest.fixture
def db_path(tmp_path):
    path = tmp_path / "news.db"
    open_db(path).conn.close()
    return str(path)


@pytest.fixture
def webhook():
    receiver = WebhookReceiver()
    yield receiver
    receiver.stop()


@pytest.fixture
def smtp():
    receiver = SmtpReceiver()
    yield receiver
    receiver.stop()


def watch_run(db_path, *args, ok=True):
    result = run_cli("watch", "run", "--format", "jsonl", "--db", db_path, *args, timeout=120)
    if ok:
        assert result.returncode == 0, result.stderr
    return result


def printed(stdout: str) -> list[str]:
    return [json.loads(line)["url"] for line in stdout.splitlines() if line.strip()]


def run_killed_at(point: str, nth: int, db_path: str) -> str:
    """`newsarchive watch run` in a process of its own, killed with SIGKILL the `nth` time it
    reaches `point` (see tests/watch_hold.py); returns what it had printed."""
    process = subprocess.Popen(
        [sys.executable, str(REPO / "tests" / "watch_hold.py"), point, str(nth),
         "watch", "run", "--format", "jsonl", "--db", db_path],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline, err = time.monotonic() + 60, b""
        while f"HOLD {point}\n".encode() not in err:  # read the pipe unbuffered: nothing waits in a buffer
            ready, _, _ = select.select([process.stderr], [], [], max(0.0, deadline - time.monotonic()))
            assert ready, f"the run never reached {point} #{nth}: {err.decode()}"
            chunk = os.read(process.stderr.fileno(), 65536)
            assert chunk, f"the run ended before reaching {point} #{nth}: {err.decode()}"
            err += chunk
        process.send_signal(signal.SIGKILL)
        out, _ = process.communicate(timeout=30)
        assert process.returncode == -signal.SIGKILL
        return out.decode("utf-8")
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()


# --- e-mail ------------------------------------------------------------------------------------


def test_the_email_arrives_at_the_local_smtp_server_with_the_right_items(db_path, smtp):
    run_cli("watch", "add", "pension", "пенсия", "--email", "monitor@example.kz", "--email", "Desk <desk@example.kz>",
            "--email-at", "run", "--smtp", f"127.0.0.1:{smtp.port}", "--mail-from", "news@example.kz",
            "--db", db_path)
    run_cli("watch", "add", "roads", "дороги", "--email", "roads@example.kz", "--email-at", "run",
            "--smtp", f"127.0.0.1:{smtp.port}", "--db", db_path)
    db = open_db(db_path)
    store(db, "p1", "Пенсии проиндексируют", "Пенсии проиндексируют с января.", story="index")
    store(db, "p2", "Пенсии проиндексируют", "Пенсии проиндексируют с января.", story="index", site="caravan.kz")
    store(db, "p3", "Пенсии в ВКО", "Пенсии в ВКО выплатят раньше.", site="ustinka.kz")
    store(db, "r1", "Ремонт дорог", "Дороги отремонтируют летом.", tags=["Дороги"])
    watch_run(db_path)
    assert len(smtp.mails) == 2
    mail = next(m for m in smtp.mails if "monitor@example.kz" in m.rcpt_tos)
    assert mail.rcpt_tos == ["monitor@example.kz", "desk@example.kz"] and mail.mail_from == "news@example.kz"
    message = mail.message
    assert message.get_content_type() == "multipart/alternative"
    assert message["Subject"] == "newsarchive «pension»: 3 new articles in 2 stories"
    assert message["Message-ID"].endswith("@newsarchive>") and message["X-Newsarchive-Watch"] == "pension"
    text, page = mail.part("plain"), mail.part("html")
    for url in ("https://kt.kz/news/p1.html", "https://caravan.kz/news/p2.html", "https://ustinka.kz/news/p3.html"):
        assert url in text and f'href="{url}"' in page
    assert "r1.html" not in text and "r1.html" not in page
    assert "Per site: caravan.kz 1, kt.kz 1, ustinka.kz 1" in text
    assert "      also caravan.kz: Пенсии проиндексируют" in text  # the copy under its story
    assert "\n2026-11-14\n  kt.kz\n" in text and "\n  ustinka.kz\n" in text  # by day, then site
    roads = next(m for m in smtp.mails if m.rcpt_tos == ["roads@example.kz"])
    assert "r1.html" in roads.part("plain") and "p1.html" not in roads.part("plain")
    watch_run(db_path)
    assert len(smtp.mails) == 2, "nothing new, no mail"


def test_smtp_down_gets_the_same_mail_at_the_next_run_then_what_is_newer(db_path):
    port = free_port()  # nothing listens there yet
    run_cli("watch", "add", "pension", "пенсия", "--email", "monitor@example.kz", "--email-at", "run",
            "--smtp", f"127.0.0.1:{port}", "--db", db_path)
    db = open_db(db_path)
    store(db, "p1", "Пенсии вырастут", "Пенсии вырастут с января.")
    down = watch_run(db_path, ok=False)
    assert down.returncode == 1 and "email monitor@example.kz: failed" in down.stderr
    assert "sent again next run" in down.stderr
    assert printed(down.stdout) == ["https://kt.kz/news/p1.html"]
    shown = run_cli("watch", "show", "pension", "--db", db_path).stdout
    assert "email monitor@example.kz: 1 to deliver" in shown and "failed 1×" in shown
    (key,) = db.execute("SELECT key FROM watch_sends WHERE sent_at IS NULL").fetchone()
    store(db, "p2", "Пенсии пересчитают", "Пенсии пересчитают в декабре.")
    smtp = SmtpReceiver(port)
    try:
        up = watch_run(db_path)
        assert printed(up.stdout) == ["https://kt.kz/news/p2.html"]
        assert len(smtp.mails) == 2
        first, second = (m.message for m in smtp.mails)
        assert first["Message-ID"] == f"<{key}@newsarchive>", "the failed mail, as it was made"
        assert "p1.html" in smtp.mails[0].part("plain") and "p2.html" not in smtp.mails[0].part("plain")
        assert "p2.html" in smtp.mails[1].part("plain") and "p1.html" not in smtp.mails[1].part("plain")
        assert second["Message-ID"] != first["Message-ID"]
        watch_run(db_path)
        assert len(smtp.mails) == 2
    finally:
        smtp.stop()


def test_smtp_login_with_the_password_from_the_environment(db_path):
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    logins, mails = [], []

    class Handler:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802
            mails.append(envelope)
            return "250 OK"

    def authenticator(server, session, envelope, mechanism, auth_data):
        logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.login == b"watcher" and auth_data.password == b"s3cret")

    port = free_port()
    controller = Controller(Handler(), hostname="127.0.0.1", port=port, authenticator=authenticator,
                            auth_require_tls=False)
    controller.start()
    try:
        run_cli("watch", "add", "pension", "пенсия", "--email", "a@example.kz", "--email-at", "run",
                "--smtp", f"127.0.0.1:{port}", "--smtp-user", "watcher", "--db", db_path)
        store(open_db(db_path), "p1", "Пенсии вырастут", "Пенсии вырастут с января.")
        missing = watch_run(db_path, ok=False)
        assert "NEWSARCHIVE_SMTP_PASSWORD is not set" in missing.stderr and mails == []
        result = run_cli("watch", "run", "--db", db_path, env={"NEWSARCHIVE_SMTP_PASSWORD": "s3cret"})
        assert result.returncode == 0, result.stderr
        assert logins == [(b"watcher", b"s3cret")] and len(mails) == 1
        with open_db(db_path).conn as conn:
            assert b"s3cret" not in b"".join(str(row).encode() for row in conn.execute("SELECT * FROM watch_channels"))
    finally:
        controller.stop()


# --- webhook -----------------------------------------------------------------------------------


def test_a_webhook_that_answers_500_gets_the_delivery_again_next_run(db_path, tmp_path):
    receiver = WebhookReceiver(statuses=[500])
    try:
        run_cli("watch", "add", "pension", "пенсия", "--webhook", receiver.url, "--feed", str(tmp_path / "p.atom"),
                "--db", db_path)
        db = open_db(db_path)
        store(db, "p1", "Пенсии вырастут", "Пенсии вырастут с января.")
        store(db, "p2", "Пенсии пересчитают", "Пенсии пересчитают в декабре.")
        failed = watch_run(db_path, ok=False)
        assert failed.returncode == 1 and "the webhook answered HTTP 500" in failed.stderr
        assert (tmp_path / "p.atom").exists(), "one channel failing does not hold the others back"
        (refused,) = receiver.posts
        assert refused.status == 500 and [i["url"] for i in refused.items] == printed(failed.stdout)
        store(db, "p3", "Пенсии и возраст", "Возраст выхода на пенсию не изменится.")
        watch_run(db_path)
        again, newer = receiver.posts[1:]
        assert again.key == refused.key and again.items == refused.items and again.status == 200
        assert newer.key != refused.key and [i["url"] for i in newer.items] == ["https://kt.kz/news/p3.html"]
        assert again.headers["Content-Type"] == "application/json; charset=utf-8"
        watch_run(db_path)
        assert len(receiver.posts) == 3, "nothing new, no POST"
        delivered = [i["url"] for i in receiver.processed()]
        assert sorted(delivered) == sorted(set(delivered)) and len(delivered) == 3
        # The POST carries what `watch run --format json` prints.
        for item in again.items + newer.items:
            assert {"watch", "url", "title", "site", "published_at", "story_id", "new_story"} <= set(item)
            assert item["watch"] == "pension" and item["site"] == "kt.kz"
    finally:
        receiver.stop()


def test_an_unreachable_webhook_keeps_its_deliveries_and_never_merges_them(db_path):
    port = free_port()
    run_cli("watch", "add", "pension", "пенсия", "--webhook", f"http://127.0.0.1:{port}/hook", "--db", db_path)
    db = open_db(db_path)
    store(db, "p1", "Пенсии вырастут", "Пенсии вырастут с января.")
    watch_run(db_path, ok=False)
    store(db, "p2", "Пенсии пересчитают", "Пенсии пересчитают в декабре.")
    watch_run(db_path, ok=False)  # still down: the first delivery is tried again, nothing newer is made
    assert db.execute("SELECT count(*), max(attempts) FROM watch_sends").fetchone() == (1, 2)


# --- kills ---------------------------------------------------------------------------------------


def test_a_kill_between_delivery_and_its_record_repeats_nothing(db_path, smtp, webhook, tmp_path):
    """The receivers took the delivery; the process dies before recording it. The next run sends
    that same delivery (same key, same articles) and nothing else of it; every article reaches
    each channel in exactly one delivery, and a receiver that keeps keys acts on each once."""
    feed = tmp_path / "pension.atom"
    run_cli("watch", "add", "pension", "пенсия", "--feed", str(feed), "--email", "a@example.kz", "--email-at", "run",
            "--smtp", f"127.0.0.1:{smtp.port}", "--webhook", webhook.url, "--db", db_path)
    db = open_db(db_path)
    store(db, "p1", "Пенсии вырастут", "Пенсии вырастут с января.")
    store(db, "p2", "Пенсии пересчитают", "Пенсии пересчитают в декабре.")
    shown = printed(run_killed_at("sent", 1, db_path))  # the mail was accepted, not yet recorded
    assert shown == ["https://kt.kz/news/p1.html", "https://kt.kz/news/p2.html"]
    assert len(smtp.mails) == 1 and webhook.posts == []
    shown += printed(run_killed_at("sent", 2, db_path))  # the mail again, then the webhook's POST: killed
    assert len(smtp.mails) == 2 and len(webhook.posts) == 1
    first_mail, second_mail = (m.message for m in smtp.mails)
    assert second_mail["Message-ID"] == first_mail["Message-ID"]
    assert smtp.mails[0].part("plain") == smtp.mails[1].part("plain")
    result = watch_run(db_path)
    shown += printed(result.stdout)
    assert len(smtp.mails) == 2, "the mail was recorded by the second run: not sent a third time"
    assert len(webhook.posts) == 2 and webhook.posts[1].key == webhook.posts[0].key
    assert webhook.posts[1].items == webhook.posts[0].items
    store(db, "p3", "Пенсии и возраст", "Возраст выхода на пенсию не изменится.")
    shown += printed(watch_run(db_path).stdout)
    assert len(smtp.mails) == 3 and len(webhook.posts) == 3
    assert "p3.html" in smtp.mails[2].part("plain") and "p1.html" not in smtp.mails[2].part("plain")
    assert [i["url"] for i in webhook.posts[2].items] == ["https://kt.kz/news/p3.html"]
    # Each article once: on the terminal, in the webhook's deliveries (by key), in the mails (by Message-ID).
    expected = ["https://kt.kz/news/p1.html", "https://kt.kz/news/p2.html", "https://kt.kz/news/p3.html"]
    assert shown == expected
    assert [i["url"] for i in webhook.processed()] == expected
    by_id = {m.message["Message-ID"]: m.part("plain") for m in smtp.mails}
    assert len(by_id) == 2 and sum(text.count(url) for text in by_id.values() for url in expected) == 3
    assert {e.link for e in feedparser.parse(feed).entries} == set(expected)
    assert db.execute("SELECT count(*) FROM watch_sends WHERE sent_at IS NULL").fetchone() == (0,)


def test_a_run_killed_midway_delivers_the_rest_next_time(db_path, webhook):
    """Killed after the second watch recorded its articles, before it showed or sent them: the
    first watch's articles are delivered and never again, the second's reach its channel at the
    next run."""
    run_cli("watch", "add", "pension", "пенсия", "--webhook", webhook.url, "--db", db_path)
    run_cli("watch", "add", "roads", "дороги", "--webhook", webhook.url, "--db", db_path)
    db = open_db(db_path)
    store(db, "p1", "Пенсии вырастут", "Пенсии вырастут с января.")
    store(db, "r1", "Ремонт дорог", "Дороги отремонтируют летом.", tags=["Дороги"])
    shown = printed(run_killed_at("recorded", 2, db_path))
    assert shown == ["https://kt.kz/news/p1.html"]
    assert [(i["watch"], i["url"]) for p in webhook.posts for i in p.items] == [("pension", "https://kt.kz/news/p1.html")]
    result = watch_run(db_path)
    assert printed(result.stdout) == [], "recorded by the killed run: not shown again"
    assert [(i["watch"], i["url"]) for p in webhook.posts for i in p.items] == [
        ("pension", "https://kt.kz/news/p1.html"), ("roads", "https://kt.kz/news/r1.html")]
    assert "r1.html" in run_cli("digest", "--since", "2020-01-01", "--db", db_path).stdout
    watch_run(db_path)
    assert len(webhook.posts) == 2


def test_the_environment_s_smtp_settings_apply_to_watches_without_their_own(db_path, smtp):
    run_cli("watch", "add", "pension", "пенсия", "--email", "a@example.kz", "--email-at", "run", "--db", db_path)
    store(open_db(db_path), "p1", "Пенсии вырастут", "Пенсии вырастут с января.")
    result = run_cli("watch", "run", "--db", db_path, env={
        "NEWSARCHIVE_SMTP_HOST": "127.0.0.1", "NEWSARCHIVE_SMTP_PORT": str(smtp.port),
        "NEWSARCHIVE_SMTP_FROM": "watches@example.kz"})
    assert result.returncode == 0, result.stderr
    (mail,) = smtp.mails
    assert mail.mail_from == "watches@example.kz" and "p1.html" in mail.part("plain")
