"""A real SMTP server for the tests (aiosmtpd), started in the test process
on a free loopback port, requiring AUTH, keeping every delivered message.
stop() and start() again on the same port let a test make sends fail."""
import email
import email.policy
import threading
import warnings

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

USER, PASSWORD = "cv-mailer", "mail-s3cret"


class _Inbox:
    def __init__(self):
        self.lock = threading.Lock()
        self.messages = []      # (rcpt list, email.message.EmailMessage, mail_from)
        self.logins = []

    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.original_content or envelope.content,
                                       policy=email.policy.default)
        with self.lock:
            self.messages.append((list(envelope.rcpt_tos), msg, envelope.mail_from))
        return "250 OK"


def _authenticator(server, session, envelope, mechanism, auth_data):
    ok = (getattr(auth_data, "login", b"") == USER.encode()
          and getattr(auth_data, "password", b"") == PASSWORD.encode())
    return AuthResult(success=ok)


class SmtpServer:
    def __init__(self, port):
        self.port = port
        self.inbox = _Inbox()
        self.controller = None

    def start(self):
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port,
                                     authenticator=_authenticator, auth_required=True,
                                     auth_require_tls=False)
        with warnings.catch_warnings():   # AUTH without TLS: loopback only
            warnings.simplefilter("ignore", UserWarning)
            self.controller.start()

    def stop(self):
        self.controller.stop()

    def to(self, address):
        with self.inbox.lock:
            return [m for rcpt, m, _ in self.inbox.messages if address in rcpt]

    @property
    def env(self):
        return {"SMTP_URL": f"smtp://127.0.0.1:{self.port}", "SMTP_FROM": "noreply@cv.test",
                "SMTP_USER": USER, "SMTP_PASSWORD": PASSWORD,
                # Loopback test server without TLS; production requires STARTTLS.
                "SMTP_STARTTLS": "false"}
