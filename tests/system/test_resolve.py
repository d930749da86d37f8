"""`xfrsync resolve`: the daemon's own non-blocking stub resolver against a
real BIND 9, which serves the zone amazonaws.com itself on a free 127.0.0.1
port, so the AWS endpoint names resolve to loopback addresses here.

A small proxy in front of BIND (UDP and TCP on one port) counts the
queries by transport and can misbehave on purpose: never answer, answer
SERVFAIL, force TC=1, lower-case the echoed question (a server that does
not keep 0x20), or send forged answers first.  Servers that never answer
are bound UDP sockets that read and drop.  BIND's query log confirms what
reached BIND.
"""

from __future__ import annotations

import re
import socket
import subprocess
import threading
import time

import dns.flags
import dns.message
import dns.rcode
import dns.rrset
import pytest

import dnslab
from dnslab import LOCALHOST

ZONE = "amazonaws.com"
MANY = 100  # A records of many.amazonaws.com: > 1232 bytes, so TC=1 over UDP


def zone_text() -> str:
    lines = [f"$ORIGIN {ZONE}.", "$TTL 300",
             "@ IN SOA ns1 hostmaster 1 3600 600 86400 30", "@ IN NS ns1",
             "ns1 IN A 127.0.0.1",
             "route53 IN A 127.0.0.1", "route53 IN AAAA ::1",
             "sts IN A 127.0.0.2",
             # sts.REGION: a chain of two CNAMEs to a name with A and AAAA
             "sts.us-east-1 IN CNAME sts.us-east-1.lb",
             "sts.us-east-1.lb 60 IN CNAME edge",
             "edge 120 IN A 127.0.0.3", "edge 120 IN A 127.0.0.4",
             "edge 120 IN AAAA 2001:db8::3",
             "v4only IN A 127.0.0.5",
             "loop1 IN CNAME loop2", "loop2 IN CNAME loop1",
             "dangling IN CNAME nowhere"]
    lines += [f"many IN A 127.1.{i // 256}.{i % 256 + 1}" for i in range(MANY)]
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------ peers


class Proxy:
    """UDP and TCP on one port, forwarding to BIND; mode decides what a UDP
    query gets: forward, drop, drop-aaaa, servfail, tc, loop (a CNAME loop),
    lower, forge."""

    def __init__(self, target: int):
        self.target = target
        self.udp, self.tcp = dnslab.bound_pair()
        self.port = self.udp.getsockname()[1]
        self.mode = "forward"
        self.log: list[tuple[str, str, str]] = []  # (transport, qname, qtype)
        self._lock = threading.Lock()
        self._stop = False
        self._threads = [threading.Thread(target=f, daemon=True)
                         for f in (self._serve_udp, self._serve_tcp)]
        for t in self._threads:
            t.start()

    def count(self, transport: str | None = None, qname: str | None = None) -> int:
        with self._lock:
            return sum(1 for t, n, _ in self.log
                       if (transport is None or t == transport)
                       and (qname is None or n.lower() == qname.lower()))

    def reset(self, mode: str = "forward"):
        with self._lock:
            self.log.clear()
        self.mode = mode

    def _note(self, transport: str, wire: bytes):
        q = dns.message.from_wire(wire)
        with self._lock:
            self.log.append((transport, q.question[0].name.to_text(),
                             dns.rdatatype.to_text(q.question[0].rdtype)))
        return q

    def _ask_bind_udp(self, wire: bytes) -> bytes | None:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as up:
            up.settimeout(3)
            up.sendto(wire, (LOCALHOST, self.target))
            try:
                return up.recv(65535)
            except OSError:
                return None

    def _serve_udp(self):
        self.udp.settimeout(0.2)
        while not self._stop:
            try:
                wire, peer = self.udp.recvfrom(65535)
            except OSError:
                continue
            q = self._note("udp", wire)
            mode = self.mode
            if mode == "drop" or (mode == "drop-aaaa" and
                                  q.question[0].rdtype == dns.rdatatype.AAAA):
                continue
            if mode in ("servfail", "tc", "loop"):
                r = dns.message.make_response(q)
                if mode == "servfail":
                    r.set_rcode(dns.rcode.SERVFAIL)
                elif mode == "tc":
                    r.flags |= dns.flags.TC
                else:  # a CNAME loop through another name
                    qn = q.question[0].name
                    r.answer.append(dns.rrset.from_text(qn, 60, "IN", "CNAME",
                                                        "x.loop.test."))
                    r.answer.append(dns.rrset.from_text("x.loop.test.", 60, "IN",
                                                        "CNAME", qn.to_text()))
                self.udp.sendto(r.to_wire(), peer)
                continue
            answer = self._ask_bind_udp(wire)
            if answer is None:
                continue
            if mode == "lower":
                answer = lower_question(answer)
            if mode == "forge":
                forged = dns.message.make_response(q)
                forged.answer.append(dns.rrset.from_text(
                    q.question[0].name, 86400, "IN", "A", "6.6.6.6")
                    if q.question[0].rdtype == dns.rdatatype.A else
                    dns.rrset.from_text(q.question[0].name, 86400, "IN", "AAAA",
                                        "2001:db8:666::6"))
                good_id = forged.to_wire()
                forged.id ^= 0x5555
                self.udp.sendto(forged.to_wire(), peer)       # wrong ID
                with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as other:
                    other.bind((LOCALHOST, 0))
                    other.sendto(good_id, peer)              # from another port
                time.sleep(0.05)
            self.udp.sendto(answer, peer)

    def _serve_tcp(self):
        self.tcp.settimeout(0.2)
        while not self._stop:
            try:
                conn, _ = self.tcp.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(5)
                try:
                    wire = dnslab.read_framed(conn)
                    self._note("tcp", wire)
                    with socket.create_connection((LOCALHOST, self.target), 5) as up:
                        up.sendall(dnslab.frame([wire]))
                        answer = dnslab.read_framed(up)
                    conn.sendall(dnslab.frame([answer]))
                except (EOFError, OSError):
                    pass

    def close(self):
        self._stop = True
        for t in self._threads:
            t.join(2)
        self.udp.close()
        self.tcp.close()


def lower_question(wire: bytes) -> bytes:
    """The answer with its question name lower-cased (the name starts at
    offset 12 and is never compressed)."""
    b = bytearray(wire)
    i = 12
    while b[i]:
        n = b[i]
        b[i + 1:i + 1 + n] = bytes(b[i + 1:i + 1 + n]).lower()
        i += n + 1
    return bytes(b)


class Silent:
    """A bound UDP socket that reads every query and drops it."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((LOCALHOST, 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.received = 0
        self._stop = False
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self):
        while not self._stop:
            try:
                self.sock.recv(65535)
                self.received += 1
            except OSError:
                continue

    def close(self):
        self._stop = True
        self._thread.join(2)
        self.sock.close()


class QueryLogBind(dnslab.Bind):
    """BIND with its query log on (stderr, as everything under -g)."""
    extra_options = "    querylog yes;"

    def queries(self, name: str, flags: str = "") -> int:
        """Queries for name logged so far (flags: e.g. 'T' for TCP)."""
        pat = re.compile(r"query: " + re.escape(name) + r" IN \S+ (\S+)", re.I)
        n = 0
        for line in self.log.read_text(errors="replace").splitlines():
            m = pat.search(line)
            if m and all(f in m[1] for f in flags):
                n += 1
        return n


# --------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def bind(tmp_path_factory):
    srv = QueryLogBind(tmp_path_factory.mktemp("resolve-bind"), {ZONE: zone_text()})
    try:
        srv.start()
        yield srv
    finally:
        srv.stop()


@pytest.fixture(scope="module")
def proxy(bind):
    p = Proxy(bind.port)
    try:
        yield p
    finally:
        p.close()


@pytest.fixture
def silent():
    made: list[Silent] = []

    def make() -> Silent:
        made.append(Silent())
        return made[-1]

    yield make
    for s in made:
        s.close()


class Run:
    def __init__(self, r: subprocess.CompletedProcess, seconds: float):
        self.returncode = r.returncode
        self.stdout = r.stdout
        self.stderr = r.stderr
        self.seconds = seconds

    def addrs(self, name: str | None = None) -> list[str]:
        out = []
        for line in self.stdout.splitlines():
            addr, _, n = line.partition("\t")
            if name is None or n == name:
                out.append(addr)
        return out

    def stats(self) -> dict[str, int]:
        m = re.search(r";; stats: (.*)", self.stderr)
        assert m, self.stderr
        return {k: int(v) for k, v in (p.rsplit(" ", 1) for p in m[1].split(", "))}

    def errors(self) -> list[str]:
        return [l for l in self.stderr.splitlines() if l.startswith("xfrsync resolve: ")]

    def __str__(self):
        return (f"exit {self.returncode} after {self.seconds:.2f} s\n"
                f"stdout:\n{self.stdout}\nstderr:\n{self.stderr}")

    __repr__ = __str__


@pytest.fixture(scope="module")
def resolve(xfrsync):
    def run(*args: str, servers: list[int] | None = None, timeout: float = 30) -> Run:
        cmd = [str(xfrsync), "resolve", "--stats"]
        for p in servers or []:
            cmd += ["--server", f"{LOCALHOST}:{p}"]
        cmd += list(args)
        t = time.monotonic()
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                           stdin=subprocess.DEVNULL)
        return Run(r, time.monotonic() - t)

    return run


# ------------------------------------------------------------------ tests


def test_a_and_aaaa(resolve, bind):
    r = resolve("route53.amazonaws.com", servers=[bind.port])
    assert r.returncode == 0, r
    assert sorted(r.addrs()) == ["127.0.0.1", "::1"], r
    assert r.stats()["udp"] == 2
    for fam, want in (("-4", ["127.0.0.1"]), ("-6", ["::1"]),
                      ("--prefer4", ["127.0.0.1", "::1"]),
                      ("--prefer6", ["::1", "127.0.0.1"])):
        r = resolve(fam, "route53.amazonaws.com.", servers=[bind.port])
        assert r.returncode == 0 and r.addrs() == want, (fam, str(r))


def test_interleaved_order(resolve, bind):
    """Both families interleaved, the preferred one first (RFC 8305)."""
    r = resolve("--prefer6", "sts.us-east-1.amazonaws.com", servers=[bind.port])
    assert r.returncode == 0, r
    a = r.addrs()
    assert a[0] == "2001:db8::3" and ":" not in a[1] and ":" not in a[2], r
    assert sorted(a[1:]) == ["127.0.0.3", "127.0.0.4"]


def test_query_is_0x20_and_edns(resolve, bind):
    r = resolve("-v", "-4", "route53.amazonaws.com", servers=[bind.port])
    assert r.returncode == 0, r
    [line] = [l for l in r.stderr.splitlines() if "A? to" in l]
    sent = line.split("resolve: ")[1].split(" ")[0]
    assert sent.lower() == "route53.amazonaws.com."
    assert sent != sent.lower()  # 0x20: all lower case has odds 2^-19
    # BIND's log: recursion desired, EDNS version 0 ("+E(0)"), not TCP
    assert re.search(r"query: route53\.amazonaws\.com IN A \+E\(0\)",
                     bind.log.read_text(), re.I)


def test_cname_chain(resolve, bind):
    r = resolve("-v", "sts.us-east-1.amazonaws.com", servers=[bind.port])
    assert r.returncode == 0, r
    assert sorted(r.addrs()) == ["127.0.0.3", "127.0.0.4", "2001:db8::3"], r
    info = [l for l in r.stderr.splitlines() if l.startswith(";; sts.us-east-1")]
    assert "canonical name edge.amazonaws.com" in info[0], r
    assert "ttl 60" in info[0]  # the least TTL along the chain


def test_nxdomain(resolve, bind):
    r = resolve("nosuch.amazonaws.com", servers=[bind.port])
    assert r.returncode == 1, r
    assert r.stdout == ""
    [err] = r.errors()
    assert err == (f"xfrsync resolve: nosuch.amazonaws.com: NXDOMAIN from "
                   f"{LOCALHOST}#{bind.port}"), r


def test_nodata_and_dangling(resolve, bind):
    r = resolve("-6", "v4only.amazonaws.com", servers=[bind.port])
    assert r.returncode == 1 and "no AAAA record" in r.errors()[0], r
    r = resolve("dangling.amazonaws.com", servers=[bind.port])
    assert r.returncode == 1 and "NXDOMAIN" in r.errors()[0], r


def test_cname_loop(resolve, bind, proxy):
    # BIND 9.18 itself answers a loop in its zone with SERVFAIL ("query
    # iterations limit reached"): a server failure, tried on each server.
    r = resolve("--attempts", "1", "loop1.amazonaws.com", servers=[bind.port])
    assert r.returncode == 1 and "SERVFAIL" in r.errors()[0], r
    # A loop in an answer is the data's fault: no other server is tried.
    proxy.reset("loop")
    r = resolve("-4", "sts.amazonaws.com", servers=[proxy.port, bind.port])
    assert r.returncode == 1, r
    assert r.errors()[0] == ("xfrsync resolve: sts.amazonaws.com: CNAME loop "
                             f"(from {LOCALHOST}#{proxy.port})"), r
    assert r.stats()["udp"] == 1


def test_several_names_at_once(resolve, bind):
    names = ["route53.amazonaws.com", "sts.amazonaws.com", "nosuch.amazonaws.com",
             "sts.us-east-1.amazonaws.com", "127.0.0.9"]
    r = resolve(*names, servers=[bind.port])
    assert r.returncode == 1, r
    assert sorted(r.addrs("route53.amazonaws.com")) == ["127.0.0.1", "::1"]
    assert r.addrs("sts.amazonaws.com") == ["127.0.0.2"]
    assert len(r.addrs("sts.us-east-1.amazonaws.com")) == 3
    assert r.addrs("127.0.0.9") == ["127.0.0.9"]  # a literal needs no query
    assert [e.split(": ")[1] for e in r.errors()] == ["nosuch.amazonaws.com"]


def test_silent_server_then_next(resolve, bind, silent):
    dead = silent()
    r = resolve("--timeout", "0.5", "route53.amazonaws.com", "sts.amazonaws.com",
                "sts.us-east-1.amazonaws.com", servers=[dead.port, bind.port])
    assert r.returncode == 0, r
    assert sorted(r.addrs("route53.amazonaws.com")) == ["127.0.0.1", "::1"]
    assert r.addrs("sts.amazonaws.com") == ["127.0.0.2"]
    assert len(r.addrs("sts.us-east-1.amazonaws.com")) == 3
    assert dead.received == 6  # A and AAAA of each name, all in parallel
    assert 0.5 <= r.seconds < 2, r  # not 3 x 2 x 0.5 s: nothing blocks


def test_dropped_aaaa_costs_a_second(resolve, proxy):
    """A forwarder that drops AAAA queries: the A answer is delivered after
    a grace second, not after every try has timed out."""
    proxy.reset("drop-aaaa")
    r = resolve("--timeout", "5", "route53.amazonaws.com", servers=[proxy.port])
    assert r.returncode == 0 and r.addrs() == ["127.0.0.1"], r
    assert 1 <= r.seconds < 3, r
    r = resolve("--timeout", "0.3", "-6", "route53.amazonaws.com",
                servers=[proxy.port])
    assert r.returncode == 1 and "timeout" in r.errors()[0], r


def test_all_silent_is_a_timeout(resolve, silent):
    a, b = silent(), silent()
    r = resolve("--timeout", "0.3", "--attempts", "2", "route53.amazonaws.com",
                servers=[a.port, b.port])
    assert r.returncode == 1, r
    [err] = r.errors()
    assert err == ("xfrsync resolve: route53.amazonaws.com: timeout: no answer "
                   f"from {LOCALHOST}#{a.port}, {LOCALHOST}#{b.port} "
                   "(4 tries, 300 ms each)"), r
    assert a.received == 4 and b.received == 4  # 2 rounds x 2 types
    assert 1.2 <= r.seconds < 4, r


def test_port_unreachable_is_quick(resolve, bind):
    closed = dnslab.free_port()
    r = resolve("--timeout", "5", "route53.amazonaws.com",
                servers=[closed, bind.port])
    assert r.returncode == 0, r
    assert r.seconds < 2, r  # ICMP port unreachable: no 5 s wait


def test_servfail_then_next(resolve, bind, proxy):
    proxy.reset("servfail")
    r = resolve("-4", "sts.amazonaws.com", servers=[proxy.port, bind.port])
    assert r.returncode == 0 and r.addrs() == ["127.0.0.2"], r
    assert proxy.count("udp") == 1
    r = resolve("-4", "--attempts", "1", "sts.amazonaws.com", servers=[proxy.port])
    assert r.returncode == 1, r
    assert "server failure" in r.errors()[0] and "SERVFAIL" in r.errors()[0], r


def test_refused_outside_the_zone(resolve, bind):
    """BIND (recursion no) refuses names it does not serve."""
    r = resolve("--attempts", "1", "example.org", servers=[bind.port])
    assert r.returncode == 1, r
    assert "REFUSED" in r.errors()[0], r


def test_cache_hit_sends_no_query(resolve, bind, proxy):
    proxy.reset()
    before = bind.queries("sts.amazonaws.com")
    r = resolve("--serial", "sts.amazonaws.com", "sts.amazonaws.com",
                "STS.Amazonaws.COM.", servers=[proxy.port])
    assert r.returncode == 0, r
    assert r.addrs() == ["127.0.0.2"] * 3
    assert proxy.count("udp") == 2  # A and AAAA, once
    assert bind.queries("sts.amazonaws.com") - before == 2
    st = r.stats()
    assert st["udp"] == 2 and st["cache hits"] == 4, r


def test_negative_answer_cached(resolve, proxy):
    proxy.reset()
    r = resolve("--serial", "nosuch.amazonaws.com", "nosuch.amazonaws.com",
                servers=[proxy.port])
    assert r.returncode == 1 and len(r.errors()) == 2, r
    assert all("NXDOMAIN" in e for e in r.errors())
    st = r.stats()
    # A and AAAA go out together; the first NXDOMAIN ends the other query,
    # and covers both types in the cache.
    assert st["udp"] == 2 and st["cache hits"] == 2, r
    time.sleep(0.3)  # the proxy may still be reading the second query
    assert proxy.count("udp") == 2


def test_duplicates_in_flight_share_queries(resolve, proxy):
    proxy.reset()
    r = resolve("route53.amazonaws.com", "ROUTE53.amazonaws.com",
                "route53.amazonaws.com.", servers=[proxy.port])
    assert r.returncode == 0, r
    assert len(r.addrs()) == 6
    assert proxy.count("udp") == 2
    assert r.stats()["joined"] == 2


def test_truncated_answer_retried_over_tcp(resolve, bind):
    before = bind.queries("many.amazonaws.com", "T")
    r = resolve("-4", "many.amazonaws.com", servers=[bind.port])
    assert r.returncode == 0, r
    assert len(r.addrs()) == 8  # the first 8 of 100
    assert all(a.startswith("127.1.0.") for a in r.addrs())
    assert r.stats()["tcp"] == 1
    assert bind.queries("many.amazonaws.com", "T") - before == 1


def test_forced_tc_from_proxy(resolve, proxy):
    proxy.reset("tc")
    r = resolve("-4", "sts.amazonaws.com", servers=[proxy.port])
    assert r.returncode == 0 and r.addrs() == ["127.0.0.2"], r
    assert proxy.count("udp") == 1 and proxy.count("tcp") == 1


def test_case_not_kept_asks_again_without_0x20(resolve, proxy):
    proxy.reset("lower")
    r = resolve("-4", "sts.amazonaws.com", servers=[proxy.port])
    assert r.returncode == 0 and r.addrs() == ["127.0.0.2"], r
    st = r.stats()
    assert st["case retries"] == 1 and st["udp"] == 2, r


def test_forged_answers_ignored(resolve, proxy):
    """A wrong-ID answer and a right-ID one from another port come first;
    only the real answer counts."""
    proxy.reset("forge")
    r = resolve("-v", "route53.amazonaws.com", servers=[proxy.port])
    assert r.returncode == 0, r
    assert sorted(r.addrs()) == ["127.0.0.1", "::1"], r
    assert r.stats()["udp"] == 2
    # the wrong ID was seen and ignored; the other port never got through
    assert r.stderr.count("ignored: wrong ID") == 2, r


def test_ipv6_server(resolve, bind):
    """--server [::1]:PORT: a UDP relay on ::1 in front of BIND."""
    try:
        sock = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        sock.bind(("::1", 0))
    except OSError:
        pytest.skip("no ::1 here")
    sock.settimeout(0.2)
    stop = False

    def relay():
        while not stop:
            try:
                wire, peer = sock.recvfrom(65535)
            except OSError:
                continue
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as up:
                up.settimeout(3)
                up.sendto(wire, (LOCALHOST, bind.port))
                sock.sendto(up.recv(65535), peer)

    t = threading.Thread(target=relay, daemon=True)
    t.start()
    try:
        cmd_port = sock.getsockname()[1]
        r = resolve("--server", f"[::1]:{cmd_port}", "route53.amazonaws.com")
        assert r.returncode == 0, r
        assert sorted(r.addrs()) == ["127.0.0.1", "::1"], r
    finally:
        stop = True
        t.join(2)
        sock.close()


def test_resolv_conf_file(resolve, tmp_path):
    conf = tmp_path / "resolv.conf"
    conf.write_text("# test\nsearch example.net\nnameserver 127.0.0.9\n"
                    "options timeout:1 attempts:1 ndots:3\n")
    r = resolve("--conf", str(conf), "route53.amazonaws.com")
    assert r.returncode == 1, r
    assert "127.0.0.9#53" in r.errors()[0] and "(1 try" in r.errors()[0], r


def test_misuse(resolve):
    assert resolve().returncode == 2
    assert resolve("--server", "not-an-address", "x.example").returncode == 2
    r = resolve("bad..name")
    assert r.returncode == 1 and "not a domain name" in r.errors()[0], r
