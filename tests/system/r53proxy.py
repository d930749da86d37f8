"""A recording, fault-injecting HTTP/1.1 reverse proxy for Route53 tests.

R53Proxy listens on 127.0.0.1 (a free port, at once) and forwards every
request to moto_server on upstream_port, recording each one as a Req
(arrival time, method, path, query, body, kind, the status sent back,
the fault applied).  Client connections are kept alive as long as the
client wants (HTTP/1.1 default; "Connection: close" ends one); request
bodies may come with Content-Length or chunked; each forwarded request
uses its own upstream connection (http.client, which reads moto's
Content-Length or chunked answers), and the answer goes back to the
client with a Content-Length.

Faults are armed per request kind with inject():
  Fault.status(code, code_name, message, type_)  answer Route53's XML
      ErrorResponse instead of forwarding;
  Fault.drop_before()  close the client connection, nothing forwarded;
  Fault.drop_after()   forward, read moto's answer, then close the client
      connection without answering (the change landed, the client never
      hears of it);
  Fault.delay(s)       forward, then hold the answer s seconds;
  Fault.delay_before(s)  hold the request s seconds, then forward it;
  Fault.pending()      forward, then turn moto's ChangeInfo Status INSYNC
      into PENDING (so that the client polls GetChange).

Kinds: "list" (GET .../hostedzone/ID/rrset), "change" (POST
.../hostedzone/ID/rrset[/]), "getchange" (GET /2013-04-01/change/ID),
"other"; inject() and count() also take "any".  Thread-safe: one thread per
client connection, one lock over the log and the armed faults.
"""

from __future__ import annotations

import http.client
import re
import socket
import threading
import time
import urllib.parse
import uuid
from dataclasses import dataclass
from xml.sax.saxutils import escape

HOST = "127.0.0.1"
KINDS = ("list", "change", "getchange", "other")
HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "te",
       "trailer", "upgrade", "content-length"}
RRSET = re.compile(r"^/2013-04-01/hostedzone/[^/]+/rrset/?$")
CHANGE = re.compile(r"^/2013-04-01/change/[^/]+$")
REASONS = {400: "Bad Request", 403: "Forbidden", 404: "Not Found",
           429: "Too Many Requests", 500: "Internal Server Error",
           502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout"}
MAX_HEAD = 64 * 1024


def classify(method: str, path: str) -> str:
    if RRSET.match(path):
        if method == "GET":
            return "list"
        if method == "POST":
            return "change"
    if method == "GET" and CHANGE.match(path):
        return "getchange"
    return "other"


@dataclass
class Fault:
    action: str  # "status" | "drop_before" | "drop_after" | "delay"
    code: int = 0
    code_name: str = ""
    message: str = ""
    type_: str = "Sender"
    seconds: float = 0.0

    @classmethod
    def status(cls, code: int, code_name: str, message: str = "",
               type_: str = "Sender") -> "Fault":
        return cls("status", code=code, code_name=code_name, message=message,
                   type_=type_)

    @classmethod
    def drop_before(cls) -> "Fault":
        return cls("drop_before")

    @classmethod
    def drop_after(cls) -> "Fault":
        return cls("drop_after")

    @classmethod
    def delay(cls, seconds: float) -> "Fault":
        return cls("delay", seconds=float(seconds))

    @classmethod
    def delay_before(cls, seconds: float) -> "Fault":
        """Hold the request this long, then forward it (what moto answers
        is what it holds after the pause)."""
        return cls("delay_before", seconds=float(seconds))

    @classmethod
    def pending(cls) -> "Fault":
        """Forward, then answer the ChangeInfo with Status PENDING instead
        of moto's INSYNC (moto never says PENDING), so the client polls
        GetChange."""
        return cls("pending")

    def describe(self) -> str:
        if self.action == "status":
            return f"status {self.code} {self.code_name}"
        if self.action in ("delay", "delay_before"):
            return f"{self.action} {self.seconds:g}"
        return self.action

    def body(self) -> bytes:
        """Route53's ErrorResponse (shape 1 of route53.md)."""
        return ('<?xml version="1.0"?>\n'
                '<ErrorResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/">'
                f"<Error><Type>{escape(self.type_)}</Type>"
                f"<Code>{escape(self.code_name)}</Code>"
                f"<Message>{escape(self.message)}</Message></Error>"
                f"<RequestId>{uuid.uuid4()}</RequestId></ErrorResponse>").encode()


@dataclass
class Req:
    t_start: float
    t_end: float | None
    method: str
    path: str
    query: dict
    body: bytes
    kind: str
    status: int | None = None
    fault: str | None = None
    forwarded: bool = False
    t_forward: float | None = None  # when it was sent on to moto


@dataclass
class _Armed:
    kind: str
    fault: Fault
    times: int
    after: int


class _Closed(Exception):
    pass


class _Conn:
    """The reading side of one client connection (buffered)."""

    def __init__(self, sock: socket.socket):
        self.sock = sock
        self.buf = b""

    def _fill(self) -> bool:
        data = self.sock.recv(65536)
        if not data:
            return False
        self.buf += data
        return True

    def line(self) -> bytes:
        while True:
            i = self.buf.find(b"\n")
            if i >= 0:
                out, self.buf = self.buf[:i + 1], self.buf[i + 1:]
                return out
            if len(self.buf) > MAX_HEAD:
                raise _Closed("line too long")
            if not self._fill():
                if self.buf:
                    raise _Closed("EOF inside a line")
                raise _Closed("EOF")

    def exact(self, n: int) -> bytes:
        while len(self.buf) < n:
            if not self._fill():
                raise _Closed("EOF inside a body")
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def wait_data(self) -> bool:
        """Block until a byte of a new request is here; False on EOF."""
        return bool(self.buf) or self._fill()


class R53Proxy:
    def __init__(self, upstream_port: int):
        self.upstream_port = upstream_port
        self.lock = threading.Lock()
        self.requests: list[Req] = []
        self.faults: list[_Armed] = []
        self.conns: set[socket.socket] = set()
        self.closed = False
        self.lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.lsock.bind((HOST, 0))
        self.lsock.listen(64)
        self.port: int = self.lsock.getsockname()[1]
        self.url = f"http://{HOST}:{self.port}"
        threading.Thread(target=self._accept, daemon=True,
                         name=f"r53proxy-{self.port}").start()

    # ---- the API of the tests

    def inject(self, kind: str, fault: Fault, times: int = 1, after: int = 0):
        if kind != "any" and kind not in KINDS:
            raise ValueError(f"unknown request kind {kind!r}")
        with self.lock:
            self.faults.append(_Armed(kind, fault, times, after))

    def count(self, kind: str, since: int = 0, forwarded_only: bool = False) -> int:
        with self.lock:
            return sum(1 for r in self.requests[since:]
                       if (kind == "any" or r.kind == kind)
                       and (r.forwarded or not forwarded_only))

    def mark(self) -> int:
        with self.lock:
            return len(self.requests)

    def since(self, mark: int) -> list[Req]:
        with self.lock:
            return list(self.requests[mark:])

    def clear_faults(self):
        with self.lock:
            self.faults.clear()

    def close(self):
        self.closed = True
        try:  # wakes the accept()
            self.lsock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.lsock.close()
        with self.lock:
            conns = list(self.conns)
            self.conns.clear()
        for c in conns:
            _kill(c)

    # ---- internals

    def _pick(self, kind: str) -> Fault | None:
        """The fault for this request (the first armed one that applies);
        every armed fault of the kind counts the request against its
        `after`."""
        chosen = None
        with self.lock:
            for a in self.faults:
                if a.kind not in ("any", kind) or a.times <= 0:
                    continue
                if a.after > 0:
                    a.after -= 1
                    continue
                if chosen is None:
                    chosen = a.fault
                    a.times -= 1
            self.faults = [a for a in self.faults if a.times > 0]
        return chosen

    def _accept(self):
        while not self.closed:
            try:
                c, _ = self.lsock.accept()
            except OSError:
                return
            with self.lock:
                if self.closed:
                    c.close()
                    return
                self.conns.add(c)
            threading.Thread(target=self._serve, args=(c,), daemon=True).start()

    def _serve(self, c: socket.socket):
        conn = _Conn(c)
        try:
            while not self.closed:
                if not conn.wait_data():
                    return
                if not self._one(conn):
                    return
        except (_Closed, OSError, http.client.HTTPException, ValueError):
            return
        finally:
            with self.lock:
                self.conns.discard(c)
            _kill(c)

    def _one(self, conn: _Conn) -> bool:
        """Serve one request; False when the connection must end."""
        line = conn.line()
        t_start = time.monotonic()
        while line in (b"\r\n", b"\n"):  # tolerated stray CRLF between requests
            line = conn.line()
            t_start = time.monotonic()
        parts = line.decode("latin-1").strip().split()
        if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
            raise _Closed(f"bad request line {line!r}")
        method, target, version = parts
        headers: list[tuple[str, str]] = []
        while True:
            h = conn.line()
            if h in (b"\r\n", b"\n"):
                break
            name, sep, value = h.decode("latin-1").partition(":")
            if not sep:
                raise _Closed(f"bad header line {h!r}")
            headers.append((name.strip(), value.strip()))
        low = {}
        for k, v in headers:
            low.setdefault(k.lower(), []).append(v)
        te = ",".join(low.get("transfer-encoding", [])).lower()
        if "chunked" in te:
            body = _read_chunked(conn)
        elif "content-length" in low:
            body = conn.exact(int(low["content-length"][0]))
        else:
            body = b""
        ctoken = ",".join(low.get("connection", [])).lower()
        keep = ("close" not in ctoken) if version == "HTTP/1.1" else ("keep-alive" in ctoken)
        if any(v.lower() == "100-continue" for v in low.get("expect", [])):
            pass  # the body has been read already; nothing to promise

        u = urllib.parse.urlsplit(target)
        path = u.path or "/"
        req = Req(t_start=t_start, t_end=None, method=method, path=path,
                  query=dict(urllib.parse.parse_qsl(u.query, keep_blank_values=True)),
                  body=body, kind=classify(method, path))
        fault = self._pick(req.kind)
        req.fault = fault.describe() if fault else None
        with self.lock:
            self.requests.append(req)

        try:
            if fault is not None and fault.action == "drop_before":
                return False
            if fault is not None and fault.action == "status":
                self._answer(req, conn.sock, fault.code,
                             REASONS.get(fault.code, "Error"),
                             [("Content-Type", "text/xml"),
                              ("x-amzn-RequestId", str(uuid.uuid4()))],
                             fault.body(), keep)
                return keep

            if fault is not None and fault.action == "delay_before":
                if not self._pause(fault.seconds):
                    return False
            req.t_forward = time.monotonic()
            status, reason, rheaders, rbody = self._forward(method, target, headers, body)
            req.forwarded = True
            if fault is not None and fault.action == "drop_after":
                return False
            if fault is not None and fault.action == "pending":
                rbody = rbody.replace(b"<Status>INSYNC</Status>", b"<Status>PENDING</Status>")
            if fault is not None and fault.action == "delay":
                if not self._pause(fault.seconds):
                    return False
            self._answer(req, conn.sock, status, reason, rheaders, rbody, keep)
            return keep
        finally:
            if req.t_end is None:
                req.t_end = time.monotonic()

    def _pause(self, seconds: float) -> bool:
        """Sleep; False if the proxy was closed meanwhile."""
        end = time.monotonic() + seconds
        while not self.closed and time.monotonic() < end:
            time.sleep(min(0.05, max(0.0, end - time.monotonic())))
        return not self.closed

    def _forward(self, method: str, target: str, headers: list[tuple[str, str]],
                 body: bytes):
        up = http.client.HTTPConnection(HOST, self.upstream_port, timeout=60)
        try:
            up.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
            for k, v in headers:
                if k.lower() not in HOP and k.lower() != "expect":
                    up.putheader(k, v)
            if body or method in ("POST", "PUT", "PATCH"):
                up.putheader("Content-Length", str(len(body)))
            up.endheaders(body if body else None)
            r = up.getresponse()
            rbody = r.read()  # Content-Length, chunked or until EOF
            rheaders = [(k, v) for k, v in r.getheaders() if k.lower() not in HOP]
            return r.status, r.reason, rheaders, rbody
        finally:
            up.close()

    @staticmethod
    def _answer(req: Req, sock: socket.socket, status: int, reason: str,
                headers: list[tuple[str, str]], body: bytes, keep: bool):
        """Send the answer; req.status and req.t_end are set before the
        first byte leaves (a client that has read the answer sees them),
        and status reset to None if it could not be sent."""
        head = [f"HTTP/1.1 {status} {reason}"]
        head += [f"{k}: {v}" for k, v in headers]
        head.append(f"Content-Length: {len(body)}")
        head.append("Connection: keep-alive" if keep else "Connection: close")
        req.status = status
        req.t_end = time.monotonic()
        try:
            sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body)
        except OSError:
            req.status = None
            raise


def _read_chunked(conn: _Conn) -> bytes:
    out = b""
    while True:
        size = int(conn.line().split(b";")[0].strip(), 16)
        if size == 0:
            while conn.line() not in (b"\r\n", b"\n"):  # trailers
                pass
            return out
        out += conn.exact(size)
        conn.line()  # the CRLF after the chunk


def _kill(s: socket.socket):
    try:
        s.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    try:
        s.close()
    except OSError:
        pass
