"""TLS test fixtures: a private PKI generated per run, `openssl s_server`,
a small HTTPS/1.1 server in Python, and moto_server behind TLS.

Certificates are made with Debian's python3-cryptography (any dates, any
names, EC or RSA).  Servers listen on free 127.0.0.1 ports and are
stopped by PID.  Every server keeps what it received (s_server's stdout
in its log file, the Python server's request list) so that a test can
check that a refused handshake let no HTTP byte through.
"""

from __future__ import annotations

import datetime
import http.server
import os
import shutil
import socket
import ssl
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---- certificates ---------------------------------------------------------

def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "xfrsync tests"),
                      x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _key(kind: str):
    if kind == "rsa":
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return ec.generate_private_key(ec.SECP256R1())


@dataclass
class Issued:
    cert: Path
    key: Path
    chain: Path | None = None  # intermediates to send after the leaf


class Pki:
    """A root CA (and an intermediate) under dir; issue() makes leaves."""

    def __init__(self, directory: Path, name: str = "xfrsync test root"):
        self.dir = directory
        self.dir.mkdir(parents=True, exist_ok=True)
        self.now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
        self.root_key = _key("ec")
        self.root = self._ca(name, self.root_key, None, None)
        self.root_pem = self._write(name.replace(" ", "_") + ".crt", self.root)
        self.inter_key = _key("rsa")
        self.inter = self._ca(name + " intermediate", self.inter_key, self.root,
                              self.root_key)
        self.inter_pem = self._write(name.replace(" ", "_") + "_inter.crt", self.inter)
        self.serial = 100

    def _ca(self, cn, key, issuer, issuer_key):
        b = (x509.CertificateBuilder()
             .subject_name(_name(cn))
             .issuer_name(issuer.subject if issuer else _name(cn))
             .public_key(key.public_key())
             .serial_number(x509.random_serial_number())
             .not_valid_before(self.now - datetime.timedelta(days=30))
             .not_valid_after(self.now + datetime.timedelta(days=3650))
             .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
             .add_extension(x509.KeyUsage(False, False, False, False, False, True, True,
                                          False, False), critical=True))
        return b.sign(issuer_key or key, hashes.SHA256())

    def _write(self, fname: str, cert) -> Path:
        p = self.dir / fname
        p.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        return p

    def issue(self, tag: str, names: list[str], kind: str = "ec",
              not_before_days: float = -1, not_after_days: float = 30,
              via_intermediate: bool = False) -> Issued:
        """A server certificate for names, valid from now + not_before_days
        to now + not_after_days."""
        key = _key(kind)
        issuer, issuer_key = ((self.inter, self.inter_key) if via_intermediate
                              else (self.root, self.root_key))
        self.serial += 1
        cert = (x509.CertificateBuilder()
                .subject_name(_name(names[0]))
                .issuer_name(issuer.subject)
                .public_key(key.public_key())
                .serial_number(self.serial)
                .not_valid_before(self.now + datetime.timedelta(days=not_before_days))
                .not_valid_after(self.now + datetime.timedelta(days=not_after_days))
                .add_extension(x509.SubjectAlternativeName(
                    [x509.DNSName(n) for n in names]), critical=False)
                .add_extension(x509.BasicConstraints(ca=False, path_length=None),
                               critical=True)
                .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]),
                               critical=False)
                .sign(issuer_key, hashes.SHA256()))
        cp = self._write(tag + ".crt", cert)
        kp = self.dir / (tag + ".key")
        kp.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                         serialization.PrivateFormat.PKCS8,
                                         serialization.NoEncryption()))
        return Issued(cp, kp, self.inter_pem if via_intermediate else None)


# ---- openssl s_server ---------------------------------------------------------

class SServer:
    """`openssl s_server` on a free port.  mode: "echo" (prints what it
    receives: the log shows every HTTP byte that got through), "www"
    (status page with session statistics) or "WWW" (files under dir)."""

    def __init__(self, issued: Issued, directory: Path, mode: str = "echo"):
        self.port = free_port()
        self.dir = directory
        self.dir.mkdir(parents=True, exist_ok=True)
        self.log_path = self.dir / f"s_server-{self.port}.log"
        cmd = [shutil.which("openssl") or "openssl", "s_server",
               "-accept", f"127.0.0.1:{self.port}",
               "-cert", str(issued.cert), "-key", str(issued.key)]
        if issued.chain:
            cmd += ["-cert_chain", str(issued.chain)]
        if mode in ("www", "WWW"):
            cmd.append("-" + mode)
        self.log = open(self.log_path, "wb")
        # stdin stays an open pipe: s_server quits on EOF there.
        self.proc = subprocess.Popen(cmd, cwd=self.dir, stdin=subprocess.PIPE,
                                     stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 10
        while b"ACCEPT" not in self.log_path.read_bytes():
            if self.proc.poll() is not None or time.time() > deadline:
                raise RuntimeError("s_server did not start:\n" + self.text())
            time.sleep(0.02)

    def text(self) -> str:
        return self.log_path.read_bytes().decode("latin-1")

    def wait_for(self, *needles: str, timeout: float = 5) -> str:
        """The log once it holds one of needles (s_server writes it
        after the client is gone), or as it is at the timeout."""
        deadline = time.time() + timeout
        while True:
            t = self.text()
            if any(n in t for n in needles) or time.time() > deadline:
                return t
            time.sleep(0.02)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


# ---- a small HTTP/1.1 server, with or without TLS ---------------------------------

class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        super().setup()
        self.server.lab.connections += 1

    def log_message(self, *args):
        pass

    def _answer(self):
        lab = self.server.lab
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        lab.requests.append((self.command, self.path, dict(self.headers), body))
        if self.path.startswith("/chunked"):
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            for part in (b"first part, ", b"second part", b"!\n"):
                self.wfile.write(b"%x;ext=1\r\n%s\r\n" % (len(part), part))
            self.wfile.write(b"0\r\nX-Checksum: abc\r\n\r\n")
            return
        if self.path.startswith("/missing"):
            payload, status = b"no such thing\n", 404
        elif self.path.startswith("/echo"):
            payload, status = b"%s %s %s" % (self.command.encode(), self.path.encode(),
                                             body), 200
        else:
            payload, status = b"hello from %s\n" % self.path.encode(), 200
        self.send_response(status)
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("X-Request-Count", str(len(lab.requests)))
        if self.path.startswith("/close"):
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_HEAD = do_DELETE = _answer


class PyServer:
    """HTTP/1.1 (keep-alive, chunked) on a free port; TLS when issued is
    given.  Counts connections and records requests."""

    def __init__(self, issued: Issued | None = None):
        self.connections = 0
        self.requests: list = []
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.lab = self
        self.port = self.httpd.server_address[1]
        if issued is not None:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(str(issued.cert), str(issued.key))
            self.httpd.socket = ctx.wrap_socket(self.httpd.socket, server_side=True)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


# ---- moto behind TLS -------------------------------------------------------------

class MotoTls:
    """moto_server with its own TLS (-c/-k), on a free port."""

    def __init__(self, issued: Issued, directory: Path):
        exe = shutil.which("moto_server")
        if exe is None:
            raise FileNotFoundError("moto_server")
        self.port = free_port()
        self.log_path = directory / f"moto-{self.port}.log"
        self.log = open(self.log_path, "wb")
        env = dict(os.environ)
        env.setdefault("AWS_DEFAULT_REGION", "us-east-1")
        self.proc = subprocess.Popen(
            [exe, "-H", "127.0.0.1", "-p", str(self.port),
             "-c", str(issued.cert), "-k", str(issued.key)],
            stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT,
            env=env)
        deadline = time.time() + 60
        while True:
            if self.proc.poll() is not None or time.time() > deadline:
                raise RuntimeError("moto_server did not start:\n" +
                                   self.log_path.read_text(errors="replace"))
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.2).close()
                break
            except OSError:
                time.sleep(0.1)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


# ---- the client ----------------------------------------------------------------

@dataclass
class Result:
    returncode: int
    stdout: bytes
    stderr: str

    @property
    def text(self) -> str:
        return self.stdout.decode("utf-8", "replace")


def run_http(binary: Path, *args: str, timeout: float = 30) -> Result:
    r = subprocess.run([str(binary), "http", *args], capture_output=True,
                       timeout=timeout)
    return Result(r.returncode, r.stdout, r.stderr.decode("utf-8", "replace"))
