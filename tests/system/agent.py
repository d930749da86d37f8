"""The xfrsync daemon under test, and a NOTIFY client to poke it with.

Agent writes an xfrsync configuration (mode 0600) into its own directory,
runs `xfrsync run -d -v -c CONF` as a child process with stderr in a log
file, waits until `xfrsync ctl -c CONF status` answers, and stops it by its
PID with SIGTERM, checking that it exits 0.  Its helpers read `ctl status`
into ZoneStatus records, `ctl dump` into normalised RR lines, and poll
either until a condition holds.

send_notify() sends NOTIFY messages the way a primary would (UDP or TCP,
IPv4 or IPv6, from a chosen source address, signed or not) and returns what
came back, with the round-trip time.

SlowProxy sits between the daemon and a primary, delaying and counting the
daemon's queries.
"""

from __future__ import annotations

import dataclasses
import os
import re
import select
import shutil
import signal
import socket
import struct
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import Callable

import dns.flags
import dns.message
import dns.name
import dns.opcode
import dns.rcode
import dns.rdatatype
import dns.rrset
import dns.tsig

from dnslab import LOCALHOST, XFR_KEY, bound_pair, dig, frame, key_name, key_secret, read_framed
from listing import normalise, tokens

# ------------------------------------------------------------ configuration


@dataclasses.dataclass
class ZoneConf:
    """One zone statement of xfrsync.conf."""

    name: str
    # (address, port, key name or None), tried in order
    primaries: list[tuple[str, int, str | None]]
    notify_from: list[str] = dataclasses.field(default_factory=list)
    notify_key: str | None = None
    extra: list[str] = dataclasses.field(default_factory=list)  # more statements

    def text(self) -> str:
        lines = [f'zone "{self.name}" {{']
        for addr, port, key in self.primaries:
            lines.append(f"\tprimary {addr} port {port}" + (f' key "{key}"' if key else ""))
        if self.notify_from:
            lines.append("\tnotify-from " + " ".join(self.notify_from))
        if self.notify_key:
            lines.append(f'\tnotify-key "{self.notify_key}"')
        lines += [f"\t{s}" for s in self.extra]
        lines.append("}")
        return "\n".join(lines) + "\n"


def key_text(key: dns.tsig.Key, name: str | None = None) -> str:
    """A key statement for key (under another name if given)."""
    return (f'key "{name or key_name(key)}" {{ algorithm hmac-sha256; '
            f'secret "{key_secret(key)}"; }}\n')


# ------------------------------------------------------------------ status

STATUS_RE = re.compile(
    r'^(?P<name>\S+) serial (?P<serial>\d+|-) rrs (?P<rrs>\d+) '
    r'state (?P<state>idle|checking|transferring)(?P<expired> EXPIRED)? '
    r'last-refresh (?P<last_refresh>\S+) expires (?P<expires>\S+) '
    r'notifies (?P<notifies>\d+) ixfr (?P<ixfr>\d+) axfr (?P<axfr>\d+) '
    r'last-error "(?P<last_error>(?:[^"\\]|\\.)*)"$')
# the debug line per changed RRset: "zone Z: OWNER TYPE: 1 -> 2 RRs"
CHANGE_RE = re.compile(r": \d+ -> \d+ RRs$")
TIME_RE = re.compile(r"^(never|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)$")


@dataclasses.dataclass
class ZoneStatus:
    line: str
    name: str  # without the final dot
    serial: int | None  # None: not loaded
    rrs: int
    state: str
    expired: bool
    last_refresh: str
    expires: str
    notifies: int
    ixfr: int
    axfr: int
    last_error: str

    @classmethod
    def parse(cls, line: str) -> "ZoneStatus":
        m = STATUS_RE.match(line)
        if not m:
            raise ValueError(f"status line does not parse: {line!r}")
        for f in ("last_refresh", "expires"):
            if not TIME_RE.match(m[f]):
                raise ValueError(f"status line: {f} {m[f]!r} is neither 'never' nor a UTC "
                                 f"time: {line!r}")
        return cls(line, m["name"].rstrip(".").lower(),
                   None if m["serial"] == "-" else int(m["serial"]), int(m["rrs"]),
                   m["state"], bool(m["expired"]), m["last_refresh"], m["expires"],
                   int(m["notifies"]), int(m["ixfr"]), int(m["axfr"]), m["last_error"])

    @property
    def transfers(self) -> int:
        return self.ixfr + self.axfr


# ------------------------------------------------------------------- agent


class Agent:
    """One `xfrsync run -d -v` process with its own configuration."""

    def __init__(self, binary: Path, workdir: Path, port: int | None = None,
                 ipv6: bool = False):
        self.binary = Path(binary)
        self.dir = Path(workdir)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.ipv6 = ipv6
        self.port = port or (free_port_v4v6() if ipv6 else free_port())
        self.conf = self.dir / "xfrsync.conf"
        self.log = self.dir / "xfrsync.log"
        # sun_path holds 108 bytes: pytest's tmp paths can be longer
        sock = self.dir / "ctl.sock"
        self._sockdir = None
        if len(str(sock)) > 100:
            self._sockdir = tempfile.mkdtemp(prefix="xfrsync-ctl-")
            sock = Path(self._sockdir) / "ctl.sock"
        self.control = sock
        self.proc: subprocess.Popen | None = None
        self.returncode: int | None = None
        self.verbose = True  # -v
        self.ctl_conf: Path | None = None  # -c of `xfrsync ctl`, if not self.conf

    # -- configuration

    def config_text(self, zones: list[ZoneConf], keys: str | None = None,
                    extra: str = "") -> str:
        listen = f"listen {LOCALHOST} port {self.port}\n"
        if self.ipv6:
            listen += f"listen ::1 port {self.port}\n"
        return (f"# written by tests/system/agent.py\n{listen}"
                f'control "{self.control}"\n'
                f'state-dir "{self.dir}"\n'
                f"{key_text(XFR_KEY) if keys is None else keys}{extra}"
                + "".join(z.text() for z in zones))

    def write_config(self, zones: list[ZoneConf], keys: str | None = None,
                     extra: str = "", mode: int = 0o600) -> str:
        text = self.config_text(zones, keys, extra)
        write_file(self.conf, text, mode)
        return text

    # -- process

    def start(self, timeout: float = 10):
        self.returncode = None
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                [str(self.binary), "run", "-d", *(["-v"] if self.verbose else []),
                 "-c", str(self.conf)],
                cwd=self.dir, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"xfrsync run exited {self.proc.returncode} at start:\n"
                                   f"{self.log_tail()}")
            if self.control.exists() and self.ctl("status").returncode == 0:
                return
            if time.monotonic() > deadline:
                raise TimeoutError(f"xfrsync ctl status does not answer:\n{self.log_tail()}")
            time.sleep(0.02)

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def signal(self, signo: int):
        assert self.running(), f"xfrsync is not running:\n{self.log_tail()}"
        self.proc.send_signal(signo)

    def stop(self, timeout: float = 10) -> int:
        """SIGTERM by PID; returns the exit status (killed: -9).  Idempotent."""
        if self.proc is not None and self.returncode is None:
            if self.proc.poll() is None:
                self.proc.send_signal(signal.SIGTERM)
                try:
                    self.proc.wait(timeout)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait(5)
                    self.returncode = -9
            if self.returncode is None:
                self.returncode = self.proc.returncode
        return self.returncode if self.returncode is not None else 0

    def cleanup(self):
        if self._sockdir:
            shutil.rmtree(self._sockdir, ignore_errors=True)

    # -- log

    def log_text(self) -> str:
        try:
            return self.log.read_text(errors="replace")
        except OSError:
            return ""

    def log_lines(self, since: int = 0) -> list[str]:
        """Lines of the log after byte offset since (see mark())."""
        try:
            with open(self.log, "rb") as f:
                f.seek(since)
                return f.read().decode(errors="replace").splitlines()
        except OSError:
            return []

    def mark(self) -> int:
        """The current end of the log, for log_lines(since=...)."""
        try:
            return self.log.stat().st_size
        except OSError:
            return 0

    def log_tail(self, n: int = 40) -> str:
        """The last n lines of the log, without the debug lines listing
        each changed RRset (there are thousands after a big transfer)."""
        lines = [l for l in self.log_text().splitlines() if not CHANGE_RE.search(l)]
        return "\n".join(lines[-n:]) or "(empty log)"

    def grep(self, pattern: str, since: int = 0) -> list[str]:
        rx = re.compile(pattern)
        return [l for l in self.log_lines(since) if rx.search(l)]

    def wait_log(self, pattern: str, since: int = 0, timeout: float = 10) -> list[str]:
        deadline = time.monotonic() + timeout
        while not (found := self.grep(pattern, since)):
            if time.monotonic() > deadline:
                lines = [l for l in self.log_lines(since) if not CHANGE_RE.search(l)]
                raise TimeoutError(f"no log line matching {pattern!r} within {timeout} s; "
                                   f"log since mark:\n" + "\n".join(lines[-40:]))
            time.sleep(0.02)
        return found

    # -- ctl

    def ctl(self, *args: str, timeout: float = 60, conf: Path | None = None
            ) -> subprocess.CompletedProcess:
        conf = conf or self.ctl_conf or self.conf
        return subprocess.run([str(self.binary), "ctl", "-c", str(conf), *args],
                              capture_output=True, text=True, timeout=timeout,
                              stdin=subprocess.DEVNULL)

    def status(self) -> dict[str, ZoneStatus]:
        r = self.ctl("status")
        if r.returncode != 0:
            raise RuntimeError(f"xfrsync ctl status exited {r.returncode}: {r.stderr}\n"
                               f"{self.log_tail()}")
        out = {}
        for line in r.stdout.splitlines():
            z = ZoneStatus.parse(line)
            out[z.name] = z
        return out

    def zone(self, name: str) -> ZoneStatus:
        st = self.status()
        key = name.rstrip(".").lower()
        if key not in st:
            raise KeyError(f"zone {name} not in ctl status: {list(st)}")
        return st[key]

    def dump(self, zone: str) -> list[str]:
        r = self.ctl("dump", zone)
        if r.returncode != 0:
            raise RuntimeError(f"xfrsync ctl dump {zone} exited {r.returncode}: {r.stderr}")
        return [normalise(l) for l in r.stdout.splitlines() if l.strip()]

    def wait_zone(self, zone: str, pred: Callable[[ZoneStatus], bool], what: str,
                  timeout: float = 15) -> ZoneStatus:
        """Poll ctl status until pred(zone's status) holds (a zone not yet
        in the status, as just after a reload, is waited for too)."""
        deadline = time.monotonic() + timeout
        while True:
            st = self.status()
            z = st.get(zone.rstrip(".").lower())
            if z is None and time.monotonic() > deadline:
                raise KeyError(f"zone {zone} not in ctl status: {list(st)}")
            if z is None:
                time.sleep(0.02)
                continue
            if pred(z):
                return z
            if not self.running():
                raise RuntimeError(f"xfrsync exited {self.proc.returncode} while waiting "
                                   f"for {zone}: {what}\n{self.log_tail()}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"zone {zone}: not {what} within {timeout} s; last status:\n"
                                   f"  {z.line}\nlog:\n{self.log_tail()}")
            time.sleep(0.02)

    def wait_serial(self, zone: str, serial: int, timeout: float = 15) -> ZoneStatus:
        """Until zone holds serial and is idle (the round is over)."""
        return self.wait_zone(zone, lambda z: z.serial == serial and z.state == "idle",
                              f"at serial {serial} and idle", timeout)

    def wait_idle(self, zone: str, timeout: float = 15) -> ZoneStatus:
        return self.wait_zone(zone, lambda z: z.state == "idle", "idle", timeout)


# ------------------------------------------------------------------ helpers


def write_file(path: Path, text: str, mode: int = 0o600):
    """Write text to path created with mode (umask does not matter)."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.chmod(tmp, mode)
    os.replace(tmp, path)


def free_port() -> int:
    udp, tcp = bound_pair()
    port = udp.getsockname()[1]
    udp.close()
    tcp.close()
    return port


def free_port_v4v6() -> int:
    """A port free for UDP and TCP on both 127.0.0.1 and ::1 right now."""
    for _ in range(100):
        port = free_port()
        socks = []
        try:
            for kind in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
                s = socket.socket(socket.AF_INET6, kind)
                socks.append(s)
                s.bind(("::1", port))
            return port
        except OSError:
            continue
        finally:
            for s in socks:
                s.close()
    raise RuntimeError("no port free on both 127.0.0.1 and ::1")


def axfr_lines(port: int, zone: str, key: dns.tsig.Key = XFR_KEY) -> list[str]:
    """dig AXFR's RR lines, normalised, without the closing SOA."""
    text = dig(port, zone, "AXFR", key=key)
    lines = [normalise(l) for l in text.splitlines() if l.strip() and not l.startswith(";")]
    lines = [l for l in lines if tokens(l)[3] != "TSIG"]
    if len(lines) < 2 or tokens(lines[-1])[3] != "SOA" or lines[-1] != lines[0]:
        raise RuntimeError(f"dig AXFR of {zone} is not SOA ... SOA:\n{text[-2000:]}")
    return lines[:-1]


def zone_problems(dump: list[str], axfr: list[str]) -> list[str]:
    """How `xfrsync ctl dump` differs from dig AXFR of the same primary
    (whitespace-normalised lines, compared exactly: the agent keeps the case
    the primary sent); [] when equal."""
    def key(line: str) -> str:
        return line

    p = []
    if not dump:
        return ["dump is empty"]
    if tokens(dump[0])[3] != "SOA":
        p.append(f"dump does not start with the SOA: {dump[0]}")
    if key(dump[0]) != key(axfr[0]):
        p.append(f"SOA differs:\n    dump: {dump[0]}\n    dig:  {axfr[0]}")
    a = {key(l) for l in dump}
    b = {key(l) for l in axfr}
    if len(a) != len(dump):
        p.append(f"dump has {len(dump) - len(a)} duplicate lines")
    p += [f"only in dump: {l}" for l in sorted(a - b)]
    p += [f"only in dig:  {l}" for l in sorted(b - a)]
    return p


# -------------------------------------------------------------- NOTIFY client


@dataclasses.dataclass
class Reply:
    wire: bytes
    seconds: float  # round trip
    id: int
    flags: int
    rcode: str  # header RCODE mnemonic
    opcode: str
    tsig_error: str | None  # None: no TSIG; "NOERROR": signed and verified
    message: dns.message.Message | None  # dnspython's parse, TSIG verified
    error: str = ""  # why dnspython could not parse/verify

    @property
    def qr(self) -> bool:
        return bool(self.flags & dns.flags.QR)

    @property
    def aa(self) -> bool:
        return bool(self.flags & dns.flags.AA)


def make_notify(zone: str, serial: int | None = None, key: dns.tsig.Key | None = XFR_KEY,
                qid: int | None = None) -> dns.message.Message:
    m = dns.message.make_query(zone, "SOA", use_edns=False)
    m.flags = dns.flags.AA  # RD off
    m.set_opcode(dns.opcode.NOTIFY)
    if qid is not None:
        m.id = qid
    if serial is not None:
        m.answer.append(dns.rrset.from_text(
            dns.name.from_text(zone), 300, "IN", "SOA",
            f"ns1.{zone}. hostmaster.{zone}. {serial} 3600 600 86400 60"))
    if key is not None:
        m.use_tsig(key)
    return m


def parse_reply(wire: bytes, query: dns.message.Message, seconds: float = 0.0) -> Reply:
    qid, flags = struct.unpack("!HH", wire[:4])
    rcode = dns.rcode.to_text(flags & 0xF)
    opcode = dns.opcode.to_text((flags >> 11) & 0xF)
    msg, tsig_error, error = None, None, ""
    keyring = query.keyring if query.had_tsig else None
    try:
        msg = dns.message.from_wire(wire, keyring=keyring, request_mac=query.mac or b"")
        tsig_error = "NOERROR" if msg.had_tsig else None
    except dns.tsig.PeerBadSignature:
        tsig_error = "BADSIG"
    except dns.tsig.PeerBadKey:
        tsig_error = "BADKEY"
    except dns.tsig.PeerBadTime:
        tsig_error = "BADTIME"
    except dns.message.UnknownTSIGKey as e:
        tsig_error, error = "signed with a key we did not use", str(e)
    except Exception as e:  # noqa: BLE001 - report, let the test judge
        tsig_error, error = "unverifiable", f"{type(e).__name__}: {e}"
    return Reply(wire, seconds, qid, flags, rcode, opcode, tsig_error, msg, error)


def send_notify(port: int, zone: str, serial: int | None = None,
                key: dns.tsig.Key | None = XFR_KEY, source: str = LOCALHOST,
                dest: str = LOCALHOST, tcp: bool = False, timeout: float = 3) -> Reply:
    """Send one NOTIFY for zone to dest:port from source; the reply."""
    q = make_notify(zone, serial, key)
    wire = q.to_wire()
    family = socket.AF_INET6 if ":" in dest else socket.AF_INET
    if tcp:
        with socket.socket(family, socket.SOCK_STREAM) as s:
            s.settimeout(timeout)
            s.bind((source, 0))
            t = time.monotonic()
            s.connect((dest, port))
            s.sendall(frame([wire]))
            answer = read_framed(s)
            dt = time.monotonic() - t
    else:
        with socket.socket(family, socket.SOCK_DGRAM) as s:
            s.settimeout(timeout)
            s.bind((source, 0))
            t = time.monotonic()
            s.sendto(wire, (dest, port))
            while True:
                answer, peer = s.recvfrom(65535)
                if answer[:2] == wire[:2]:
                    break
            dt = time.monotonic() - t
            assert peer[1] == port, f"reply came from port {peer[1]}, not {port}"
    return parse_reply(answer, q, dt)


def notify_burst(port: int, zone: str, n: int, serial: int | None = None,
                 key: dns.tsig.Key | None = XFR_KEY, timeout: float = 5) -> list[Reply]:
    """Send n NOTIFYs back to back over UDP from one socket, then collect the
    replies (matched by ID); returns them in the order sent (missing: absent)."""
    queries = {}
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind((LOCALHOST, 0))
        t = time.monotonic()
        for i in range(n):
            q = make_notify(zone, serial, key, qid=(0x1000 + i))
            queries[q.id] = q
            s.sendto(q.to_wire(), (LOCALHOST, port))
        replies = {}
        deadline = time.monotonic() + timeout
        while len(replies) < n and time.monotonic() < deadline:
            s.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                wire, _ = s.recvfrom(65535)
            except OSError:
                break
            qid = struct.unpack("!H", wire[:2])[0]
            if qid in queries and qid not in replies:
                replies[qid] = parse_reply(wire, queries[qid], time.monotonic() - t)
    return [replies[q] for q in queries if q in replies]


# ------------------------------------------------------------- slow proxy


def question_type(wire: bytes) -> str:
    """The QTYPE mnemonic of a DNS message's first question ("?" if none)."""
    try:
        if struct.unpack("!H", wire[4:6])[0] == 0:
            return "?"
        _, used = dns.name.from_wire(wire, 12)
        (qtype,) = struct.unpack("!H", wire[12 + used:14 + used])
        return dns.rdatatype.to_text(qtype)
    except Exception:  # noqa: BLE001
        return "?"


class SlowProxy:
    """A UDP and TCP relay in front of a primary that holds each query for
    `delay` seconds before passing it on, and counts the queries by
    transport and QTYPE: a refresh through it lasts long enough for NOTIFYs
    to arrive while it runs, and the counts show how many SOA queries and
    transfers the daemon really made."""

    def __init__(self, upstream_port: int, delay: float = 0.0):
        self.upstream = (LOCALHOST, upstream_port)
        self.delay = delay
        self.udp, self.tcp = bound_pair()
        self.port = self.udp.getsockname()[1]
        self.queries: list[tuple[str, str]] = []  # (transport, QTYPE)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=f, daemon=True)
                         for f in (self._serve_udp, self._serve_tcp)]
        for t in self._threads:
            t.start()

    def count(self, qtype: str) -> int:
        with self._lock:
            return sum(1 for _, t in self.queries if t == qtype)

    def reset(self):
        with self._lock:
            self.queries.clear()

    def _note(self, transport: str, wire: bytes):
        with self._lock:
            self.queries.append((transport, question_type(wire)))

    def _serve_udp(self):
        self.udp.settimeout(0.2)
        while not self._stop.is_set():
            try:
                wire, peer = self.udp.recvfrom(65535)
            except OSError:
                continue
            threading.Thread(target=self._udp_one, args=(wire, peer), daemon=True).start()

    def _udp_one(self, wire: bytes, peer):
        self._note("udp", wire)
        time.sleep(self.delay)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as up:
            up.settimeout(5)
            up.sendto(wire, self.upstream)
            try:
                answer = up.recv(65535)
            except OSError:
                return
        try:
            self.udp.sendto(answer, peer)
        except OSError:
            pass

    def _serve_tcp(self):
        self.tcp.settimeout(0.2)
        while not self._stop.is_set():
            try:
                conn, _ = self.tcp.accept()
            except OSError:
                continue
            threading.Thread(target=self._tcp_one, args=(conn,), daemon=True).start()

    def _tcp_one(self, conn: socket.socket):
        with conn:
            conn.settimeout(10)
            try:
                wire = read_framed(conn)
            except (EOFError, OSError):
                return
            self._note("tcp", wire)
            time.sleep(self.delay)
            try:
                up = socket.create_connection(self.upstream, timeout=10)
            except OSError:
                return
            with up:
                up.sendall(frame([wire]))
                socks = [conn, up]
                while not self._stop.is_set():
                    ready, _, _ = select.select(socks, [], [], 0.5)
                    for s in ready:
                        try:
                            data = s.recv(65536)
                        except OSError:
                            data = b""
                        if not data:
                            return
                        # later queries on the same connection are not counted
                        (up if s is conn else conn).sendall(data)

    def close(self):
        self._stop.set()
        for t in self._threads:
            t.join(2)
        self.udp.close()
        self.tcp.close()
