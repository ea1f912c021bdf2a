"""Stand-ins on 127.0.0.1 for the services of NOTIFY_URLS, for the end-to-end tests: an HTTP
server that records every POST (a generic webhook, ntfy, Bark alike) and answers as told, and
an SMTP server (Debian's python3-aiosmtpd) that records every e-mail with the login it came
with."""

import json
import socket
import threading
import warnings
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

# aiosmtpd 1.4 itself still fills the deprecated field on every login.
warnings.filterwarnings("ignore", message="Session.login_data is deprecated")


class FakeWebhook:
    """Records POSTs as (path, headers, body bytes) and answers `status` with `body`.

    Set `status` to 503 to play a service that is down; the requests are still recorded, in
    `refused`, so a test can see the monitor kept trying.
    """

    def __init__(self, status=200, body=b'{"code":200,"message":"success"}'):
        self.lock = threading.Lock()
        self.accepted = []
        self.refused = []
        self.status = status
        self.body = body
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                request = (self.path, dict(self.headers.items()), self.rfile.read(length))
                with fake.lock:
                    status, body = fake.status, fake.body
                    (fake.accepted if status < 300 else fake.refused).append(request)
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def answer(self, status, body=b'{"code":200,"message":"success"}'):
        with self.lock:
            self.status, self.body = status, body

    def requests(self):
        with self.lock:
            return list(self.accepted)

    def refused_requests(self):
        with self.lock:
            return list(self.refused)

    def json_bodies(self):
        return [json.loads(body) for _, _, body in self.requests()]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class FakeSmtp:
    """An SMTP server that takes AUTH LOGIN/PLAIN without TLS (it only listens on 127.0.0.1)
    and records each message as (login, envelope sender, recipients, raw bytes)."""

    def __init__(self, user, password):
        self.lock = threading.Lock()
        self.messages = []
        fake = self

        def authenticate(server, session, envelope, mechanism, auth_data):
            if (
                isinstance(auth_data, LoginPassword)
                and auth_data.login.decode() == user
                and auth_data.password.decode() == password
            ):
                return AuthResult(success=True, auth_data=user)
            return AuthResult(success=False, handled=False)

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                with fake.lock:
                    fake.messages.append(
                        (
                            session.auth_data,
                            envelope.mail_from,
                            list(envelope.rcpt_tos),
                            envelope.original_content,
                        )
                    )
                return "250 Message accepted for delivery"

        # The controller checks its server by connecting to the port it was given, so it
        # needs a real one rather than 0.
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.controller = Controller(
            Handler(),
            hostname="127.0.0.1",
            port=self.port,
            authenticator=authenticate,
            auth_require_tls=False,
        )
        self.controller.start()

    def received(self):
        with self.lock:
            return list(self.messages)

    def close(self):
        self.controller.stop()
