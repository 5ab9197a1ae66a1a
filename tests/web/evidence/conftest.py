"""The suite's own RFC 3161 time-stamping authority (``openssl ts -reply`` behind a loopback HTTP
server, with a CA and TSA certificate made here) and a directory witness."""

from __future__ import annotations

import datetime as dt
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

TSA_CONFIG = """
[ tsa ]
default_tsa = suite_tsa
[ suite_tsa ]
dir = {dir}
serial = $dir/serial
crypto_device = builtin
signer_cert = $dir/tsa.pem
certs = $dir/tsa.pem
signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = 1.2.3.4.1
other_policies = 1.2.3.4.5
digests = sha256
accuracy = secs:1
ordering = yes
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""


def _certificate(subject: str, key, issuer_name: x509.Name, issuer_key, *, ca: bool) -> x509.Certificate:
    now = dt.datetime.now(dt.timezone.utc)
    builder = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
               .issuer_name(issuer_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=30))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if ca:
        builder = builder.add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), True)
    else:
        builder = builder.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
    return builder.sign(issuer_key, hashes.SHA256())


class SuiteTsa:
    def __init__(self, folder: Path) -> None:
        ca_key, tsa_key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
        ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Suite TSA root")])
        ca = _certificate("Suite TSA root", ca_key, ca_name, ca_key, ca=True)
        tsa = _certificate("Suite TSA", tsa_key, ca_name, ca_key, ca=False)
        self.folder = folder
        (folder / "ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
        (folder / "tsa.pem").write_bytes(tsa.public_bytes(serialization.Encoding.PEM))
        (folder / "tsa.key").write_bytes(tsa_key.private_bytes(serialization.Encoding.PEM,
                                                               serialization.PrivateFormat.PKCS8,
                                                               serialization.NoEncryption()))
        (folder / "serial").write_text("01\n")
        (folder / "tsa.cnf").write_text(TSA_CONFIG.format(dir=folder))
        self.requests = 0
        self.lock = threading.Lock()

    def reply(self, query: bytes) -> bytes:
        with self.lock, tempfile.TemporaryDirectory() as work:
            request, response = Path(work, "q.tsq"), Path(work, "r.tsr")
            request.write_bytes(query)
            subprocess.run(["openssl", "ts", "-reply", "-config", str(self.folder / "tsa.cnf"), "-queryfile",
                            str(request), "-out", str(response)], check=True, capture_output=True, timeout=30)
            self.requests += 1
            return response.read_bytes()


@pytest.fixture(scope="session")
def suite_tsa(tmp_path_factory) -> Iterator[tuple[SuiteTsa, str]]:
    tsa = SuiteTsa(tmp_path_factory.mktemp("tsa"))

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's hook name
            answer = tsa.reply(self.rfile.read(int(self.headers["Content-Length"])))
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield tsa, f"http://127.0.0.1:{server.server_address[1]}/tsr"
    server.shutdown()
    server.server_close()


@pytest.fixture
def app_config(suite_tsa) -> dict:
    tsa, url = suite_tsa
    return {"TSA_URL": url, "TSA_CA_FILE": str(tsa.folder / "ca.pem")}


@pytest.fixture
def witness_dir(app, tmp_path) -> Path:
    """A directory witness (write-once storage stands in as a plain folder)."""
    from portal.evidence import witnesses
    from portal.evidence.ledger import SYSTEM

    folder = tmp_path / "witness"
    folder.mkdir()
    witnesses.add("directory", str(folder), "union representative's folder", None, SYSTEM)
    return folder
