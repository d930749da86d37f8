"""A scripted, misbehaving primary for the `xfrsync fetch` tests.

BadPrimary listens on TCP on a free loopback port, in a thread of the test
process, and answers each zone-transfer query with whatever a script makes
of it: well-formed transfers, transfers that break one rule of RFC 1995 /
RFC 5936 / RFC 8945, garbage, a connection that dies or hangs.  Every query
it received is kept (parsed, TSIG verified) so that the tests can check what
xfrsync asked, e.g. that it fell back from IXFR to AXFR.

Answers are built with dnspython and, when the query was signed, signed
here with dnspython's TSIG primitives message by message, so that a script
can leave messages unsigned, sign with a stale clock, corrupt a MAC, etc.
The chaining follows RFC 8945 section 5.3.1: each signed message covers the
prior MAC (with its length), every unsigned message since, and its own
timers only.
"""

from __future__ import annotations

import dataclasses
import socket
import struct
import threading
import time
from typing import Callable, Union

import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.rdtypes.ANY.TSIG
import dns.rrset
import dns.tsig

import dnslab

ZONE = "bad.test."
KEY = dnslab.XFR_KEY
# the answer ID that is surely not the query's
OTHER_ID = lambda qid: qid ^ 0x5A5A  # noqa: E731


# ------------------------------------------------------------------ RRs


def rr(text: str, origin: str = ZONE) -> dns.rrset.RRset:
    """One RR from 'owner ttl class type rdata' (owner relative to origin)."""
    owner, ttl, rdclass, rdtype, rdata = text.split(None, 4)
    o = dns.name.from_text(origin)
    rd = dns.rdata.from_text(rdclass, rdtype, rdata, origin=o, relativize=False)
    return dns.rrset.from_rdata(dns.name.from_text(owner, o), int(ttl), rd)


def raw_rr(owner: str, rdclass: int | str, rdtype: int | str, rdata: bytes,
           ttl: int = 300) -> dns.rrset.RRset:
    """One RR of any class and type (meta types included) from raw RDATA."""
    rdclass = dns.rdataclass.RdataClass.make(rdclass)
    rdtype = dns.rdatatype.RdataType.make(rdtype)
    rd = dns.rdata.GenericRdata(rdclass, rdtype, rdata)
    rrset = dns.rrset.RRset(dns.name.from_text(owner, dns.name.from_text(ZONE)),
                            rdclass, rdtype)
    rrset.update_ttl(ttl)
    rrset.add(rd)
    return rrset


def soa(serial: int, minimum: int = 60, refresh: int = 3600) -> dns.rrset.RRset:
    return rr(f"@ 300 IN SOA ns1 hostmaster {serial} {refresh} 600 86400 {minimum}")


def zone_rrs(serial: int = 10, extra: int = 0) -> list[dns.rrset.RRset]:
    """The zone bad.test. at serial: its SOA first, then the other RRs; extra
    adds names r0000... with an A each (to fill several messages)."""
    lines = [
        "@ 300 IN NS ns1",
        "ns1 300 IN A 192.0.2.53",
        "www 300 IN A 192.0.2.80",
        "www 300 IN AAAA 2001:db8::80",
        "@ 300 IN MX 10 mail",
        "mail 300 IN A 192.0.2.25",
        '@ 300 IN TXT "v=spf1 mx -all"',
    ]
    lines += [f"r{i:04d} 300 IN A 198.51.100.{i % 256}" for i in range(extra)]
    return [soa(serial)] + [rr(line) for line in lines]


def axfr_rrs(serial: int = 10, extra: int = 0) -> list[dns.rrset.RRset]:
    """The answer RRs of a full transfer: SOA, the zone, SOA again."""
    rrs = zone_rrs(serial, extra)
    return rrs + [soa(serial)]


def rr_text(rrset: dns.rrset.RRset) -> str:
    """An RR as dig prints it, whitespace-normalised (native types only)."""
    (rd,) = list(rrset)
    return " ".join([rrset.name.to_text(), str(rrset.ttl),
                     dns.rdataclass.to_text(rrset.rdclass),
                     dns.rdatatype.to_text(rrset.rdtype), rd.to_text()])


def texts(rrs: list[dns.rrset.RRset]) -> list[str]:
    return [rr_text(r) for r in rrs]


# ------------------------------------------------------------- queries


@dataclasses.dataclass
class Query:
    wire: bytes
    message: dns.message.Message | None  # None if dnspython rejected it
    error: str = ""

    @property
    def id(self) -> int:
        return struct.unpack("!H", self.wire[:2])[0]

    @property
    def qtype(self) -> str:
        return dns.rdatatype.to_text(self.message.question[0].rdtype)

    @property
    def serial(self) -> int | None:
        """IXFR: the serial of the SOA in the authority section."""
        for rrset in self.message.authority:
            if rrset.rdtype == dns.rdatatype.SOA:
                return rrset[0].serial
        return None

    @property
    def mac(self) -> bytes:
        if self.message is None:
            return b""
        return self.message.mac or b""

    @property
    def signed(self) -> bool:
        return self.message is not None and self.message.had_tsig


# ------------------------------------------------------------- answers


@dataclasses.dataclass
class Msg:
    """One answer message as a script wants it."""

    answer: list[dns.rrset.RRset] = dataclasses.field(default_factory=list)
    question: bool = True        # QDCOUNT 1 (else 0)
    rcode: int = dns.rcode.NOERROR
    aa: bool = True
    id: int | None = None        # None: the query's
    sign: str = "yes"            # "yes", "no", "badmac", "truncmac"
    time_offset: int = 0         # added to the TSIG time signed
    tsig_error: int = 0
    tsig_other: bytes = b""
    key: dns.tsig.Key | None = None  # None: KEY (the query's key)
    qname: str | None = None     # the question's name if not the query's
    authority: list[dns.rrset.RRset] = dataclasses.field(default_factory=list)


def split(rrs: list[dns.rrset.RRset], per_msg: int, question_in_all: bool = False,
          **kw) -> list[Msg]:
    """The answer RRs spread over messages of per_msg RRs each; the question
    in the first only (as BIND and Knot send it) unless question_in_all."""
    return [Msg(rrs[i:i + per_msg], question=question_in_all or i == 0, **kw)
            for i in range(0, len(rrs), per_msg)] or [Msg(**kw)]


def _tsig_rr(key: dns.tsig.Key, rdata) -> bytes:
    out = key.name.to_wire()
    rd = rdata.to_wire()
    return out + struct.pack("!HHIH", dns.rdatatype.TSIG, dns.rdataclass.ANY, 0, len(rd)) + rd


def render(query: Query, msgs: list[Msg], now: int | None = None) -> list[bytes]:
    """The wire form of every message of an answer to query, TSIG-signed
    (per each Msg's wishes) when the query was signed."""
    now = int(time.time()) if now is None else now
    q = query.message
    wires = []
    ctx = None
    first_signed = True
    for m in msgs:
        mid = query.id if m.id is None else m.id
        out = dns.message.Message(id=mid)
        out.flags = dns.flags.QR | (dns.flags.AA if m.aa else 0)
        out.set_rcode(m.rcode)
        if m.question and q is not None:
            out.question = [dns.rrset.RRset(dns.name.from_text(m.qname) if m.qname else r.name,
                                            r.rdclass, r.rdtype) for r in q.question]
        out.answer = list(m.answer)
        out.authority = list(m.authority)
        wire = out.to_wire()
        if not (query.signed and m.sign != "no"):
            if ctx is not None:
                ctx.update(wire)  # an unsigned message: covered by the next MAC
            wires.append(wire)
            continue
        key = m.key or KEY
        signed_at = now + m.time_offset
        rdata = dns.rdtypes.ANY.TSIG.TSIG(
            dns.rdataclass.ANY, dns.rdatatype.TSIG, key.algorithm, signed_at, 300,
            b"", mid, m.tsig_error, m.tsig_other)
        if first_signed:
            tsig, ctx = dns.tsig.sign(wire, key, rdata, signed_at, query.mac, None, True)
            first_signed = False
        else:
            tsig, ctx = dns.tsig.sign(wire, key, rdata, signed_at, None, ctx, True)
        if m.sign == "badmac":
            mac = bytearray(tsig.mac)
            mac[len(mac) // 2] ^= 0x01
            tsig = tsig.replace(mac=bytes(mac))
        elif m.sign == "truncmac":
            tsig = tsig.replace(mac=tsig.mac[:len(tsig.mac) // 2])
        wire = wire[:10] + struct.pack("!H", struct.unpack("!H", wire[10:12])[0] + 1) \
            + wire[12:] + _tsig_rr(key, tsig)
        wires.append(wire)
    return wires


def append_additional(wire: bytes, rr_wire: bytes) -> bytes:
    """wire with one more RR at its very end (after a TSIG, if any)."""
    (ar,) = struct.unpack("!H", wire[10:12])
    return wire[:10] + struct.pack("!H", ar + 1) + wire[12:] + rr_wire


def tsig_rr_of(wire: bytes) -> bytes:
    """The TSIG RR (the message's last RR) of a signed message."""
    key = KEY.name.to_wire()
    start = wire.rindex(key + struct.pack("!HH", dns.rdatatype.TSIG, dns.rdataclass.ANY))
    return wire[start:]


def answer_offsets(wire: bytes) -> list[int]:
    """Where each RR of the answer section starts in a message."""
    qd, an = struct.unpack("!HH", wire[4:8])
    pos = 12

    def skip_name(p: int) -> int:
        while True:
            n = wire[p]
            if n == 0:
                return p + 1
            if n & 0xC0 == 0xC0:
                return p + 2
            p += 1 + n

    for _ in range(qd):
        pos = skip_name(pos) + 4
    out = []
    for _ in range(an):
        out.append(pos)
        pos = skip_name(pos)
        (rdlen,) = struct.unpack("!H", wire[pos + 8:pos + 10])
        pos += 10 + rdlen
    return out


# ------------------------------------------------------------- the server


@dataclasses.dataclass
class Pause:
    seconds: float


HANG = object()      # keep the connection open, silent, until stop()
Action = Union[bytes, Pause, object]
Script = Callable[[Query], list]


def framed(wires: list[bytes]) -> bytes:
    return dnslab.frame(wires)


class Transfer:
    """A script answering each query with the messages its qtype maps to
    (a list of Msg; "*" for any other qtype), all in one write.  Every
    answer rendered is kept in .sent (a list of wire messages per query),
    so that a test can tell where an RR landed."""

    def __init__(self, answers: dict[str, list[Msg]] | list[Msg], now: int | None = None):
        self.answers = answers if isinstance(answers, dict) else {"*": answers}
        self.now = now
        self.sent: list[list[bytes]] = []

    def __call__(self, query: Query) -> list:
        msgs = self.answers.get(query.qtype, self.answers.get("*"))
        if msgs is None:
            msgs = [Msg(rcode=dns.rcode.REFUSED)]
        wires = render(query, msgs, self.now)
        self.sent.append(wires)
        return [framed(wires)]


def transfer(msgs: dict[str, list[Msg]] | list[Msg]) -> Transfer:
    return Transfer(msgs)


class BadPrimary:
    """A TCP server on host and a free port that runs script(query) for
    each query received and sends what it returns, then closes the
    connection (unless the script ends with HANG).  Use as a context
    manager: the thread and every socket are closed on exit."""

    def __init__(self, script: Script, host: str = dnslab.LOCALHOST,
                 chunk: int = 0):
        """chunk > 0: write the stream in pieces of chunk bytes, each its own
        TCP segment (short reads on the client's side)."""
        self.script = script
        self.chunk = chunk
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.sock = socket.socket(family, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((host, 0))
        self.sock.listen(8)
        self.sock.settimeout(0.02)  # how soon stop() is noticed
        self.port = self.sock.getsockname()[1]
        self.queries: list[Query] = []
        self.errors: list[str] = []
        self._stop = threading.Event()
        self._conns: list[socket.socket] = []
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self) -> "BadPrimary":
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def stop(self):
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(5)
        for c in self._conns:
            c.close()
        self.sock.close()

    @property
    def qtypes(self) -> list[str]:
        return [q.qtype if q.message else "?" for q in self.queries]

    def _serve(self):
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:  # includes the timeout
                continue
            self._conns.append(conn)
            try:
                self._handle(conn)
            except Exception as e:  # the client may close first: fine
                self.errors.append(f"{type(e).__name__}: {e}")
            finally:
                conn.close()

    def _handle(self, conn: socket.socket):
        conn.settimeout(5)
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        wire = dnslab.read_framed(conn)
        try:
            msg = dns.message.from_wire(wire, keyring=KEY)
            query = Query(wire, msg)
        except Exception as e:
            query = Query(wire, None, f"{type(e).__name__}: {e}")
        self.queries.append(query)
        if query.message is None:
            return
        for action in self.script(query):
            if action is HANG:  # silent until stop()
                self._stop.wait()
                return
            if isinstance(action, Pause):
                time.sleep(action.seconds)
            elif self.chunk:
                for i in range(0, len(action), self.chunk):
                    conn.sendall(action[i:i + self.chunk])
                    time.sleep(0.001)
            else:
                conn.sendall(action)
