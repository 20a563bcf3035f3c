"""Real local receivers for the watches' channels, on 127.0.0.1: an HTTP server that takes
webhook POSTs (answering with the statuses a test sets), and an SMTP server (aiosmtpd) that keeps
the messages it accepts. No mock of smtplib or urllib: the watches talk to these over sockets."""

from __future__ import annotations

import json
import socket
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Post:
    key: str | None
    headers: dict
    items: list[dict]
    status: int


class WebhookReceiver:
    """Answers each POST with the next of `statuses` (then 200). `posts` holds every request;
    `processed()` is what a receiver that keeps Idempotency-Keys would act on: each key's items
    once, from the requests it answered 2xx."""

    def __init__(self, statuses=()):
        self.statuses = list(statuses)
        self.posts: list[Post] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver.lock:
                    status = receiver.statuses.pop(0) if receiver.statuses else 200
                    receiver.posts.append(Post(self.headers.get("Idempotency-Key"), dict(self.headers),
                                               json.loads(body.decode("utf-8")), status))
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def accepted(self) -> list[Post]:
        return [post for post in self.posts if 200 <= post.status < 300]

    def processed(self) -> list[dict]:
        """Items of the accepted requests, each key once (what an idempotent receiver keeps)."""
        seen, items = set(), []
        for post in self.accepted():
            if post.key in seen:
                continue
            seen.add(post.key)
            items += post.items
        return items

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@dataclass
class Mail:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage = field(repr=False)

    def part(self, subtype: str) -> str:
        return self.message.get_body(preferencelist=(subtype,)).get_content().replace("\r\n", "\n")


class SmtpReceiver:
    """aiosmtpd on 127.0.0.1:`port` keeping every message it accepts in `mails`."""

    def __init__(self, port: int | None = None):
        from aiosmtpd.controller import Controller

        self.mails: list[Mail] = []
        receiver = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):  # noqa: N802
                receiver.mails.append(Mail(envelope.mail_from, list(envelope.rcpt_tos),
                                           message_from_bytes(envelope.original_content or envelope.content,
                                                              policy=policy.default)))
                return "250 OK"

        self.port = port or free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        self.controller.stop()
