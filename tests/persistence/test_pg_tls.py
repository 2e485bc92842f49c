"""TLS to PostgreSQL: with sslmode=verify-full the app talks only to the server whose
certificate the force's CA signed, and a server that accepts only TLS refuses plain text."""

import ipaddress
import os
from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from rso_manager.clock import FixedClock
from rso_manager.database import open_database
from rso_manager.persistence import pg_roles
from tests import pg_server

pytestmark = pytest.mark.postgres


def _key():
    return ec.generate_private_key(ec.SECP256R1())


def _pem(key) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def _certificate(subject, issuer, public_key, signing_key, *, ca, san=None):
    now = datetime.now(UTC)
    builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer)
               .public_key(public_key).serial_number(x509.random_serial_number())
               .not_valid_before(now - timedelta(minutes=5)).not_valid_after(now + timedelta(days=1))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if san:
        builder = builder.add_extension(x509.SubjectAlternativeName(san), critical=False)
    return builder.sign(signing_key, hashes.SHA256())


def _ca(name):
    key = _key()
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    return key, subject, _certificate(subject, subject, key.public_key(), key, ca=True)


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory):
    reason = pg_server.unavailable_reason()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL tests cannot run under CI: {reason}", pytrace=False)
        pytest.skip(reason)
    ca_key, ca_name, ca_cert = _ca("Test OMU CA")
    server_key = _key()
    server_cert = _certificate(
        x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]), ca_name,
        server_key.public_key(), ca_key, ca=False,
        san=[x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")])
    _, _, impostor_ca = _ca("Someone else's CA")
    certs = tmp_path_factory.mktemp("tls")
    (certs / "root.crt").write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    (certs / "wrong-root.crt").write_bytes(impostor_ca.public_bytes(serialization.Encoding.PEM))
    server = pg_server.start(
        options=["ssl=on", "ssl_cert_file=server.crt", "ssl_key_file=server.key"],
        # TCP only over TLS; the local socket is how pg_ctl checks the server is up.
        hba="local all all trust\nhostssl all all 127.0.0.1/32 trust\n",
        files={"server.crt": server_cert.public_bytes(serialization.Encoding.PEM),
               "server.key": _pem(server_key)})
    try:
        url = pg_server.create_app_database(server, "rso_tls", FixedClock().now())
        yield url, certs
    finally:
        server.stop()


def test_the_app_connects_with_verify_full(tls_server, clock):
    url, certs = tls_server
    engine, services = open_database(f"{url}?sslmode=verify-full&sslrootcert={certs / 'root.crt'}", clock)
    try:
        with services.session_factory() as s:
            ssl, user = s.execute(text(
                "SELECT ssl, current_user FROM pg_stat_ssl WHERE pid = pg_backend_pid()")).one()
        assert ssl and user == pg_roles.DEFAULT_APP_ROLE
    finally:
        engine.dispose()


@pytest.mark.parametrize("query, refusal", [
    ("sslmode=verify-full&sslrootcert={certs}/wrong-root.crt", "certificate verify failed"),
    ("sslmode=disable", "no encryption"),
])
def test_a_wrong_root_certificate_or_no_tls_is_refused(tls_server, clock, query, refusal):
    url, certs = tls_server
    with pytest.raises(OperationalError, match=refusal):
        open_database(f"{url}?{query.format(certs=certs)}", clock)
