"""A local stand-in for the AWS credential endpoints: EC2 instance metadata
(IMDSv2), the container credentials endpoint (ECS/EKS) and STS
(AssumeRoleWithWebIdentity), on one free 127.0.0.1 port, HTTP/1.1 with
keep-alive (TLS when given a certificate).

The agent reaches it through the test-only `test-endpoint` statements of
the aws block.  It behaves like the real services where xfrsync depends on
it:

- IMDS: PUT /latest/api/token needs X-aws-ec2-metadata-token-ttl-seconds
  (1..21600) and gives a token; every GET under /latest/meta-data/ without
  a valid X-aws-ec2-metadata-token is answered 401, as IMDS does when
  IMDSv2 is required.  GET .../security-credentials/ lists the role,
  GET .../security-credentials/<role> gives the JSON document
  (Code, LastUpdated, Type, AccessKeyId, SecretAccessKey, Token,
  Expiration).
- ECS: GET ECS_PATH, checking Authorization when auth is set; JSON
  {AccessKeyId, SecretAccessKey, Token, Expiration, RoleArn}.
- STS: POST / (form) or GET /?..., Action=AssumeRoleWithWebIdentity,
  checks RoleArn, RoleSessionName and WebIdentityToken; the XML answer of
  the API reference, or an ErrorResponse.

Each answer issues fresh credentials (AccessKeyId ASIASTUB0001, 0002, ...)
whose secret and token contain "stubSECRET"/"stubTOKEN" and a random part:
`secrets()` lists every one issued, for the tests that check no output
ever shows one.  `fail` makes the next answers of an endpoint an error
status or a malformed body; `hang` makes it never answer.  Every request
is recorded with the client's port (the connection it came on).
"""

from __future__ import annotations

import datetime
import http.server
import json
import secrets as pysecrets
import socket
import ssl
import threading
import urllib.parse
from dataclasses import dataclass

IMDS_ROLE = "xfrsync-test-role"
ECS_PATH = "/v2/credentials/5ae5b4d4-0000-4000-8000-000000000000"
ROLE_ARN = "arn:aws:iam::123456789012:role/xfrsync-wi"


@dataclass
class Request:
    method: str
    path: str
    headers: dict
    body: bytes
    client_port: int
    status: int = 0


@dataclass
class Issued:
    akid: str
    secret: str
    token: str
    expiration: str


def iso(t: datetime.datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        super().setup()
        # Headers and body go out in two writes: no Nagle delay between.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, *args):
        pass

    def _send(self, status: int, body: bytes | str, ctype: str = "text/plain"):
        if isinstance(body, str):
            body = body.encode()
        self.rec.status = status         # before the client can see it
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _handle(self):
        stub: AwsStub = self.server.stub
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        self.rec = Request(self.command, self.path, {k.lower(): v for k, v in
                                                    self.headers.items()},
                           body, self.client_address[1])
        with stub.lock:
            stub.requests.append(self.rec)
        path = urllib.parse.urlsplit(self.path).path
        if path.startswith("/latest/"):
            kind = "imds"
        elif path == ECS_PATH:
            kind = "ecs"
        elif path == "/" and (self.command == "POST" or "Action=" in self.path):
            kind = "sts"
        else:
            return self._send(404, "not found\n")
        if kind in stub.hang:
            stub.stopping.wait(60)       # never answers (until stopped)
            self.close_connection = True
            return
        fail = stub.fail.get(kind)
        if kind == "imds" and fail is not None:
            # The token request fails only with fail_token, the listing
            # never: the credentials document does.
            if path == "/latest/api/token":
                fail = fail if stub.fail_token else None
            elif not path.endswith("/" + (stub.imds_role or "")):
                fail = None
        if fail is not None:
            status, text = fail
            return self._send(status, text, "application/json")
        getattr(self, "_" + kind)(stub, path, body)

    do_GET = do_PUT = do_POST = _handle

    # ---- IMDS -------------------------------------------------------------
    def _imds(self, stub, path, body):
        if path == "/latest/api/token":
            if self.command != "PUT":
                return self._send(405, "")
            ttl = self.headers.get("X-aws-ec2-metadata-token-ttl-seconds")
            if ttl is None or not ttl.isdigit() or not 1 <= int(ttl) <= 21600:
                return self._send(400, "")
            token = "stubIMDS" + pysecrets.token_urlsafe(24)
            with stub.lock:
                stub.imds_tokens.add(token)
                stub.imds_token_count += 1
            return self._send(200, token)
        if self.command != "GET":
            return self._send(405, "")
        if self.headers.get("X-aws-ec2-metadata-token") not in stub.imds_tokens:
            return self._send(401, "")
        base = "/latest/meta-data/iam/security-credentials/"
        if path == base:
            if stub.imds_role is None:
                return self._send(404, "")
            return self._send(200, stub.imds_role)
        if path == base + (stub.imds_role or ""):
            c = stub.issue()
            return self._send(200, json.dumps({
                "Code": "Success",
                "LastUpdated": iso(datetime.datetime.utcnow()),
                "Type": "AWS-HMAC",
                "AccessKeyId": c.akid,
                "SecretAccessKey": c.secret,
                "Token": c.token,
                "Expiration": c.expiration,
            }, indent=2), "text/plain")
        return self._send(404, "")

    # ---- ECS ----------------------------------------------------------------
    def _ecs(self, stub, path, body):
        if stub.ecs_auth is not None and \
                self.headers.get("Authorization") != stub.ecs_auth:
            return self._send(401, json.dumps({
                "code": "InvalidToken",
                "message": "the authorization token is not valid"}),
                "application/json")
        c = stub.issue()
        return self._send(200, json.dumps({
            "RoleArn": "arn:aws:iam::123456789012:role/xfrsync-task",
            "AccessKeyId": c.akid,
            "SecretAccessKey": c.secret,
            "Token": c.token,
            "Expiration": c.expiration,
        }), "application/json")

    # ---- STS ------------------------------------------------------------------
    def _sts_error(self, status, code, message):
        return self._send(status, f"""<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error>
    <Type>Sender</Type>
    <Code>{code}</Code>
    <Message>{message}</Message>
  </Error>
  <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>
</ErrorResponse>
""", "text/xml")

    def _sts(self, stub, path, body):
        if self.command == "POST":
            if not self.headers.get("Content-Type", "").startswith(
                    "application/x-www-form-urlencoded"):
                return self._sts_error(400, "InvalidParameterValue", "form expected")
            q = urllib.parse.parse_qs(body.decode(), keep_blank_values=True)
        else:
            q = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        p = {k: v[0] for k, v in q.items()}
        with stub.lock:
            stub.sts_params.append(p)
        if p.get("Action") != "AssumeRoleWithWebIdentity" or \
                p.get("Version") != "2011-06-15":
            return self._sts_error(400, "InvalidAction", "bad action")
        if p.get("RoleArn") != ROLE_ARN or not p.get("RoleSessionName"):
            return self._sts_error(400, "ValidationError", "bad role")
        if p.get("WebIdentityToken") not in stub.sts_tokens:
            return self._sts_error(400, "InvalidIdentityToken",
                                   "Couldn&apos;t validate the token")
        c = stub.issue()
        return self._send(200, f"""<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleWithWebIdentityResult>
    <SubjectFromWebIdentityToken>system:serviceaccount:dns:xfrsync</SubjectFromWebIdentityToken>
    <Audience>sts.amazonaws.com</Audience>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::123456789012:assumed-role/xfrsync-wi/{p['RoleSessionName']}</Arn>
      <AssumedRoleId>AROACLKWSDQRAOEXAMPLE:{p['RoleSessionName']}</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <SessionToken>{c.token}</SessionToken>
      <SecretAccessKey>{c.secret}</SecretAccessKey>
      <Expiration>{c.expiration}</Expiration>
      <AccessKeyId>{c.akid}</AccessKeyId>
    </Credentials>
    <Provider>arn:aws:iam::123456789012:oidc-provider/example</Provider>
  </AssumeRoleWithWebIdentityResult>
  <ResponseMetadata>
    <RequestId>ad4156e9-bce1-11e2-82e6-6b6efEXAMPLE</RequestId>
  </ResponseMetadata>
</AssumeRoleWithWebIdentityResponse>
""", "text/xml")


class AwsStub:
    """The stub on a free 127.0.0.1 port, in a thread of this process.
    tls: (certificate file, key file) to serve HTTPS."""

    def __init__(self, tls: tuple[str, str] | None = None):
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.requests: list[Request] = []
        self.issued: list[Issued] = []
        self.expires_in = 6 * 3600          # seconds from now
        self.imds_role: str | None = IMDS_ROLE
        self.imds_tokens: set[str] = set()
        self.imds_token_count = 0
        self.ecs_auth: str | None = None
        self.sts_tokens: set[str] = set()
        self.sts_params: list[dict] = []
        # kind -> (status, body) answered instead of the real thing; for
        # imds, instead of the credentials document (and of the token too
        # with fail_token).
        self.fail: dict[str, tuple[int, str]] = {}
        self.fail_token = False
        self.hang: set[str] = set()
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.stub = self
        if tls is not None:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(*tls)
            self.httpd.socket = ctx.wrap_socket(self.httpd.socket, server_side=True)
        self.port = self.httpd.server_address[1]
        self.url = f"{'https' if tls else 'http'}://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever,
                                       kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def issue(self) -> Issued:
        with self.lock:
            n = len(self.issued) + 1
            exp = datetime.datetime.utcnow() + datetime.timedelta(seconds=self.expires_in)
            c = Issued(f"ASIASTUB{n:04d}",
                       f"stubSECRET{n:04d}/{pysecrets.token_urlsafe(18)}",
                       f"stubTOKEN{n:04d}{pysecrets.token_urlsafe(96)}",
                       iso(exp))
            self.issued.append(c)
            return c

    def secrets(self) -> list[str]:
        """Every secret and token handed out (IMDS session tokens too)."""
        with self.lock:
            return ([c.secret for c in self.issued] + [c.token for c in self.issued]
                    + list(self.imds_tokens))

    def paths(self) -> list[tuple[str, str]]:
        with self.lock:
            return [(r.method, r.path) for r in self.requests]

    def stop(self):
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()


class Blackhole:
    """A listener that accepts connections and never answers: the timeout
    case.  Connections are held open until stop()."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.held: list[socket.socket] = []
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        self.sock.settimeout(0.2)
        while not self.stopping.is_set():
            try:
                conn, _ = self.sock.accept()
                self.held.append(conn)
            except OSError:
                continue

    def stop(self):
        self.stopping.set()
        self.thread.join()
        for c in self.held:
            c.close()
        self.sock.close()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
