"""A tiny scripted Route53 for the system tests: an HTTP/1.1 server (keep-alive)
on a free 127.0.0.1 port, in a thread of the test process, whose answers the
test writes.

    stub = R53Stub(secret_for={"AKID...": "secret"}.get)
    stub.model = Route53Model("Z1", sets)          # optional default behaviour
    stub.script(on("change"), Resp(400, error_xml("Throttling", "Rate exceeded")))
    stub.script(on("getchange"), change_xml("C1", "PENDING"), times=3)
    ... run xfrsync with aws { endpoint "<stub.url>" } ...
    stub.requests      # every request: method, path, query, headers, body, time
    stub.auth_problems()  # [] when every request was signed right

An answer is chosen for each request in this order: the first scripted
entry whose matcher accepts it (each entry answers `times` requests, then is
spent; times=None: forever), else the handler function given to the
constructor, else the model (Route53Model: a hosted zone listed in pages
with NextRecordName as Route53 escapes it, changes answered INSYNC), else
500 "unscripted".  A response is a Resp, a str/bytes body (200), or a
callable(req) -> Resp.

Every request is checked for a SigV4 Authorization header of region
us-east-1 and service route53 (AWS4-HMAC-SHA256, a credential scope
matching X-Amz-Date, host and x-amz-date signed, X-Amz-Date within 5
minutes of this machine's clock); when secret_for(access_key_id) knows the
secret, the signature itself is recomputed (SigV4 as AWS documents it,
written here, independent of the agent's signer).  A problem is recorded
on the request (req.auth_problem) — the request is still answered as
scripted, and tests assert stub.auth_problems() == [].
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import http.server
import re
import socket
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from typing import Callable
from xml.sax.saxutils import escape

R53NS = "https://route53.amazonaws.com/doc/2013-04-01/"
API = "/2013-04-01"
REGION, SERVICE = "us-east-1", "route53"


# ---------------------------------------------------------------- requests


@dataclass
class Req:
    method: str
    target: str                  # as sent: path?query
    path: str
    raw_query: str               # as sent, undecoded
    query: list[tuple[str, str]]  # decoded pairs, in order
    headers: dict[str, str]      # lower-case names
    body: bytes
    client_port: int             # the connection it came on
    t: float                     # time.monotonic() at arrival
    call: str = ""               # list, change, getchange, zone, other
    status: int = 0              # what the stub answered
    auth_problem: str | None = None

    def q(self, key: str) -> str | None:
        """The decoded value of query parameter key (the first), or None."""
        for k, v in self.query:
            if k == key:
                return v
        return None

    def raw_q(self, key: str) -> str | None:
        """The value of query parameter key exactly as sent (undecoded)."""
        for pair in self.raw_query.split("&") if self.raw_query else []:
            k, _, v = pair.partition("=")
            if k == key:
                return v
        return None

    def access_key_id(self) -> str | None:
        m = re.search(r"Credential=([^/,\s]+)/", self.headers.get("authorization", ""))
        return m.group(1) if m else None


def call_of(method: str, path: str) -> str:
    if method == "GET" and re.fullmatch(API + r"/hostedzone/[^/]+/rrset/?", path):
        return "list"
    if method == "POST" and re.fullmatch(API + r"/hostedzone/[^/]+/rrset/", path):
        return "change"
    if method == "GET" and re.fullmatch(API + r"/change/[^/]+", path):
        return "getchange"
    if method == "GET" and re.fullmatch(API + r"/hostedzone/[^/]+", path):
        return "zone"
    return "other"


@dataclass
class Resp:
    status: int = 200
    body: str | bytes = ""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "text/xml"
    delay: float = 0.0           # seconds before answering
    close: bool = False          # close the connection after answering


Answer = "Resp | str | bytes | Callable[[Req], Resp]"


def on(call: str | None = None, method: str | None = None, path: str | None = None,
       when: Callable[[Req], bool] | None = None) -> Callable[[Req], bool]:
    """A matcher: the kind of call (list, change, getchange, zone), the
    method, a regex the path must match in full, and/or a predicate."""
    def match(r: Req) -> bool:
        return ((call is None or r.call == call) and
                (method is None or r.method == method) and
                (path is None or re.fullmatch(path, r.path) is not None) and
                (when is None or when(r)))
    return match


@dataclass
class _Entry:
    match: Callable[[Req], bool]
    answer: object
    times: int | None
    used: int = 0


# ---------------------------------------------------------------- SigV4 check


def _enc(s: str) -> str:
    return urllib.parse.quote(s, safe="-_.~")


def _hmac(key: bytes, msg: str) -> bytes:
    return hmac.new(key, msg.encode(), hashlib.sha256).digest()


AUTH_RE = re.compile(r"AWS4-HMAC-SHA256 Credential=(?P<akid>[^/]+)/(?P<date>\d{8})/"
                     r"(?P<region>[^/]+)/(?P<service>[^/]+)/(?P<term>[^,]+), ?"
                     r"SignedHeaders=(?P<signed>[^,]+), ?Signature=(?P<sig>[0-9a-f]{64})$")


def sigv4_problem(r: Req, secret_for: Callable[[str], str | None] | None,
                  skew: float = 300) -> str | None:
    """None when r carries a good SigV4 signature for Route53, else why."""
    auth = r.headers.get("authorization")
    if auth is None:
        return "no Authorization header"
    m = AUTH_RE.match(auth)
    if m is None:
        return f"Authorization is not SigV4: {auth[:60]!r}"
    if m["region"] != REGION or m["service"] != SERVICE or m["term"] != "aws4_request":
        return f"credential scope {m['region']}/{m['service']}/{m['term']}, want " \
               f"{REGION}/{SERVICE}/aws4_request"
    amz = r.headers.get("x-amz-date", "")
    if not re.fullmatch(r"\d{8}T\d{6}Z", amz):
        return f"X-Amz-Date {amz!r}"
    if amz[:8] != m["date"]:
        return f"scope date {m['date']} is not X-Amz-Date's {amz}"
    when = datetime.datetime.strptime(amz, "%Y%m%dT%H%M%SZ").replace(
        tzinfo=datetime.timezone.utc)
    off = abs((datetime.datetime.now(datetime.timezone.utc) - when).total_seconds())
    if off > skew:
        return f"X-Amz-Date {amz} is {off:.0f} s off"
    signed = m["signed"].split(";")
    if signed != sorted(signed) or "host" not in signed or "x-amz-date" not in signed:
        return f"SignedHeaders {m['signed']}"
    if "x-amz-security-token" in r.headers and "x-amz-security-token" not in signed:
        return "X-Amz-Security-Token sent but not signed"
    for h in signed:
        if h not in r.headers:
            return f"signed header {h} not sent"
    secret = secret_for(m["akid"]) if secret_for else None
    if secret is None:
        return None                       # structure only
    pairs = []
    for part in r.raw_query.split("&") if r.raw_query else []:
        k, _, v = part.partition("=")
        pairs.append((_enc(urllib.parse.unquote(k)), _enc(urllib.parse.unquote(v))))
    canon_query = "&".join(f"{k}={v}" for k, v in sorted(pairs))
    canon_headers = "".join(f"{h}:{' '.join(r.headers[h].split())}\n" for h in signed)
    payload = r.headers.get("x-amz-content-sha256") or hashlib.sha256(r.body).hexdigest()
    canon = "\n".join([r.method, urllib.parse.quote(r.path, safe="/-_.~"), canon_query,
                       canon_headers, m["signed"], payload])
    scope = f"{m['date']}/{REGION}/{SERVICE}/aws4_request"
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz, scope,
                         hashlib.sha256(canon.encode()).hexdigest()])
    k = _hmac(("AWS4" + secret).encode(), m["date"])
    for part in (REGION, SERVICE, "aws4_request"):
        k = _hmac(k, part)
    want = hmac.new(k, to_sign.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(want, m["sig"]):
        return f"signature mismatch; canonical request was:\n{canon}"
    return None


# ---------------------------------------------------------------- XML answers


def error_xml(code: str, message: str, etype: str = "Sender",
              request_id: str = "stub-0001") -> str:
    """Shape 1 of route53.md: ErrorResponse/Error/Type, Code, Message."""
    return (f'<?xml version="1.0"?>\n<ErrorResponse xmlns="{R53NS}"><Error>'
            f"<Type>{etype}</Type><Code>{escape(code)}</Code>"
            f"<Message>{escape(message)}</Message></Error>"
            f"<RequestId>{request_id}</RequestId></ErrorResponse>")


def invalid_change_batch_xml(*messages: str, request_id: str = "stub-0002") -> str:
    """Shape 2: InvalidChangeBatch/Messages/Message (one per bad change)."""
    ms = "".join(f"<Message>{escape(m)}</Message>" for m in messages)
    return (f'<?xml version="1.0"?>\n<InvalidChangeBatch xmlns="{R53NS}">'
            f"<Messages>{ms}</Messages><RequestId>{request_id}</RequestId>"
            f"</InvalidChangeBatch>")


def invalid_signature_xml(message: str) -> str:
    """Shape 3: InvalidSignatureException/Message, no namespace."""
    return (f"<InvalidSignatureException><Message>{escape(message)}</Message>"
            f"</InvalidSignatureException>")


def change_xml(change_id: str, status: str, get: bool = False) -> str:
    root = "GetChangeResponse" if get else "ChangeResourceRecordSetsResponse"
    return (f'<?xml version="1.0"?>\n<{root} xmlns="{R53NS}"><ChangeInfo>'
            f"<Id>/change/{change_id}</Id><Status>{status}</Status>"
            f"<SubmittedAt>2026-01-01T00:00:00.000Z</SubmittedAt>"
            f"</ChangeInfo></{root}>")


@dataclass
class RRset:
    name: str                    # as Route53 lists it: lowercase, \ooo escapes
    type: str
    ttl: int
    values: list[str]


def r53_escape_name(name: str) -> str:
    """A name as Route53 lists it: lowercase, trailing dot, every byte
    other than a-z 0-9 - _ (and the dots between labels) as \\ooo.  The
    input is a plain string of labels separated by dots (no escapes)."""
    out = []
    for label in name.rstrip(".").split("."):
        b = label.lower().encode("latin-1")
        out.append("".join(chr(c) if chr(c) in "abcdefghijklmnopqrstuvwxyz0123456789-_"
                           else f"\\{c:03o}" for c in b))
    return ".".join(out) + "."


def list_xml(sets: list[RRset], truncated: bool, next_set: RRset | None = None,
             max_items: int = 300) -> str:
    body = []
    for s in sets:
        rrs = "".join(f"<ResourceRecord><Value>{escape(v)}</Value></ResourceRecord>"
                      for v in s.values)
        body.append(f"<ResourceRecordSet><Name>{escape(s.name)}</Name><Type>{s.type}</Type>"
                    f"<TTL>{s.ttl}</TTL><ResourceRecords>{rrs}</ResourceRecords>"
                    f"</ResourceRecordSet>")
    nxt = ""
    if truncated and next_set is not None:
        nxt = (f"<NextRecordName>{escape(next_set.name)}</NextRecordName>"
               f"<NextRecordType>{next_set.type}</NextRecordType>")
    return (f'<?xml version="1.0"?>\n<ListResourceRecordSetsResponse xmlns="{R53NS}">'
            f"<ResourceRecordSets>{''.join(body)}</ResourceRecordSets>"
            f"<IsTruncated>{'true' if truncated else 'false'}</IsTruncated>{nxt}"
            f"<MaxItems>{max_items}</MaxItems></ListResourceRecordSetsResponse>")


class Route53Model:
    """One hosted zone: ListResourceRecordSets in pages of at most
    page_size (and the maxitems asked), starting at the set whose listed
    name and type equal the decoded name= and type= exactly (400
    InvalidInput otherwise, as a start that names nothing of ours);
    ChangeResourceRecordSets bodies kept in `changes` and answered with
    a new change ID and change_status; GetChange answered INSYNC."""

    def __init__(self, zone_id: str, sets: list[RRset], page_size: int = 300,
                 change_status: str = "INSYNC"):
        self.zone_id, self.sets, self.page_size = zone_id, sets, page_size
        self.change_status = change_status
        self.changes: list[bytes] = []

    def __call__(self, r: Req) -> Resp:
        zone_path = f"{API}/hostedzone/{self.zone_id}"
        if r.call == "list" and r.path.rstrip("/") == zone_path + "/rrset":
            return self.list(r)
        if r.call == "change" and r.path == zone_path + "/rrset/":
            self.changes.append(r.body)
            return Resp(200, change_xml(f"C{len(self.changes):04d}", self.change_status))
        if r.call == "getchange":
            return Resp(200, change_xml(r.path.rsplit("/", 1)[1], "INSYNC", get=True))
        return Resp(404, error_xml("NoSuchHostedZone", f"No hosted zone found: {r.path}"))

    def list(self, r: Req) -> Resp:
        start = 0
        name, rtype = r.q("name"), r.q("type")
        if name is not None:
            for i, s in enumerate(self.sets):
                if s.name == name and (rtype is None or s.type == rtype):
                    start = i
                    break
            else:
                return Resp(400, error_xml("InvalidInput",
                                           f"no set starts at name={name!r} type={rtype!r}"))
        n = self.page_size
        if r.q("maxitems") is not None:
            n = min(n, int(r.q("maxitems")))
        page = self.sets[start:start + n]
        more = start + n < len(self.sets)
        return Resp(200, list_xml(page, more, self.sets[start + n] if more else None,
                                  max_items=n))


# ---------------------------------------------------------------- the server


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"     # keep-alive

    def setup(self):
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, *args):
        pass

    def _handle(self):
        stub: R53Stub = self.server.stub
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        split = urllib.parse.urlsplit(self.path)
        req = Req(self.command, self.path, split.path, split.query,
                  urllib.parse.parse_qsl(split.query, keep_blank_values=True),
                  {k.lower(): v for k, v in self.headers.items()}, body,
                  self.client_address[1], time.monotonic())
        req.call = call_of(req.method, req.path)
        req.auth_problem = sigv4_problem(req, stub.secret_for)
        with stub.lock:
            stub.requests.append(req)
        resp = stub.answer(req)
        if resp.delay:
            time.sleep(resp.delay)
        data = resp.body.encode() if isinstance(resp.body, str) else resp.body
        req.status = resp.status
        self.send_response(resp.status)
        self.send_header("Content-Type", resp.content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-amzn-RequestId", "stub-request")
        for k, v in resp.headers.items():
            self.send_header(k, v)
        if resp.close:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = _handle


class R53Stub:
    """The scripted Route53 on 127.0.0.1, a free port (url, port)."""

    def __init__(self, handler: Callable[[Req], object] | None = None,
                 secret_for: Callable[[str], str | None] | None = None):
        self.lock = threading.Lock()
        self.requests: list[Req] = []
        self.entries: list[_Entry] = []
        self.handler = handler
        self.model: Callable[[Req], object] | None = None
        self.secret_for = secret_for
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.stub = self
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever,
                                       kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def script(self, match: Callable[[Req], bool], answer, times: int | None = 1):
        """Answer the next `times` requests match() accepts (None: all)."""
        with self.lock:
            self.entries.append(_Entry(match, answer, times))

    def answer(self, r: Req) -> Resp:
        with self.lock:
            chosen = None
            for e in self.entries:
                if (e.times is None or e.used < e.times) and e.match(r):
                    e.used += 1
                    chosen = e.answer
                    break
        if chosen is None:
            chosen = self.handler or self.model
        if chosen is None:
            return Resp(500, f"unscripted request {r.method} {r.target}\n", content_type="text/plain")
        if callable(chosen):
            chosen = chosen(r)
        if isinstance(chosen, (str, bytes)):
            chosen = Resp(200, chosen)
        return chosen

    def calls(self, call: str | None = None) -> list[Req]:
        with self.lock:
            return [r for r in self.requests if call is None or r.call == call]

    def auth_problems(self) -> list[str]:
        with self.lock:
            return [f"{r.method} {r.target}: {r.auth_problem}" for r in self.requests
                    if r.auth_problem is not None]

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()
