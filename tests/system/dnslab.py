"""Real DNS peers for the system tests: BIND 9 (named) and Knot (knotd).

Each server runs as a child process of the test session, in its own
directory under pytest's tmp dir, on 127.0.0.1 and a port picked free just
before, and is stopped by its PID.  Nothing here touches system directories
or system services.

Also here: a NOTIFY listener (UDP and TCP on one port, held open from the
start so that nothing else can take it), a recording UDP relay so that dig
renders the very bytes we keep, and the capture of raw DNS messages with
dnspython so that the tests can feed exactly those bytes to xfrsync.
"""

from __future__ import annotations

import base64
import dataclasses
import shutil
import signal
import socket
import struct
import subprocess
import threading
import time
from pathlib import Path

import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.opcode
import dns.query
import dns.rcode
import dns.rdatatype
import dns.rrset
import dns.tsig

DATA = Path(__file__).resolve().parent / "data"
LOCALHOST = "127.0.0.1"

# One key for transfers, queries and NOTIFY; one for dynamic updates.
XFR_KEY = dns.tsig.Key(
    "xfr-key.", "c3lzdGVtLXRlc3QteGZyLWtleS0zMi1ieXRlcy1sb25n", "hmac-sha256")
DDNS_KEY = dns.tsig.Key(
    "ddns-key.", "c3lzdGVtLXRlc3QtZGRucy1rZXktMzItYnl0ZXMtbG9u", "hmac-sha256")


def key_name(key: dns.tsig.Key) -> str:
    return key.name.to_text(omit_final_dot=True)


def key_secret(key: dns.tsig.Key) -> str:
    return base64.b64encode(key.secret).decode()


def key_arg(key: dns.tsig.Key) -> str:
    """The -y argument of dig, nsupdate and knsupdate."""
    return f"hmac-sha256:{key_name(key)}:{key_secret(key)}"


def tool(name: str, package: str) -> str:
    """Absolute path of a peer's program (root's PATH may lack /usr/sbin)."""
    found = shutil.which(name, path="/usr/sbin:/usr/bin:/sbin:/bin")
    if not found:
        raise RuntimeError(f"{name} not found: install the Debian package {package}")
    return found


# ---------------------------------------------------------------- ports


def bound_pair() -> tuple[socket.socket, socket.socket]:
    """A UDP and a listening TCP socket on the same free port, kept open."""
    for _ in range(100):
        tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        tcp.bind((LOCALHOST, 0))
        udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            udp.bind((LOCALHOST, tcp.getsockname()[1]))
        except OSError:
            tcp.close()
            udp.close()
            continue
        tcp.listen(8)
        return udp, tcp
    raise RuntimeError("no port free for both TCP and UDP")


def free_port() -> int:
    """A port free on 127.0.0.1 for both TCP and UDP right now (for a server
    that must bind it itself)."""
    udp, tcp = bound_pair()
    port = udp.getsockname()[1]
    udp.close()
    tcp.close()
    return port


# ------------------------------------------------------- 2-byte framing


def read_exact(sock: socket.socket, n: int) -> bytes:
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise EOFError(f"connection closed after {len(buf)} of {n} bytes")
        buf += chunk
    return buf


def read_framed(sock: socket.socket) -> bytes:
    (n,) = struct.unpack("!H", read_exact(sock, 2))
    return read_exact(sock, n)


def frame(messages: list[bytes]) -> bytes:
    return b"".join(struct.pack("!H", len(m)) + m for m in messages)


# ---------------------------------------------------------- NOTIFY listener


@dataclasses.dataclass
class Received:
    wire: bytes
    transport: str  # "udp" or "tcp"
    message: dns.message.Message | None  # dnspython's parse, TSIG verified


class NotifyListener:
    """Receives NOTIFYs on UDP and TCP of one port and acknowledges them
    (signed with the request's key) so that the primaries stop retrying."""

    def __init__(self, keyring=XFR_KEY):
        self.keyring = keyring
        self.udp, self.tcp = bound_pair()
        self.port = self.udp.getsockname()[1]
        self.received: list[Received] = []
        self._cond = threading.Condition()
        self._stop = False
        self._threads = [threading.Thread(target=f, daemon=True)
                         for f in (self._serve_udp, self._serve_tcp)]
        for t in self._threads:
            t.start()

    def _handle(self, wire: bytes, transport: str) -> bytes | None:
        try:
            msg = dns.message.from_wire(wire, keyring=self.keyring)
        except Exception:  # keep the bytes even when dnspython rejects them
            msg = None
        with self._cond:
            self.received.append(Received(wire, transport, msg))
            self._cond.notify_all()
        if msg is None or msg.flags & dns.flags.QR:
            return None
        reply = dns.message.make_response(msg)
        reply.flags |= dns.flags.AA
        return reply.to_wire()

    def _serve_udp(self):
        self.udp.settimeout(0.2)
        while not self._stop:
            try:
                wire, peer = self.udp.recvfrom(65535)
            except OSError:  # includes the timeout
                continue
            reply = self._handle(wire, "udp")
            if reply:
                self.udp.sendto(reply, peer)

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
                    while True:
                        reply = self._handle(read_framed(conn), "tcp")
                        if reply:
                            conn.sendall(frame([reply]))
                except (EOFError, OSError):
                    pass

    def wait_for(self, zone: str, serial: int, timeout: float = 15) -> Received:
        """The first NOTIFY for zone whose SOA hint carries serial."""
        zone_name = dns.name.from_text(zone)

        def match(r: Received) -> bool:
            m = r.message
            return (m is not None and m.opcode() == dns.opcode.NOTIFY
                    and [q.name for q in m.question] == [zone_name]
                    and any(rr.rdtype == dns.rdatatype.SOA and rr[0].serial == serial
                            for rr in m.answer))

        deadline = time.monotonic() + timeout
        with self._cond:
            while not any(match(r) for r in self.received):
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = [(r.transport, r.message) for r in self.received]
                    raise TimeoutError(f"no NOTIFY for {zone} serial {serial}; got {seen}")
                self._cond.wait(left)
            return next(r for r in self.received if match(r))

    def close(self):
        self._stop = True
        for t in self._threads:
            t.join(2)
        self.udp.close()
        self.tcp.close()


# ------------------------------------------------------------------- dig


class UdpRelay:
    """A one-query-at-a-time UDP relay in front of a server that records
    every exchange, so that dig renders exactly the bytes we keep."""

    def __init__(self, target_port: int):
        self.target = (LOCALHOST, target_port)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((LOCALHOST, 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.exchanges: list[tuple[bytes, bytes]] = []
        self._stop = False
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self):
        while not self._stop:
            try:
                query, client = self.sock.recvfrom(65535)
            except OSError:
                continue
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as up:
                up.settimeout(3)
                up.sendto(query, self.target)
                try:
                    answer = up.recv(65535)
                except OSError:
                    continue
            self.exchanges.append((query, answer))
            self.sock.sendto(answer, client)

    def close(self):
        self._stop = True
        self._thread.join(2)
        self.sock.close()


def dig(port: int, *args: str, key: dns.tsig.Key | None = None) -> str:
    cmd = [tool("dig", "bind9-dnsutils"), f"@{LOCALHOST}", "-p", str(port),
           "+nosplit", "+tries=1", "+time=5", *args]
    if key:
        cmd += ["-y", key_arg(key)]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed: {r.stdout}{r.stderr}")
    return r.stdout


def dig_via_relay(port: int, zone: str, rdtype: str,
                  key: dns.tsig.Key | None = None) -> tuple[str, bytes, bytes]:
    """dig one UDP query through a recording relay: returns dig's output, the
    raw answer it rendered, and the MAC of dig's request (b"" if unsigned)."""
    relay = UdpRelay(port)
    try:
        text = dig(relay.port, zone, rdtype, "+nocookie", key=key)
    finally:
        relay.close()
    query, answer = relay.exchanges[-1]
    mac = dns.message.from_wire(query, keyring=key).mac if key else None
    return text, answer, mac or b""


# ---------------------------------------------------------------- servers


class Primary:
    """A primary server run in the foreground as a child process.

    Subclasses write the configuration and give the command line; starting,
    waiting until it answers, stopping and dynamic updates are common.
    """

    name = "?"
    update_tool = ("?", "?")  # program, package: nsupdate and knsupdate
    #                           read the same script language

    def __init__(self, workdir: Path, zones: dict[str, str]):
        """zones: zone name -> zone file text."""
        self.dir = workdir
        self.dir.mkdir(parents=True, exist_ok=True)
        self.zones: dict[str, Path] = {}
        for zone, text in zones.items():
            self.zones[zone] = self.dir / f"{zone}.zone"
            self.zones[zone].write_text(text)
        self.log = self.dir / f"{self.name}.log"
        self.proc: subprocess.Popen | None = None
        self.port = 0
        self.notify = NotifyListener()  # one per server: its NOTIFYs only
        # More NOTIFY targets, set before start(): zone -> ports on
        # LOCALHOST (signed with XFR_KEY), e.g. an xfrsync daemon's listener.
        # Zones not named here notify self.notify only.
        self.extra_notify: dict[str, list[int]] = {}

    def command(self) -> list[str]:
        """Write the configuration; return the command line."""
        raise NotImplementedError

    def start(self, timeout: float = 20, port: int | None = None):
        """Start on a free port, or on port (to restart on the same one)."""
        self.port = port or free_port()
        with open(self.log, "ab") as log:  # a restart appends
            self.proc = subprocess.Popen(
                self.command(), cwd=self.dir, stdin=subprocess.DEVNULL,
                stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        for zone in self.zones:
            while not self._answers_soa(zone):
                if self.proc.poll() is not None:
                    raise RuntimeError(
                        f"{self.name} exited {self.proc.returncode}:\n{self.log_tail()}")
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{self.name} does not serve {zone}:\n{self.log_tail()}")
                time.sleep(0.05)

    def _answers_soa(self, zone: str) -> bool:
        try:
            return self.serial(zone, timeout=0.3) is not None
        except (dns.exception.Timeout, OSError):
            return False

    def stop(self):
        """Stop the server (by its PID) and the NOTIFY listener; idempotent."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.notify.close()

    def restart(self, between=None):
        """Stop the server process (by its PID; the NOTIFY listener stays),
        call between() if given (e.g. to edit a zone file or drop a journal),
        and start it again on the same port."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        if between is not None:
            between()
        self.start(port=self.port)

    def log_tail(self, n: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return "(no log)"

    def serial(self, zone: str, timeout: float = 2) -> int | None:
        """The zone's SOA serial, or None if the server does not serve it."""
        r = dns.query.udp(dns.message.make_query(zone, "SOA"), LOCALHOST,
                          port=self.port, timeout=timeout)
        if r.rcode() != dns.rcode.NOERROR or not r.answer:
            return None
        return r.answer[0][0].serial

    def update(self, zone: str, *commands: str):
        """Send one dynamic update, signed with DDNS_KEY."""
        script = "\n".join([f"server {LOCALHOST} {self.port}", f"zone {zone}",
                            *commands, "send", ""])
        r = subprocess.run([tool(*self.update_tool), "-y", key_arg(DDNS_KEY)],
                           input=script, text=True, capture_output=True, timeout=20)
        if r.returncode != 0:
            raise RuntimeError(f"{self.update_tool[0]} failed ({r.returncode}): "
                               f"{r.stdout}{r.stderr}\n{self.log_tail()}")


class Bind(Primary):
    name = "bind"
    update_tool = ("nsupdate", "bind9-dnsutils")
    # More statements for the options block, set before start(): e.g.
    # "max-ixfr-ratio unlimited;" so that BIND answers IXFR incrementally
    # even when the diffs outweigh a small zone.
    extra_options = ""

    def command(self):
        d = self.dir
        keys = "".join(
            f'key "{key_name(k)}" {{ algorithm hmac-sha256; secret "{key_secret(k)}"; }};\n'
            for k in (XFR_KEY, DDNS_KEY))
        zones = "".join(f"""zone "{zone}" {{
    type primary;
    file "{path}";
    allow-update {{ key {key_name(DDNS_KEY)}; }};
    allow-transfer {{ key {key_name(XFR_KEY)}; }};
    notify explicit;
    also-notify {{ {LOCALHOST} port {self.notify.port} key {key_name(XFR_KEY)};{"".join(
        f" {LOCALHOST} port {p} key {key_name(XFR_KEY)};" for p in self.extra_notify.get(zone, []))} }};
}};
""" for zone, path in self.zones.items())
        conf = d / "named.conf"
        conf.write_text(f"""options {{
    directory "{d}";
    pid-file "{d}/named.pid";
    session-keyfile "{d}/session.key";
    managed-keys-directory "{d}";
    listen-on port {self.port} {{ {LOCALHOST}; }};
    listen-on-v6 {{ none; }};
    recursion no;
    dnssec-validation no;
    notify-delay 0;
    check-names primary ignore;   // the tricky zone has owners like sp\\032ace
    minimal-responses yes;
{self.extra_options}
}};
controls {{ }};                   // no rndc channel on port 953
{keys}{zones}""")
        # -g: foreground, log to stderr; run as the invoking user (no -u)
        return [tool("named", "bind9"), "-g", "-n", "1", "-c", str(conf)]


class Knot(Primary):
    name = "knot"
    update_tool = ("knsupdate", "knot-dnsutils")

    def command(self):
        d = self.dir
        (d / "db").mkdir(exist_ok=True)
        keys = "".join(
            f"  - id: {key_name(k)}\n    algorithm: hmac-sha256\n    secret: {key_secret(k)}\n"
            for k in (XFR_KEY, DDNS_KEY))
        zones = "".join(f"  - domain: {zone}\n    file: {path}\n" + (
            f"    notify: [listener{''.join(f', extra-{p}' for p in self.extra_notify[zone])}]\n"
            if self.extra_notify.get(zone) else "")
                        for zone, path in self.zones.items())
        extra = "".join(
            f"  - id: extra-{p}\n    address: {LOCALHOST}@{p}\n    key: {key_name(XFR_KEY)}\n"
            for p in sorted({p for ports in self.extra_notify.values() for p in ports}))
        conf = d / "knot.conf"
        conf.write_text(f"""server:
    rundir: {d}
    pidfile: {d}/knot.pid
    listen: {LOCALHOST}@{self.port}
    udp-workers: 1
    tcp-workers: 1
    background-workers: 1
control:
    listen: {d}/knot.sock
log:
  - target: stderr
    any: info
database:
    storage: {d}/db
key:
{keys}remote:
  - id: listener
    address: {LOCALHOST}@{self.notify.port}
    key: {key_name(XFR_KEY)}
{extra}acl:
  - id: transfer
    key: {key_name(XFR_KEY)}
    action: transfer
  - id: update
    key: {key_name(DDNS_KEY)}
    action: update
template:
  - id: default
    storage: {d}
    notify: listener
    acl: [transfer, update]
    journal-content: changes   # DDNS changes kept: real IXFR
    zonefile-sync: -1          # never write the zone file back
    serial-policy: increment
zone:
{zones}""")
        # foreground by default; no 'user:' so it stays the invoking user
        return [tool("knotd", "knot"), "-c", str(conf)]


# ------------------------------------------------------------------ zones


def zone_text(file: str) -> str:
    return (DATA / file).read_text()


def bulk_zone(origin: str, n: int = 400) -> str:
    """A zone of n names with an A and a two-string TXT each (~100 KB of
    AXFR), so that servers split its transfer into several messages."""
    lines = [f"$ORIGIN {origin}.", "$TTL 300",
             "@ IN SOA ns1 hostmaster 1 3600 600 86400 60", "@ IN NS ns1",
             "ns1 IN A 192.0.2.53"]
    for i in range(n):
        lines.append(f"r{i:04d} IN A 198.51.100.{i % 256}")
        lines.append(f'r{i:04d} IN TXT "record {i} of {n}" "{"x" * 180}"')
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- captures


@dataclasses.dataclass
class Capture:
    """Raw DNS messages as a server sent them, and how to verify them."""

    name: str
    messages: list[bytes]
    tcp: bool  # saved length-framed, decoded with --tcp
    keyring: dns.tsig.Key | None = None
    request_mac: bytes = b""
    xfr: bool = False
    transport: str = ""
    # dig's listings of the same data: "same-bytes" (dig rendered exactly
    # these bytes), or "plain" and "unknown" (another transfer of the same
    # zone version with +nosplit, and with +nosplit +unknownformat)
    dig: dict[str, str] = dataclasses.field(default_factory=dict)
    path: Path | None = None

    def save(self, directory: Path) -> "Capture":
        directory.mkdir(parents=True, exist_ok=True)
        self.path = directory / f"{self.name}.bin"
        self.path.write_bytes(frame(self.messages) if self.tcp else self.messages[0])
        for kind, text in self.dig.items():
            (directory / f"{self.name}.dig-{kind}.txt").write_text(text)
        return self

    def reference(self) -> list[dns.message.Message]:
        """dnspython's parse of every message, TSIG verified in sequence."""
        out, ctx = [], None
        for wire in self.messages:
            m = dns.message.from_wire(
                wire, keyring=self.keyring, request_mac=self.request_mac,
                xfr=self.xfr, tsig_ctx=ctx, multi=len(self.messages) > 1,
                one_rr_per_rrset=True)
            ctx = m.tsig_ctx
            out.append(m)
        return out


def xfr_query(port: int, zone: str, rdtype: str, key: dns.tsig.Key,
              serial: int | None = None) -> tuple[list[bytes], bytes]:
    """An AXFR, or an IXFR from serial, over TCP with dnspython's send_tcp
    and a plain framed read; returns (every raw answer message, request MAC).
    Each message is TSIG-verified as it comes; the end of the transfer is
    found by following the SOAs (RFC 5936, RFC 1995)."""
    q = dns.message.make_query(zone, rdtype, use_edns=0, payload=1232)
    if serial is not None:
        q.authority.append(dns.rrset.from_text(
            dns.name.from_text(zone), 0, "IN", "SOA", f". . {serial} 0 0 0 0"))
    q.use_tsig(key)
    messages, ctx, soas, rrs = [], None, [], 0
    with socket.create_connection((LOCALHOST, port), timeout=10) as s:
        dns.query.send_tcp(s, q.to_wire())
        while not _xfr_done(soas, rrs, serial):
            wire = read_framed(s)
            messages.append(wire)
            m = dns.message.from_wire(wire, keyring=key, request_mac=q.mac, xfr=True,
                                      tsig_ctx=ctx, multi=True, one_rr_per_rrset=True)
            ctx = m.tsig_ctx
            if m.rcode() != dns.rcode.NOERROR:
                raise RuntimeError(f"{rdtype} of {zone}: {dns.rcode.to_text(m.rcode())}")
            for rrset in m.answer:
                rrs += 1
                if rrset.rdtype == dns.rdatatype.SOA:
                    soas.append((rrs, rrset[0].serial))
    return messages, q.mac


def _xfr_done(soas: list[tuple[int, int]], rrs: int, ixfr_from: int | None) -> bool:
    """soas: (position from 1, serial) of each SOA of the answer stream so far."""
    if not soas:
        return False
    first = soas[0][1]
    if ixfr_from is not None and rrs == 1 and first == ixfr_from:
        return True  # up to date: a single SOA
    incremental = ixfr_from is not None and len(soas) > 1 and soas[1][0] == 2
    if not incremental:  # AXFR, or IXFR answered AXFR-style
        return len(soas) >= 2
    # SOA(new) [SOA(from) deletions SOA(to) additions]... SOA(new): the end
    # is the first SOA in a "deletions" position (odd index > 1) equal to
    # SOA(new).
    return len(soas) >= 4 and len(soas) % 2 == 0 and soas[-1][1] == first


def capture_transfer(server: Primary, zone: str, rdtype: str, name: str,
                     serial: int | None = None) -> Capture:
    """A TSIG-signed AXFR or IXFR from serial, with dig's listings of it."""
    messages, mac = xfr_query(server.port, zone, rdtype, XFR_KEY, serial)
    qtype = rdtype if serial is None else f"{rdtype}={serial}"
    listings = {
        "plain": dig(server.port, zone, qtype, key=XFR_KEY),
        "unknown": dig(server.port, zone, qtype, "+unknownformat", key=XFR_KEY),
    }
    return Capture(name, messages, tcp=True, keyring=XFR_KEY, request_mac=mac,
                   xfr=True, transport="tcp", dig=listings)


def update_commands(zone: str) -> list[str]:
    """What the tests change in data/example.zone: a deletion, an addition to
    an existing RRset, and a new name -- so the IXFR has both halves of a diff."""
    return [
        f"update delete old.{zone}. A",
        f"update add www.{zone}. 300 A 192.0.2.81",
        f'update add new.{zone}. 300 TXT "added by the test" ""',
    ]


def capture_dynamic_zone(server: Primary, zone: str) -> list[Capture]:
    """SOA answers over UDP (unsigned and signed, as dig saw them), an AXFR,
    then after an update the NOTIFY it triggers and the IXFR of the change."""
    caps = []
    for name, key in (("soa_udp", None), ("soa_tsig", XFR_KEY)):
        text, answer, mac = dig_via_relay(server.port, zone, "SOA", key)
        caps.append(Capture(name, [answer], tcp=False, keyring=key, request_mac=mac,
                            transport="udp", dig={"same-bytes": text}))
    old = server.serial(zone)
    caps.append(capture_transfer(server, zone, "AXFR", "axfr"))
    server.update(zone, *update_commands(zone))
    new = server.serial(zone)
    got = server.notify.wait_for(zone, new)
    caps.append(Capture("notify", [got.wire], tcp=got.transport == "tcp",
                        keyring=XFR_KEY, transport=got.transport))
    caps.append(capture_transfer(server, zone, "IXFR", "ixfr", serial=old))
    return caps


# ---------------------------------------------------------- xfrsync fetch


@dataclasses.dataclass
class Fetched:
    """What one `xfrsync fetch` run did."""

    cmd: list[str]
    returncode: int
    stdout: str
    stderr: str
    seconds: float

    @property
    def notes(self) -> list[str]:
        """The ';; ' lines of stderr (the form of the answer, fallback)."""
        return [l for l in self.stderr.splitlines() if l.startswith(";;")]

    @property
    def causes(self) -> list[str]:
        """The other non-empty lines of stderr."""
        return [l for l in self.stderr.splitlines() if l.strip() and not l.startswith(";;")]

    @property
    def cause(self) -> str:
        """The last cause line: why the command failed."""
        return self.causes[-1] if self.causes else ""

    def rr_lines(self) -> list[str]:
        """The RR lines of stdout, whitespace-normalised, in order."""
        from listing import normalise
        return [normalise(l) for l in self.stdout.splitlines() if l.strip()]

    def format_problems(self) -> list[str]:
        """stdout lines not of the form owner TAB ttl TAB class TAB type TAB
        rdata (as `xfrsync decode` and dig print an RR)."""
        bad = []
        for line in self.stdout.splitlines():
            f = line.split("\t")
            if len(f) != 5 or not all(f[:4]) or not f[1].isdigit() or line != line.strip():
                bad.append(line)
        return bad

    def __str__(self) -> str:
        def cut(text: str, n: int = 60) -> str:
            lines = text.splitlines()
            more = f"\n    ... ({len(lines) - n} more lines)" if len(lines) > n else ""
            return "".join(f"\n    {l}" for l in lines[:n]) + more
        return (f"$ {' '.join(self.cmd)}\n  exit {self.returncode} after {self.seconds:.2f} s"
                f"\n  stderr:{cut(self.stderr)}\n  stdout:{cut(self.stdout)}")


def run_fetch(binary: Path, port: int, zone: str, *args: str,
              key: dns.tsig.Key | None = XFR_KEY, host: str = LOCALHOST,
              timeout: float = 60) -> Fetched:
    """xfrsync fetch [-y KEY] ARGS -p PORT @HOST ZONE."""
    cmd = [str(binary), "fetch", *(["-y", key_arg(key)] if key else []), *args,
           "-p", str(port), f"@{host}", zone]
    t = time.monotonic()
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                       stdin=subprocess.DEVNULL)
    return Fetched(cmd, r.returncode, r.stdout, r.stderr, time.monotonic() - t)
