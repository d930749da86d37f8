"""`xfrsync http` over TLS (tls/, BearSSL) and plain TCP, against real
servers: `openssl s_server`, a Python HTTP/1.1 server and moto_server.

Every refused handshake is checked from both ends: the client names the
cause, and the server's log shows that no HTTP byte reached it (s_server
in echo mode prints everything it receives; a control test shows that
an accepted request does appear there).
"""

from __future__ import annotations

import re
import shutil
import socket
import threading

import pytest

import tlslab
from tlslab import run_http

HOST = "server.test"


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    return tlslab.Pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def other_pki(tmp_path_factory):
    """A second root nobody trusts."""
    return tlslab.Pki(tmp_path_factory.mktemp("other-pki"), "untrusted root")


@pytest.fixture
def s_server(tmp_path):
    started = []

    def start(issued, mode="echo"):
        srv = tlslab.SServer(issued, tmp_path / "srv", mode)
        started.append(srv)
        return srv

    yield start
    for srv in started:
        srv.stop()


def connect(port: int) -> list[str]:
    return ["--connect", f"127.0.0.1:{port}"]


# ---- requests that go through ------------------------------------------------------

def test_good_certificate_ec(xfrsync, pki, s_server):
    srv = s_server(pki.issue("good-ec", [HOST]), "WWW")
    (srv.dir / "hello.txt").write_text("hello over TLS\n")
    r = run_http(xfrsync, "-v", "--ca-file", str(pki.root_pem), *connect(srv.port),
                 f"https://{HOST}/hello.txt")
    assert r.returncode == 0, r.stderr
    assert r.text == "hello over TLS\n"
    assert "TLS 1.2 ECDHE-ECDSA-" in r.stderr
    assert "FILE:hello.txt" in srv.text()


def test_good_certificate_rsa_via_intermediate(xfrsync, pki, s_server):
    srv = s_server(pki.issue("good-rsa", [HOST, "alt.test"], kind="rsa",
                             via_intermediate=True), "WWW")
    (srv.dir / "x.txt").write_text("chained\n")
    r = run_http(xfrsync, "-v", "--ca-file", str(pki.root_pem), *connect(srv.port),
                 "https://alt.test/x.txt")
    assert r.returncode == 0, r.stderr
    assert r.text == "chained\n"
    assert "TLS 1.2 ECDHE-RSA-" in r.stderr


def test_control_request_reaches_echo_server(xfrsync, pki, s_server):
    """The log check of the refusal tests can see HTTP bytes: an accepted
    handshake puts the request in s_server's log (the echo server never
    answers, so the client times out)."""
    srv = s_server(pki.issue("control", [HOST]))
    r = run_http(xfrsync, "-m", "2", "--ca-file", str(pki.root_pem),
                 *connect(srv.port), f"https://{HOST}/secret-path")
    assert r.returncode == 1
    assert "timeout after 2 s" in r.stderr
    assert "GET /secret-path HTTP/1.1" in srv.wait_for("GET /secret-path")


# ---- refusals ----------------------------------------------------------------------------

REFUSALS = {
    # name: (how to issue, where to get the CA, expected cause)
    "untrusted_ca": (dict(names=[HOST]), "other",
                     "server certificate not trusted"),
    "wrong_host_name": (dict(names=["someone-else.test"]), "pki",
                        f"server certificate does not match host name '{HOST}'"),
    "expired": (dict(names=[HOST], not_before_days=-30, not_after_days=-1), "pki",
                "server certificate has expired (not after "),
    "not_yet_valid": (dict(names=[HOST], not_before_days=2, not_after_days=30), "pki",
                      "server certificate is not yet valid (not before "),
}


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_refused(xfrsync, pki, other_pki, s_server, case):
    how, issuer, cause = REFUSALS[case]
    srv = s_server((other_pki if issuer == "other" else pki).issue(case, **how))
    r = run_http(xfrsync, "--ca-file", str(pki.root_pem), *connect(srv.port),
                 f"https://{HOST}/must-not-arrive")
    assert r.returncode == 1
    line = r.stderr.strip()
    assert "\n" not in line, "one line of cause"
    assert line.startswith(f"xfrsync http: https://{HOST}/must-not-arrive: TLS: "), line
    assert cause in line
    # The server saw the handshake fail (BearSSL's alert), and nothing else.
    log = srv.wait_for("ERROR", "CONNECTION CLOSED")
    assert "ERROR" in log or "CONNECTION CLOSED" in log, log
    assert "must-not-arrive" not in log and "GET" not in log and "Host:" not in log


def test_dates_in_expiry_message(xfrsync, pki, s_server):
    srv = s_server(pki.issue("expired-date", [HOST], not_before_days=-400,
                             not_after_days=-366))
    r = run_http(xfrsync, "--ca-file", str(pki.root_pem), *connect(srv.port),
                 f"https://{HOST}/")
    assert r.returncode == 1
    m = re.search(r"not after (\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d) UTC", r.stderr)
    assert m, r.stderr
    import datetime
    want = (pki.now + datetime.timedelta(days=-366)).replace(microsecond=0)
    assert datetime.datetime(*map(int, m.groups())) == want


def test_builtin_anchors_refuse_test_ca(xfrsync, pki, s_server):
    """Without --ca-file only the compiled-in roots count."""
    srv = s_server(pki.issue("builtin", [HOST]))
    r = run_http(xfrsync, *connect(srv.port), f"https://{HOST}/")
    assert r.returncode == 1
    assert "server certificate not trusted" in r.stderr
    assert "GET" not in srv.wait_for("ERROR", "CONNECTION CLOSED")


# ---- resumption --------------------------------------------------------------------------

def test_session_resumption(xfrsync, pki, s_server):
    srv = s_server(pki.issue("resume", [HOST, "other.test"]), "www")
    url = f"https://{HOST}/"
    # s_server -www answers HTTP/1.0 and closes: each URL is a new
    # connection, and the second one offers the first one's session.
    r = run_http(xfrsync, "-v", "--ca-file", str(pki.root_pem), *connect(srv.port),
                 url, url, url)
    assert r.returncode == 0, r.stderr
    sessions = re.findall(r"\* TLS 1\.2 \S+, (new|resumed) session", r.stderr)
    assert sessions == ["new", "resumed", "resumed"], r.stderr
    # The server agrees: its status pages say New, then Reused, with the
    # same session ID, and count the cache hits.
    pages = r.text
    assert re.findall(r"^(New|Reused), TLSv1\.2", pages, re.M) == ["New", "Reused", "Reused"]
    ids = re.findall(r"Session-ID: ([0-9A-F]+)", pages)
    assert len(ids) == 3 and len(set(ids)) == 1
    assert re.search(r"^\s+2 session cache hits", pages, re.M), pages
    # Sessions are kept per host: another name gets a full handshake.
    r = run_http(xfrsync, "-v", "--ca-file", str(pki.root_pem), *connect(srv.port),
                 url, "https://other.test/")
    sessions = re.findall(r"\* TLS 1\.2 \S+, (new|resumed) session", r.stderr)
    assert sessions == ["new", "new"], r.stderr


# ---- HTTP/1.1 over TLS: keep-alive, chunked, bodies ---------------------------------------

@pytest.fixture
def py_https(pki):
    srv = tlslab.PyServer(pki.issue("py", [HOST]))
    yield srv
    srv.stop()


def test_keepalive_over_tls(xfrsync, pki, py_https):
    base = f"https://{HOST}:{py_https.port}"
    r = run_http(xfrsync, "-v", "--ca-file", str(pki.root_pem), *connect(py_https.port),
                 f"{base}/a", f"{base}/chunked", f"{base}/b")
    assert r.returncode == 0, r.stderr
    assert r.text == "hello from /a\nfirst part, second part!\nhello from /b\n"
    assert py_https.connections == 1
    assert r.stderr.count("* reusing the connection") == 2
    assert [q[1] for q in py_https.requests] == ["/a", "/chunked", "/b"]
    assert py_https.requests[0][2]["Host"] == f"{HOST}:{py_https.port}"
    assert py_https.requests[0][2]["User-Agent"].startswith("xfrsync/")


def test_connection_close_ends_reuse(xfrsync, pki, py_https):
    # (Python's server closes without close_notify, so OpenSSL drops the
    # session: resumption is tested against s_server above.)
    base = f"https://{HOST}:{py_https.port}"
    r = run_http(xfrsync, "-v", "--ca-file", str(pki.root_pem), *connect(py_https.port),
                 f"{base}/close", f"{base}/after")
    assert r.returncode == 0, r.stderr
    assert r.text == "hello from /close\nhello from /after\n"
    assert py_https.connections == 2
    assert "reusing" not in r.stderr


def test_post_headers_and_include(xfrsync, pki, py_https):
    base = f"https://{HOST}:{py_https.port}"
    r = run_http(xfrsync, "-i", "--ca-file", str(pki.root_pem), *connect(py_https.port),
                 "-X", "PUT", "-H", "X-Amz-Date: 20240101T000000Z",
                 "-H", "Content-Type: application/xml", "-d", "<a>body</a>",
                 f"{base}/echo?x=1")
    assert r.returncode == 0, r.stderr
    head, _, body = r.text.partition("\r\n\r\n")
    assert head.startswith("HTTP/1.1 200 OK\r\n")
    assert "\r\nContent-Length: 25" in head
    assert body == "PUT /echo?x=1 <a>body</a>"
    method, path, headers, sent = py_https.requests[-1]
    assert headers["X-Amz-Date"] == "20240101T000000Z"
    assert headers["Content-Length"] == "11" and sent == b"<a>body</a>"


def test_large_bodies_over_tls(xfrsync, pki, py_https, tmp_path):
    """A request body and an answer much larger than a TLS record."""
    data = bytes((i * 7 + i // 251) % 256 for i in range(300_000))
    f = tmp_path / "big.bin"
    f.write_bytes(data)
    base = f"https://{HOST}:{py_https.port}"
    r = run_http(xfrsync, "--ca-file", str(pki.root_pem), *connect(py_https.port),
                 "-X", "PUT", "-d", f"@{f}", f"{base}/echo", f"{base}/echo")
    assert r.returncode == 0, r.stderr
    one = b"PUT /echo " + data
    assert r.stdout == one + one
    assert py_https.connections == 1
    assert py_https.requests[0][3] == data


def test_fail_on_http_error(xfrsync, pki, py_https):
    base = f"https://{HOST}:{py_https.port}"
    r = run_http(xfrsync, "--ca-file", str(pki.root_pem), *connect(py_https.port),
                 f"{base}/missing")
    assert r.returncode == 0 and r.text == "no such thing\n"
    r = run_http(xfrsync, "-f", "--ca-file", str(pki.root_pem), *connect(py_https.port),
                 f"{base}/missing")
    assert r.returncode == 1 and r.text == ""
    assert r.stderr.strip() == f"xfrsync http: {base}/missing: HTTP status 404 Not Found"


def test_head_request(xfrsync, pki, py_https):
    base = f"https://{HOST}:{py_https.port}"
    r = run_http(xfrsync, "-i", "-X", "HEAD", "--ca-file", str(pki.root_pem),
                 *connect(py_https.port), f"{base}/h", f"{base}/h2")
    assert r.returncode == 0, r.stderr
    assert r.text.count("HTTP/1.1 200 OK") == 2
    assert py_https.connections == 1


# ---- plain HTTP -------------------------------------------------------------------------

def test_plain_http_keepalive(xfrsync):
    srv = tlslab.PyServer(None)
    try:
        base = f"http://127.0.0.1:{srv.port}"
        r = run_http(xfrsync, f"{base}/one", f"{base}/chunked", f"{base}/two")
        assert r.returncode == 0, r.stderr
        assert r.text == "hello from /one\nfirst part, second part!\nhello from /two\n"
        assert srv.connections == 1
    finally:
        srv.stop()


# ---- misbehaving peers and bad input --------------------------------------------------------

class OneShot:
    """Accept connections and answer each with fixed bytes, then close."""

    def __init__(self, answer: bytes):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4)
        self.port = self.sock.getsockname()[1]
        self.answer = answer
        self.received = b""
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        try:
            c, _ = self.sock.accept()
        except OSError:
            return
        with c:
            c.settimeout(2)
            try:
                self.received += c.recv(65536)
            except OSError:
                pass
            if self.answer:
                c.sendall(self.answer)

    def close(self):
        self.sock.close()


def test_server_closes_during_handshake(xfrsync):
    srv = OneShot(b"")
    try:
        r = run_http(xfrsync, *connect(srv.port), f"https://{HOST}/")
    finally:
        srv.close()
    assert r.returncode == 1
    assert "TLS: server closed the connection during the handshake" in r.stderr
    assert srv.received.startswith(b"\x16\x03")  # a ClientHello, nothing else


def test_https_to_plain_http_server(xfrsync):
    srv = OneShot(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
    try:
        r = run_http(xfrsync, *connect(srv.port), f"https://{HOST}/")
    finally:
        srv.close()
    assert r.returncode == 1
    assert ": TLS: " in r.stderr


def test_malformed_http_answer(xfrsync):
    srv = OneShot(b"HTTP/1.1 200 OK\r\nBad Header\r\n\r\n")
    try:
        r = run_http(xfrsync, f"http://127.0.0.1:{srv.port}/")
    finally:
        srv.close()
    assert r.returncode == 1
    assert r.stderr.strip().endswith(": header line without a colon")


@pytest.mark.parametrize("args,cause", [
    (["https://example.com/"], "host is not a numeric address (use --connect ADDR:PORT)"),
    (["--connect", "nowhere:1", "https://example.com/"], "bad --connect address"),
    (["ftp://127.0.0.1/"], "only http:// and https:// URLs"),
    (["--ca-file", "/nonexistent/ca.pem", "https://127.0.0.1/"],
     "/nonexistent/ca.pem: No such file or directory"),
    (["-H", "Host: evil", "http://127.0.0.1:1/"], "request header is set by the HTTP engine"),
    (["-H", "X: a\rb", "http://127.0.0.1:1/"], "control character in request header value"),
    (["http://127.0.0.1:1/"], "connect: Connection refused"),
])
def test_bad_usage(xfrsync, args, cause):
    r = run_http(xfrsync, *args)
    assert r.returncode == 1
    assert cause in r.stderr
    assert r.stderr.count("\n") == 1


def test_ca_file_without_certificates(xfrsync, tmp_path):
    f = tmp_path / "empty.pem"
    f.write_text("no certificates here\n")
    r = run_http(xfrsync, "--ca-file", str(f), "https://127.0.0.1:1/")
    assert r.returncode == 1 and "no CERTIFICATE in the file" in r.stderr


# ---- moto behind TLS (what the Route53 tests will use) ---------------------------------------

R53 = "route53.amazonaws.com"


@pytest.fixture(scope="module")
def moto_tls(pki, tmp_path_factory):
    if shutil.which("moto_server") is None:
        pytest.skip("moto_server not installed (pip install 'moto[server]')")
    srv = tlslab.MotoTls(pki.issue("moto", [R53]), tmp_path_factory.mktemp("moto"))
    yield srv
    srv.stop()


def test_moto_over_https(xfrsync, pki, moto_tls):
    # moto picks the service from the SigV4 scope; it does not check the
    # signature by default, so a well-formed header is enough here.
    auth = ("Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240101/"
            "us-east-1/route53/aws4_request, SignedHeaders=host;x-amz-date, "
            "Signature=" + "0" * 64)
    r = run_http(xfrsync, "--ca-file", str(pki.root_pem), *connect(moto_tls.port),
                 "-H", auth, "-H", "X-Amz-Date: 20240101T000000Z",
                 f"https://{R53}:{moto_tls.port}/2013-04-01/hostedzone")
    assert r.returncode == 0, r.stderr
    assert "<ListHostedZonesResponse" in r.text and "<HostedZones" in r.text
