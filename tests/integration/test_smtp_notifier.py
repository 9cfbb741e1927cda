"""The SMTP notifier against a real SMTP server (aiosmtpd) started by each test."""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
from pathlib import Path

import pytest
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from activities.errors import ChannelRefused, ChannelUnavailable
from adapters.notify.fanout import FanOutNotifier
from adapters.notify.smtp import SmtpConfig, SmtpNotifier, SmtpSecurity
from bootstrap.notifying import build_notifier
from domain.notices import NoticeKind
from domain.template import Role
from tests.integration.production import ADA, Inbox, notification, smtp_server
from tests.support import free_port

SENDER = "parcours <noreply@coaching.example>"
PUBLIC_URL = "https://coaching.example.com/programmes/{programme_id}"


def smtp(
    port: int,
    security: SmtpSecurity = SmtpSecurity.none,
    *,
    user: str | None = None,
    password: str | None = None,
    ca_file: Path | None = None,
) -> SmtpConfig:
    return SmtpConfig(
        host="127.0.0.1",
        port=port,
        sender=SENDER,
        security=security,
        user=user,
        password=password,
        timeout=5,
        ca_file=ca_file,
    )


def mailer(tmp_path: Path, config: SmtpConfig) -> FanOutNotifier:
    return build_notifier(tmp_path, ["smtp"], smtp=config, public_url=PUBLIC_URL)


def certificate(tmp_path: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (cert.pem doubles as the CA file)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=1))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def server_tls(tmp_path: Path) -> tuple[ssl.SSLContext, Path]:
    cert, key = certificate(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context, cert


def only(login: str, password: str) -> object:
    def authenticate(
        server: object, session: object, envelope: object, mechanism: str, data: object
    ) -> AuthResult:
        ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
            login.encode(),
            password.encode(),
        )
        return AuthResult(success=ok, handled=False)

    return authenticate


async def test_the_employee_gets_one_email_with_programme_stage_deadline_and_link(
    tmp_path: Path,
) -> None:
    inbox = Inbox()
    sent = notification()
    with smtp_server(inbox) as port:
        notifier = mailer(tmp_path, smtp(port))
        first = await notifier.send(sent)
        again = await notifier.send(sent)  # a retried activity: the ledger says it went

    assert first == f"smtp: sent to the employee via 127.0.0.1:{port}"
    assert ADA.email not in first
    assert again == f"already sent: {first}"
    [(envelope, message)] = inbox.messages
    assert envelope.rcpt_tos == [ADA.email]
    assert message["To"] == f"Ada Lovelace <{ADA.email}>"
    assert message["From"] == SENDER
    assert message["Subject"] == (
        "Reminder: Coaching agreement and objectives is due Monday 17 March 2025, 09:00 UTC"
    )
    assert message["X-Parcours-Delivery"] == sent.delivery_id
    assert message["Message-ID"].endswith("@coaching.example>")
    text = message.get_content()
    assert 'In your programme "Executive coaching, six months"' in text
    assert '"Coaching agreement and objectives" is due on Monday 17 March 2025, 09:00 UTC' in text
    link = "https://coaching.example.com/programmes/executive-6m.emp-42"
    assert f"Where it stands: {link}\r\n" in text
    assert (tmp_path / "sent" / "smtp.jsonl").read_text().count(sent.delivery_id) == 1


async def test_starttls_and_login(tmp_path: Path) -> None:
    inbox = Inbox()
    context, ca = server_tls(tmp_path)
    options = {
        "tls_context": context,
        "require_starttls": True,
        "authenticator": only("parcours", "s3cret"),
        "auth_require_tls": True,
    }
    with smtp_server(inbox, **options) as port:
        config = smtp(
            port, security=SmtpSecurity.starttls, user="parcours", password="s3cret", ca_file=ca
        )
        detail = await SmtpNotifier(config, PUBLIC_URL).send(notification())
        wrong = smtp(
            port, security=SmtpSecurity.starttls, user="parcours", password="guess", ca_file=ca
        )
        with pytest.raises(ChannelUnavailable) as refused_login:
            await SmtpNotifier(wrong, PUBLIC_URL).send(notification("prog-1:8"))
        untrusted = smtp(port, security=SmtpSecurity.starttls)  # the system's CAs
        with pytest.raises(ChannelUnavailable) as unverified:
            await SmtpNotifier(untrusted, PUBLIC_URL).send(notification("prog-1:9"))

    assert detail.startswith("smtp: sent to")
    assert len(inbox.messages) == 1
    # Ops can fix a password: retried, and the reason says what failed.
    assert not refused_login.value.non_retryable
    assert "login as 'parcours' failed: 535" in refused_login.value.message
    assert "CERTIFICATE_VERIFY_FAILED" in unverified.value.message


async def test_smtps_from_the_first_byte(tmp_path: Path) -> None:
    inbox = Inbox()
    context, ca = server_tls(tmp_path)
    with smtp_server(inbox, ssl_context=context) as port:
        config = smtp(port, security=SmtpSecurity.ssl, ca_file=ca)
        await SmtpNotifier(config, PUBLIC_URL).send(notification(kind=NoticeKind.escalation))

    [(_, message)] = inbox.messages
    assert message["Subject"] == (
        "Overdue: Coaching agreement and objectives for Ada Lovelace "
        "(Executive coaching, six months)"
    )


async def test_a_notice_for_ids_only_is_skipped_and_says_why(tmp_path: Path) -> None:
    inbox = Inbox()
    with smtp_server(inbox) as port:
        detail = await mailer(tmp_path, smtp(port)).send(
            notification(kind=NoticeKind.escalation, to=(Role.coach,))
        )

    assert detail.startswith("smtp: skipped, no email address among the recipients (coach")
    assert inbox.messages == []


async def test_a_refused_mailbox_is_final_and_no_server_is_retried(tmp_path: Path) -> None:
    inbox = Inbox(refuse={ADA.email})
    with smtp_server(inbox) as port, pytest.raises(ChannelRefused) as refused:
        await SmtpNotifier(smtp(port), PUBLIC_URL).send(notification())
    assert "550 5.1.1 no such mailbox" in refused.value.message

    with pytest.raises(ChannelUnavailable) as unreachable:
        await SmtpNotifier(smtp(free_port()), PUBLIC_URL).send(notification())
    assert "ConnectionRefusedError" in unreachable.value.message


async def test_a_line_break_in_a_name_is_final_at_once_and_not_quoted(tmp_path: Path) -> None:
    """A header that cannot be written fails the same way on every retry: it is refused
    for good (the ledger says so), and the detail names no part of the value."""
    inbox = Inbox()
    broken = notification().model_copy(
        update={"employee": ADA.model_copy(update={"name": "Ada\r\nBcc: x@evil.example"})}
    )
    with smtp_server(inbox) as port:
        with pytest.raises(ChannelRefused) as refused:
            await SmtpNotifier(smtp(port), PUBLIC_URL).send(broken)
        with pytest.raises(ChannelRefused) as fanned:
            await mailer(tmp_path, smtp(port)).send(broken)
    assert "cannot be built" in refused.value.message
    assert "cannot be built" in fanned.value.message
    for message in (refused.value.message, fanned.value.message):
        assert "Ada" not in message
        assert "evil" not in message
    assert inbox.messages == []
    assert '"refused"' in (tmp_path / "sent" / "smtp.jsonl").read_text()
