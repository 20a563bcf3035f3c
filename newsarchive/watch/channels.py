"""The channels a watch delivers to: an Atom feed file, e-mail through SMTP, a webhook POST.

Each sender raises on failure and returns only once the receiver took the delivery (SMTP's
answer to the message, a 2xx HTTP status); newsarchive.watch.deliver records the outcome.

SMTP settings: a watch's own (`watch add --smtp HOST:PORT --smtp-user … --smtp-security …
--mail-from …`), else the environment of the process that runs the watches:

    NEWSARCHIVE_SMTP_HOST (localhost)   NEWSARCHIVE_SMTP_PORT (25; 465 with ssl, 587 with starttls)
    NEWSARCHIVE_SMTP_USER               NEWSARCHIVE_SMTP_PASSWORD (only ever from the environment)
    NEWSARCHIVE_SMTP_SECURITY (none | starttls | ssl)    NEWSARCHIVE_SMTP_FROM (newsarchive@HOSTNAME)
"""

from __future__ import annotations

import json
import os
import smtplib
import socket
import ssl
import tempfile
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, getaddresses
from pathlib import Path

from newsarchive import __version__, clock
from newsarchive.watch.definitions import Channel, Watch

#: Seconds an SMTP server or a webhook receiver may take to answer.
TIMEOUT = 30
USER_AGENT = f"newsarchive/{__version__} (watch delivery)"


def send(channel: Channel, watch: Watch, items: list[dict], *, key: str, now: str, db) -> str | None:
    """Deliver `items` (newsarchive.watch.deliver.hit_items) through an e-mail or webhook channel;
    raises when it was not delivered, returns a note when it was, with something to tell."""
    if channel.kind == "webhook":
        post_webhook(channel.target, items, key=key)
        return None
    if channel.kind == "email":
        return send_email(channel, watch, items, key=key, now=now, db=db)
    raise ValueError(f"unknown channel kind {channel.kind!r}")


def describe_error(error: BaseException) -> str:
    """A failure as one line for the report and watch_sends.last_error."""
    if isinstance(error, WebhookRefused):
        return str(error)
    if isinstance(error, urllib.error.URLError):
        return f"cannot reach the webhook: {error.reason}"
    if isinstance(error, smtplib.SMTPException):
        return f"SMTP: {error}"
    if isinstance(error, OSError):
        return f"{type(error).__name__}: {error}"
    return f"{type(error).__name__}: {error}"


# --- feed ---------------------------------------------------------------------------------------


def write_feed_file(db, watch: Watch, path: str | Path, *, now: str | None = None) -> bool:
    """Write the watch's Atom feed to `path` (atomically: a reader never sees half a file); only
    when its content differs from what is there. True when the file was written."""
    from newsarchive.watch.atom import feed_xml

    path = Path(path)
    data = feed_xml(db, watch)
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return True


# --- webhook ------------------------------------------------------------------------------------


class WebhookRefused(RuntimeError):
    """The receiver answered, but not with 2xx."""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # a POST redirected would become a GET: refuse
        return None


def post_webhook(url: str, items: list[dict], *, key: str) -> None:
    """POST the items as a JSON array (what `watch run --format json` prints), with the delivery's
    key in Idempotency-Key (the same key when the same delivery is sent again)."""
    body = json.dumps(items, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/json; charset=utf-8",
        "Idempotency-Key": key,
        "User-Agent": USER_AGENT,
    })
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=TIMEOUT) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        raise WebhookRefused(f"the webhook answered HTTP {error.code} {error.reason}") from None
    if not 200 <= status < 300:
        raise WebhookRefused(f"the webhook answered HTTP {status}")


# --- e-mail -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    security: str
    user: str | None
    password: str | None
    sender: str


def smtp_config(settings: dict, env: dict | None = None) -> SmtpConfig:
    """A channel's SMTP settings, what it does not set taken from the environment."""
    env = os.environ if env is None else env
    security = settings.get("smtp_security") or env.get("NEWSARCHIVE_SMTP_SECURITY") or "none"
    if security not in ("none", "starttls", "ssl"):
        raise ValueError(f"NEWSARCHIVE_SMTP_SECURITY={security!r}: none, starttls or ssl")
    port = settings.get("smtp_port") or env.get("NEWSARCHIVE_SMTP_PORT") or {"ssl": 465, "starttls": 587}.get(security, 25)
    return SmtpConfig(
        host=settings.get("smtp_host") or env.get("NEWSARCHIVE_SMTP_HOST") or "localhost",
        port=int(port),
        security=security,
        user=settings.get("smtp_user") or env.get("NEWSARCHIVE_SMTP_USER") or None,
        password=env.get("NEWSARCHIVE_SMTP_PASSWORD") or None,
        sender=settings.get("from") or env.get("NEWSARCHIVE_SMTP_FROM") or f"newsarchive@{socket.gethostname()}",
    )


def email_message(channel: Channel, watch: Watch, items: list[dict], *, key: str, now: str, db,
                  sender: str) -> EmailMessage:
    """The digest of `items` as a multipart/alternative message (plain text and HTML)."""
    from newsarchive.watch.digest import digest_of_items, render

    digest = digest_of_items(db, watch, items)
    found = digest.watches[0]
    message = EmailMessage()
    message["From"] = sender
    message["To"] = channel.target
    stories = len(found.stories)
    message["Subject"] = (f"newsarchive «{watch.name}»: {found.count} new article{'s' if found.count != 1 else ''}"
                          f" in {stories} stor{'ies' if stories != 1 else 'y'}")
    message["Date"] = format_datetime(clock.parse_iso(now))
    message["Message-ID"] = f"<{key}@newsarchive>"
    message["X-Newsarchive-Watch"] = watch.name
    message.set_content(render(digest, "text"))
    message.add_alternative(render(digest, "html"), subtype="html")
    return message


def send_email(channel: Channel, watch: Watch, items: list[dict], *, key: str, now: str, db) -> str | None:
    """Send the digest of `items` to the channel's addresses through SMTP; returns when the
    server accepted it. When it accepted some recipients and refused others, the mail counts as
    sent (sending it again would repeat it to those who had it) and the refused ones are named
    in the note returned; when it refused every one, smtplib raises and it is sent again."""
    config = smtp_config(channel.settings)
    message = email_message(channel, watch, items, key=key, now=now, db=db, sender=config.sender)
    recipients = [address for _, address in getaddresses([channel.target])]
    if config.security == "ssl":
        server = smtplib.SMTP_SSL(config.host, config.port, timeout=TIMEOUT, context=ssl.create_default_context())
    else:
        server = smtplib.SMTP(config.host, config.port, timeout=TIMEOUT)
    with server:
        if config.security == "starttls":
            server.starttls(context=ssl.create_default_context())
        if config.user:
            if not config.password:
                raise smtplib.SMTPAuthenticationError(0, b"NEWSARCHIVE_SMTP_PASSWORD is not set for "
                                                         + config.user.encode())
            server.login(config.user, config.password)
        refused = server.send_message(message, to_addrs=recipients)
    if refused:
        return "refused by the SMTP server: " + ", ".join(f"{a} ({code} {text.decode(errors='replace')})"
                                                         for a, (code, text) in refused.items())
    return None
