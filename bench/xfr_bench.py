#!/usr/bin/python3
"""xfr_bench.py -- one zone transfer, four receivers: CPU time and memory.

BIND 9 (named) serves a generated zone of --rrs RRs (seeded, deterministic;
mostly A, AAAA, TXT and MX under realistic owner names) on a free 127.0.0.1
port, TSIG required for transfers.  Then, --runs times each, interleaved:

  fetch   xfrsync fetch --max-rrs 10N -y KEY -p PORT @127.0.0.1 ZONE > /dev/null
          (the limit counts the closing SOA too, so the default of 1000000
          refuses a zone of exactly 1000000 RRs: checked once, reported)
  kdig    kdig -y KEY -p PORT @127.0.0.1 AXFR ZONE > /dev/null
  knotd   a Knot secondary of the zone (no zone file written, no journal),
          from its start until the zone is loaded
  run     xfrsync run -d with the zone configured (max-rrs and max-bytes
          raised), from its start until its control socket shows the serial;
          then the RSS of the daemon holding the zone
  notify  the same daemon start again, while a second zone of the daemon is
          sent a signed NOTIFY every 20 ms: the latency of every answer

For the one-shot clients the figures come from wait4() (ru_utime +
ru_stime, ru_maxrss) in a tiny C helper compiled at start (see RUSAGE_C);
for the daemons from /proc/PID/stat (utime + stime of
every thread) and /proc/PID/status (VmHWM, VmRSS) read while they run.
Results: a Markdown table on stdout, and with --json every single run.

Run with Debian's Python (python3-dnspython), as root or not:
    /usr/bin/python3 bench/xfr_bench.py [--rrs N] [--runs K]
Needs the Debian packages bind9, knot, knot-dnsutils, a C compiler (musl-gcc
or cc) and a built ./xfrsync.
Everything lives in one tmp dir (removed unless --keep); every process
started is stopped by its PID.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "system"))

import dns.message  # noqa: E402
import dns.opcode  # noqa: E402
import dns.flags  # noqa: E402
import dns.query  # noqa: E402
import dns.rcode  # noqa: E402

import dnslab  # noqa: E402  (tests/system: ports, key, tool lookup)
from benchlib import first_line, xfrsync_version  # noqa: E402  (bench/)

LOCALHOST = dnslab.LOCALHOST
KEY = dnslab.XFR_KEY
ZONE = "bench.example"
SMALL = "small.example"          # the daemon's second zone (NOTIFY probe)
SERIAL = 2024010101
TICK = os.sysconf("SC_CLK_TCK")
MB = 1024 * 1024                  # "MB" below: 2^20 bytes

# What peers.md measured on a machine like this one (BIND 9.18 primary,
# TSIG, medians of 5): CPU seconds and peak RSS in MB.
REFERENCE = {
    1_000_000: {"knotd": (1.18, 206), "kdig": (1.20, 7)},
    100_000: {"knotd": (0.13, 29), "kdig": (0.12, None)},
}


# ------------------------------------------------------------------ zone

REGIONS = ["fra1", "ams3", "lon1", "nyc3", "sfo2", "sgp1", "tor1", "blr1",
           "syd1", "iad2", "gru1", "nrt1"]
ENVS = ["prod", "staging", "dev", "corp", "lab", "edge"]
ROLES = ["web", "api", "db", "cache", "mail", "vpn", "git", "ci", "mon",
         "app", "auth", "cdn", "lb", "kube-node", "proxy", "backup", "files",
         "search", "queue", "worker", "static", "img", "login", "shop"]
WORDS = ["alpine", "birch", "cobalt", "delta", "ember", "falcon", "granite",
         "harbor", "indigo", "juniper", "kestrel", "lumen", "maple", "nimbus",
         "orchid", "pioneer", "quartz", "raven", "summit", "tundra", "umber",
         "vertex", "willow", "xenon", "yonder", "zephyr", "acme", "north",
         "blue", "river", "stone", "bright", "silver", "golden", "rapid"]
B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def generate_zone(path: Path, n: int, seed: int) -> dict[str, int]:
    """Write a zone of exactly n RRs (SOA and apex NS included) to path;
    return the count of each type.  Three kinds of owner:
      hosts      role-NNNNN.region.env: A (1 or 2), AAAA (1 in 2),
                 TXT verification token (1 in 5)
      customers  word-word-NNNNN: A, MX x2, SPF TXT, _dmarc TXT, and 1 in 4
                 a DKIM TXT (two strings, ~400 bytes)
      aliases    www.word-NNNNN: CNAME to a host
    plus the apex SOA and NS, and A records for the NS and MX targets."""
    rnd = random.Random(seed)
    counts: dict[str, int] = {}
    out = [f"$ORIGIN {ZONE}.", "$TTL 300",
           f"@ 3600 IN SOA ns1 hostmaster {SERIAL} 7200 3600 1209600 300",
           "@ 3600 IN NS ns1", "@ 3600 IN NS ns2",
           "ns1 3600 IN A 192.0.2.53", "ns2 3600 IN A 198.51.100.53"]
    out += [f"mx{k}.{r}.mail 3600 IN A 192.0.2.{10 * k + j}"
            for j, r in enumerate(REGIONS) for k in (1, 2)]  # the MX targets
    for t in ["SOA", "NS", "NS"] + ["A"] * (len(out) - 5):
        counts[t] = counts.get(t, 0) + 1
    total = len(out) - 2
    hosts: list[str] = []

    def token(k: int) -> str:
        return "".join(rnd.choice(B64) for _ in range(k))

    def emit(owner: str, rtype: str, rdata: str, ttl: int = 0) -> bool:
        nonlocal total
        if total >= n:
            return False
        out.append(f"{owner}{f' {ttl}' if ttl else ''} IN {rtype} {rdata}")
        counts[rtype] = counts.get(rtype, 0) + 1
        total += 1
        return True

    i = 0
    with open(path, "w") as f:
        while total < n:
            i += 1
            kind = rnd.random()
            if kind < 0.80:
                owner = (f"{rnd.choice(ROLES)}-{i:05d}.{rnd.choice(REGIONS)}."
                         f"{rnd.choice(ENVS)}")
                hosts.append(owner)
                ip = rnd.getrandbits(24)
                ttl = rnd.choice((300, 300, 300, 60, 3600))
                emit(owner, "A", f"10.{ip >> 16}.{(ip >> 8) & 255}.{ip & 255}", ttl)
                if rnd.random() < 0.2:  # a second, different address
                    emit(owner, "A", f"10.{ip >> 16}.{(ip >> 8) & 255}."
                         f"{(ip + 1) & 255}", ttl)
                if rnd.random() < 0.5:
                    emit(owner, "AAAA", f"2001:db8:{REGIONS.index(owner.split('.')[1]):x}:"
                         f"{rnd.getrandbits(16):x}::{i >> 16:x}:{i & 0xFFFF:x}", ttl)
                if rnd.random() < 0.2:
                    emit(owner, "TXT", f'"site-verification={token(43)}"', ttl)
            elif kind < 0.95:
                owner = f"{rnd.choice(WORDS)}-{rnd.choice(WORDS)}-{i:05d}"
                r = rnd.choice(REGIONS)
                emit(owner, "A", f"203.0.{rnd.getrandbits(7)}.{rnd.getrandbits(8)}")
                emit(owner, "MX", f"10 mx1.{r}.mail")
                emit(owner, "MX", f"20 mx2.{r}.mail")
                emit(owner, "TXT", f'"v=spf1 ip4:203.0.113.0/24 include:_spf.{r}.mail '
                     f'include:_spf.{ZONE} ~all"')
                emit(f"_dmarc.{owner}", "TXT", f'"v=DMARC1; p=quarantine; '
                     f'rua=mailto:dmarc@{owner}.{ZONE}; pct=100"', 3600)
                if rnd.random() < 0.25:
                    emit(f"s{rnd.getrandbits(16)}._domainkey.{owner}", "TXT",
                         f'"v=DKIM1; k=rsa; p={token(200)}" "{token(192)}"', 3600)
            elif hosts:
                emit(f"www.{rnd.choice(WORDS)}-{i:05d}", "CNAME",
                     rnd.choice(hosts[-1000:]))
            if len(out) >= 10000:
                f.write("\n".join(out) + "\n")
                out.clear()
        f.write("\n".join(out) + "\n")
    return counts


# ----------------------------------------------------------- processes

def proc_cpu(pid: int) -> float:
    """utime + stime of the whole process (every thread), seconds."""
    with open(f"/proc/{pid}/stat") as f:
        rest = f.read().rsplit(")", 1)[1].split()
    return (int(rest[11]) + int(rest[12])) / TICK


def proc_mem(pid: int) -> dict[str, int]:
    """VmHWM and VmRSS in bytes."""
    mem = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(("VmHWM:", "VmRSS:")):
                k, v = line.split(":")
                mem[k] = int(v.split()[0]) * 1024
    return mem


def stop(proc: subprocess.Popen | None, timeout: float = 15):
    """SIGTERM by PID, then SIGKILL; reap. Idempotent."""
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)


# ru_maxrss survives execve(): a child that Python forks and that then
# execs kdig reports at least the Python process's own peak.  So the
# clients are started by this tiny static helper, whose forked child has a
# fresh (and tiny) high-water mark; it writes the child's wait4() figures
# to argv[1].
RUSAGE_C = r"""
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	struct rusage ru;
	FILE *f;
	pid_t pid;
	int st;

	if (argc < 3)
		return 125;
	if ((pid = fork()) == 0) {
		execv(argv[2], argv + 2);
		_exit(127);
	}
	if (pid < 0 || wait4(pid, &st, 0, &ru) != pid ||
	    (f = fopen(argv[1], "w")) == NULL)
		return 125;
	fprintf(f, "%d %ld.%06ld %ld.%06ld %ld\n", st, (long)ru.ru_utime.tv_sec,
	    (long)ru.ru_utime.tv_usec, (long)ru.ru_stime.tv_sec,
	    (long)ru.ru_stime.tv_usec, ru.ru_maxrss);
	return fclose(f) == 0 ? 0 : 125;
}
"""


def build_rusage(d: Path) -> Path:
    src, exe = d / "rusage.c", d / "rusage"
    src.write_text(RUSAGE_C)
    cc = ["musl-gcc", "-static"] if shutil.which("musl-gcc") else ["cc"]
    subprocess.run([*cc, "-Os", "-o", str(exe), str(src)], check=True)
    return exe


def run_client(helper: Path, cmd: list[str], timeout: float) -> dict:
    """Run a one-shot client, stdout to /dev/null; wall time around it, CPU
    and peak RSS from wait4() (by the helper)."""
    out = helper.parent / "rusage.out"
    out.unlink(missing_ok=True)
    err = helper.parent / "rusage.err"
    t0 = time.monotonic()
    with open(err, "wb") as ef:
        # its own session: on a timeout the helper and the client are
        # killed together, by the helper's PID as process group
        proc = subprocess.Popen([str(helper), str(out), *cmd], stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=ef,
                                start_new_session=True)
        try:
            rc = proc.wait(timeout)
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
    wall = time.monotonic() - t0
    if rc != 0 or not out.exists():
        raise RuntimeError(f"{' '.join(cmd)}: exit {rc}: "
                           f"{err.read_text(errors='replace')[-2000:]}")
    status, utime, stime, maxrss = out.read_text().split()
    if os.waitstatus_to_exitcode(int(status)) != 0:
        raise RuntimeError(f"{' '.join(cmd)}: exit "
                           f"{os.waitstatus_to_exitcode(int(status))}: "
                           f"{err.read_text(errors='replace')[-2000:]}")
    return {"wall": wall, "cpu": float(utime) + float(stime), "peak": int(maxrss) * 1024}


# ------------------------------------------------------------- primary

class Primary:
    """named serving ZONE and SMALL, transfers only with KEY."""

    def __init__(self, d: Path, zonefile: Path):
        self.dir = d
        self.port = dnslab.free_port()
        small = d / "small.zone"
        small.write_text(f"$TTL 300\n@ IN SOA ns1.{SMALL}. hostmaster.{SMALL}. "
                         f"7 3600 600 86400 60\n@ IN NS ns1\nns1 IN A 192.0.2.1\n")
        conf = d / "named.conf"
        zones = "".join(f"""zone "{z}" {{ type primary; file "{p}";
    allow-transfer {{ key {dnslab.key_name(KEY)}; }}; notify no; }};
""" for z, p in ((ZONE, zonefile), (SMALL, small)))
        conf.write_text(f"""options {{
    directory "{d}";
    pid-file "{d}/named.pid";
    session-keyfile "{d}/session.key";
    managed-keys-directory "{d}";
    listen-on port {self.port} {{ {LOCALHOST}; }};
    listen-on-v6 {{ none; }};
    recursion no;
    dnssec-validation no;
    minimal-responses yes;
    check-names primary ignore;
    check-integrity no;
    notify no;
}};
controls {{ }};
key "{dnslab.key_name(KEY)}" {{ algorithm hmac-sha256; secret "{dnslab.key_secret(KEY)}"; }};
{zones}""")
        self.log = d / "named.log"
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(
                [dnslab.tool("named", "bind9"), "-g", "-n", "1", "-c", str(conf)],
                cwd=d, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)

    def wait_loaded(self, timeout: float):
        deadline = time.monotonic() + timeout
        for zone in (ZONE, SMALL):
            while self.serial(zone) is None:
                if self.proc.poll() is not None or time.monotonic() > deadline or \
                        "not loaded due to errors" in self.log.read_text(errors="replace"):
                    tail = self.log.read_text(errors="replace")[-3000:]
                    raise RuntimeError(f"named does not serve {zone}:\n{tail}")
                time.sleep(0.2)

    def serial(self, zone: str) -> int | None:
        try:
            r = dns.query.udp(dns.message.make_query(zone, "SOA"), LOCALHOST,
                              port=self.port, timeout=0.5)
        except Exception:
            return None
        if r.rcode() != dns.rcode.NOERROR or not r.answer:
            return None
        return r.answer[0][0].serial

    def cpu(self) -> float:
        return proc_cpu(self.proc.pid)


# ------------------------------------------------------- knotd secondary

def run_knotd(d: Path, primary: Primary, timeout: float) -> dict:
    """Start a Knot secondary of ZONE; measure until the zone is loaded,
    then its steady RSS."""
    if d.exists():
        shutil.rmtree(d)
    d.mkdir()
    conf = d / "knot.conf"
    conf.write_text(f"""server:
    rundir: {d}
    pidfile: {d}/knot.pid
    listen: {LOCALHOST}@{dnslab.free_port()}
control:
    listen: {d}/knot.sock
log:
  - target: stderr
    any: info
database:
    storage: {d}/db
key:
  - id: {dnslab.key_name(KEY)}
    algorithm: hmac-sha256
    secret: {dnslab.key_secret(KEY)}
remote:
  - id: primary
    address: {LOCALHOST}@{primary.port}
    key: {dnslab.key_name(KEY)}
acl:
  - id: notify
    address: {LOCALHOST}
    key: {dnslab.key_name(KEY)}
    action: notify
template:
  - id: default
    storage: {d}
    master: primary
    acl: notify
    zonefile-sync: -1
    zonefile-load: none
    journal-content: none
zone:
  - domain: {ZONE}
""")
    log = d / "knotd.log"
    cpu0 = primary.cpu()
    t0 = time.monotonic()
    with open(log, "wb") as lf:
        proc = subprocess.Popen([dnslab.tool("knotd", "knot"), "-c", str(conf)],
                                cwd=d, stdin=subprocess.DEVNULL, stdout=lf,
                                stderr=subprocess.STDOUT)
    try:
        seen = b""
        with open(log, "rb") as lf:
            while True:
                seen += lf.read()
                if b"zone updated" in seen or b"serial none ->" in seen:
                    break
                if proc.poll() is not None or time.monotonic() - t0 > timeout:
                    raise RuntimeError(f"knotd did not load {ZONE}:\n"
                                       f"{seen.decode(errors='replace')[-3000:]}")
                time.sleep(0.02)
        wall = time.monotonic() - t0
        cpu, mem = proc_cpu(proc.pid), proc_mem(proc.pid)
        pcpu = primary.cpu() - cpu0
        st = subprocess.run([dnslab.tool("knotc", "knot"), "-s", str(d / "knot.sock"),
                             "zone-status", ZONE], capture_output=True, text=True,
                            timeout=30)
        if f"serial: {SERIAL}" not in st.stdout:
            raise RuntimeError(f"knotc zone-status: {st.stdout}{st.stderr}")
        time.sleep(2)
        steady = proc_mem(proc.pid)["VmRSS"]
        xfr = [l for l in seen.decode(errors="replace").splitlines()
               if "AXFR, incoming" in l and "finished" in l]
        # "AXFR, incoming, remote ..., finished, 0.19 seconds, 376 messages, ..."
        secs = re.search(r"finished, ([0-9.]+) seconds", xfr[-1]) if xfr else None
        return {"wall": wall, "cpu": cpu, "peak": mem["VmHWM"], "rss_loaded": mem["VmRSS"],
                "steady": steady, "primary_cpu": pcpu,
                "xfr": float(secs.group(1)) if secs else None,
                "log": xfr[-1].split("] ", 1)[-1] if xfr else ""}
    finally:
        stop(proc)


# ------------------------------------------------------------ xfrsync run

def ctl_status(sock: Path) -> str | None:
    """`xfrsync ctl status` over the control socket, without a process."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(5)
            s.connect(str(sock))
            s.sendall(b"status\n")
            s.shutdown(socket.SHUT_WR)
            out = b""
            while chunk := s.recv(65536):
                out += chunk
            return out.decode(errors="replace")
    except OSError:
        return None


def has_serial(status: str | None, zone: str, serial: int) -> bool:
    for line in (status or "").splitlines():
        f = line.split()
        if len(f) >= 3 and f[0].rstrip(".") == zone and f[1] == "serial" \
                and f[2] == str(serial):
            return True
    return False


class NotifyProbe:
    """A signed NOTIFY for SMALL every `interval` seconds over UDP; the
    latency of every answer (sent and received by separate threads, so a
    blocked daemon shows as one long latency, not as a stalled sender)."""

    def __init__(self, port: int, interval: float = 0.02):
        self.addr = (LOCALHOST, port)
        self.interval = interval
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((LOCALHOST, 0))
        self.sock.settimeout(0.1)
        self.sent: dict[int, float] = {}
        self.lat: dict[int, float] = {}
        self.bad = 0
        self._send_stop = threading.Event()
        self._recv_stop = threading.Event()
        self._seq = 0
        self._threads = [threading.Thread(target=self._sender, daemon=True),
                         threading.Thread(target=self._receiver, daemon=True)]

    def _message(self, qid: int) -> bytes:
        m = dns.message.make_query(SMALL, "SOA")
        m.flags = dns.flags.AA  # (this clears the opcode too: set it after)
        m.set_opcode(dns.opcode.NOTIFY)
        m.id = qid
        m.use_tsig(KEY)
        return m.to_wire()

    def _sender(self):
        t0 = time.monotonic()
        while not self._send_stop.is_set():
            qid = self._seq & 0xFFFF
            wire = self._message(qid)
            self.sent[qid] = time.monotonic()
            self.sock.sendto(wire, self.addr)
            self._seq += 1
            delay = t0 + self._seq * self.interval - time.monotonic()
            if delay > 0:
                self._send_stop.wait(delay)

    def _receiver(self):
        while not self._recv_stop.is_set():
            try:
                wire = self.sock.recv(65535)
            except OSError:
                continue
            now = time.monotonic()
            if len(wire) < 12:
                continue
            qid, flags = struct.unpack("!HH", wire[:4])
            if not flags & 0x8000 or (flags & 0xF) != dns.rcode.NOERROR \
                    or qid not in self.sent:
                self.bad += 1
                continue
            self.lat.setdefault(qid, now - self.sent[qid])

    def start(self):
        for t in self._threads:
            t.start()

    def finish(self, grace: float = 5) -> dict:
        """Stop sending; collect answers for up to grace seconds."""
        self._send_stop.set()
        self._threads[0].join()
        deadline = time.monotonic() + grace
        while len(self.lat) < len(self.sent) and time.monotonic() < deadline:
            time.sleep(0.05)
        self._recv_stop.set()
        self._threads[1].join()
        self.sock.close()
        lat = sorted(self.lat.values())
        return {"sent": len(self.sent), "answered": len(lat), "bad": self.bad, "lat": lat,
                "p50": pct(lat, 50), "p99": pct(lat, 99), "max": lat[-1] if lat else None}


def pct(v: list[float], p: float) -> float | None:
    if not v:
        return None
    return v[min(len(v) - 1, max(0, round(p / 100 * len(v) + 0.5) - 1))]


def run_daemon(d: Path, xfrsync: Path, primary: Primary, timeout: float,
               probe: bool) -> dict:
    """Start `xfrsync run -d`; measure until ctl status shows the serial,
    then the RSS of the daemon holding the zone.  With probe, NOTIFYs for
    the second zone during the transfer (and for 1 s once it is idle)."""
    if d.exists():
        shutil.rmtree(d)
    d.mkdir()
    (d / "state").mkdir()
    port = dnslab.free_port()
    sock = d / "ctl.sock"
    conf = d / "xfrsync.conf"
    fd = os.open(conf, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(f"""listen {LOCALHOST} port {port}
control "{sock}"
state-dir "{d}/state"
log-level info
key "{dnslab.key_name(KEY)}" {{ algorithm hmac-sha256; secret "{dnslab.key_secret(KEY)}"; }}
defaults {{
    max-rrs 100000000
    max-bytes 16g
    max-transfer-time 1h
    idle-timeout 120
}}
zone "{ZONE}" {{
    primary {LOCALHOST} port {primary.port} key "{dnslab.key_name(KEY)}"
}}
zone "{SMALL}" {{
    primary {LOCALHOST} port {primary.port} key "{dnslab.key_name(KEY)}"
    notify-key "{dnslab.key_name(KEY)}"
}}
""")
    log = d / "xfrsync.log"
    cpu0 = primary.cpu()
    t0 = time.monotonic()
    with open(log, "wb") as lf:
        proc = subprocess.Popen([str(xfrsync), "run", "-d", "-c", str(conf)],
                                cwd=d, stdin=subprocess.DEVNULL, stdout=lf,
                                stderr=subprocess.STDOUT)
    pr = None
    try:
        if probe:
            while ctl_status(sock) is None:  # the sockets are bound first
                if proc.poll() is not None or time.monotonic() - t0 > 10:
                    raise RuntimeError(f"xfrsync run did not start:\n{log.read_text()}")
                time.sleep(0.005)
            pr = NotifyProbe(port)
            pr.start()
        while True:
            if has_serial(ctl_status(sock), ZONE, SERIAL):
                break
            if proc.poll() is not None or time.monotonic() - t0 > timeout:
                raise RuntimeError("xfrsync run did not load the zone:\n" +
                                   log.read_text(errors="replace")[-3000:])
            time.sleep(0.02)
        wall = time.monotonic() - t0
        cpu, mem = proc_cpu(proc.pid), proc_mem(proc.pid)
        pcpu = primary.cpu() - cpu0
        res = {"wall": wall, "cpu": cpu, "peak": mem["VmHWM"], "rss_loaded": mem["VmRSS"],
               "primary_cpu": pcpu}
        if pr is not None:
            res["notify_busy"] = pr.finish()
            pr = NotifyProbe(port)
            pr.start()
            time.sleep(1)
            res["notify_idle"] = pr.finish()
            pr = None
        # The real client, once, as the README says.
        st = subprocess.run([str(xfrsync), "ctl", "-c", str(conf), "status"],
                            capture_output=True, text=True, timeout=30)
        if not has_serial(st.stdout, ZONE, SERIAL):
            raise RuntimeError(f"xfrsync ctl status: {st.stdout}{st.stderr}")
        res["status"] = [l for l in st.stdout.splitlines() if l.startswith(ZONE)][0]
        time.sleep(2)
        res["steady"] = proc_mem(proc.pid)["VmRSS"]
        # "zone Z: AXFR serial 0 -> S from primary 1, N RRs, M messages, T ms"
        res["log"] = next((l.split(" ", 1)[-1] for l in
                           log.read_text(errors="replace").splitlines()
                           if f"zone {ZONE}" in l and "AXFR" in l), "")
        ms_ = re.search(r"messages, ([0-9]+) ms", res["log"])
        res["xfr"] = int(ms_.group(1)) / 1000 if ms_ else None
        return res
    finally:
        if pr is not None:
            pr.finish(0)
        stop(proc)


# ------------------------------------------------------------- reporting

def med(runs: list[dict], k: str) -> float:
    return statistics.median(r[k] for r in runs)


def cell(runs: list[dict], k: str, scale: float = 1, fmt: str = "{:.2f}") -> str:
    v = [r[k] / scale for r in runs if r.get(k) is not None]
    if not v:
        return "–"
    s = fmt.format(statistics.median(v))
    if len(v) > 1:
        s += f" ({fmt.format(min(v))}–{fmt.format(max(v))})"
    return s


def ms(v: float | None) -> str:
    return "–" if v is None else f"{v * 1000:.1f}"


def report(res: dict) -> str:
    R = res["runs"]
    n = res["rrs"]
    out = [f"### {n:,} RRs — {res['wire_bytes'] / MB:.1f} MB of AXFR wire in "
           f"{res['wire_messages']} messages, {len(R['fetch'])} runs each",
           "",
           "Median (min–max). CPU = user + system seconds of the receiver only. "
           "Peak = ru_maxrss (clients) or VmHWM (daemons), MB = 2^20 bytes. "
           "Wall times are noisy (2 shared cores; the primary needs a core to send).",
           "",
           "; ".join(f"{k}: {v}" for k, v in res["versions"].items()) + ".",
           "",
           f"`xfrsync fetch` without `--max-rrs`: {res['fetch_default_limit']}",
           "",
           "| receiver | wall (s) | transfer, own log (s) | CPU (s) | peak RSS (MB) "
           "| RSS holding the zone (MB) | primary's CPU (s) |",
           "|---|---|---|---|---|---|---|"]
    names = {"fetch": "`xfrsync fetch` > /dev/null",
             "kdig": "`kdig AXFR` > /dev/null",
             "knotd": "knotd secondary, start → loaded",
             "run": "`xfrsync run`, start → serial in `ctl status`"}
    for k, label in names.items():
        runs = R[k]
        out.append(f"| {label} | {cell(runs, 'wall')} | {cell(runs, 'xfr')} | {cell(runs, 'cpu')} | "
                   f"{cell(runs, 'peak', MB, '{:.1f}')} | "
                   f"{cell(runs, 'steady', MB, '{:.1f}')} | {cell(runs, 'primary_cpu')} |")
    f, kd, kn, rn = (R[k] for k in ("fetch", "kdig", "knotd", "run"))

    def ratio(a, b):
        return a / b if b else float("nan")

    out += ["", "| ratio (medians) | CPU | peak RSS | RSS holding the zone |", "|---|---|---|---|",
            f"| xfrsync fetch / kdig | {ratio(med(f, 'cpu'), med(kd, 'cpu')):.2f} | "
            f"{ratio(med(f, 'peak'), med(kd, 'peak')):.2f} | – |",
            f"| xfrsync run / knotd | {ratio(med(rn, 'cpu'), med(kn, 'cpu')):.2f} | "
            f"{ratio(med(rn, 'peak'), med(kn, 'peak')):.2f} | "
            f"{ratio(med(rn, 'steady'), med(kn, 'steady')):.2f} |",
            f"| xfrsync fetch / knotd | {ratio(med(f, 'cpu'), med(kn, 'cpu')):.2f} | "
            f"{ratio(med(f, 'peak'), med(kn, 'peak')):.2f} | – |"]
    cpu_ok = med(rn, "cpu") <= med(kn, "cpu")
    rss_ok = med(rn, "steady") <= med(kn, "steady") / 3
    out += ["", f"Targets: xfrsync CPU ≤ knotd's — daemon {med(rn, 'cpu'):.2f} s vs "
            f"{med(kn, 'cpu'):.2f} s: **{'met' if cpu_ok else 'NOT met'}** "
            f"(fetch: {med(f, 'cpu'):.2f} s); RSS holding the zone ≤ 1/3 of knotd's — "
            f"{med(rn, 'steady') / MB:.1f} MB vs {med(kn, 'steady') / MB:.1f} MB / 3 = "
            f"{med(kn, 'steady') / 3 / MB:.1f} MB: **{'met' if rss_ok else 'NOT met'}**."]
    ref = REFERENCE.get(n)
    if ref:
        kc, km = ref["knotd"]
        dc, dm = ref["kdig"]
        out += ["", "Against reference/peers.md (knotd "
                f"{km} MB / {kc} CPU-s; kdig {dc} CPU-s"
                f"{f', {dm} MB' if dm else ''}): xfrsync run CPU "
                f"{med(rn, 'cpu') / kc:.2f}× knotd's, peak RSS {med(rn, 'peak') / MB / km:.2f}×, "
                f"RSS holding the zone {med(rn, 'steady') / MB / km:.2f}×; xfrsync fetch CPU "
                f"{med(f, 'cpu') / dc:.2f}× kdig's" + (
                    f", peak RSS {med(f, 'peak') / MB / dm:.2f}×" if dm else "") + "."]
    nb = [r["notify_busy"] for r in R["notify"]]
    ni = [r["notify_idle"] for r in R["notify"]]
    if nb:
        out += ["", "NOTIFY for another zone, every 20 ms, signed (UDP), latency in ms "
                "(per run; the sender and receiver are a Python process on the same 2 cores):",
                "", "| run | during the transfer: sent / answered | p50 | p99 | max | "
                "idle afterwards: p50 | p99 | max | daemon CPU (s) to loaded |",
                "|---|---|---|---|---|---|---|---|---|"]
        for i, (b, d, r) in enumerate(zip(nb, ni, R["notify"]), 1):
            out.append(f"| {i} | {b['sent']} / {b['answered']} | {ms(b['p50'])} | "
                       f"{ms(b['p99'])} | {ms(b['max'])} | {ms(d['p50'])} | {ms(d['p99'])} | "
                       f"{ms(d['max'])} | {r['cpu']:.2f} |")
        allb = sorted(v for r in R["notify"] for v in r["notify_busy"]["lat"])
        alli = sorted(v for r in R["notify"] for v in r["notify_idle"]["lat"])
        out.append(f"| all | {sum(b['sent'] for b in nb)} / {len(allb)} | "
                   f"{ms(pct(allb, 50))} | {ms(pct(allb, 99))} | {ms(allb[-1] if allb else None)} | "
                   f"{ms(pct(alli, 50))} | {ms(pct(alli, 99))} | "
                   f"{ms(alli[-1] if alli else None)} | – |")
    return "\n".join(out) + "\n"


# ------------------------------------------------------------------ main

def versions(xfrsync: Path) -> dict[str, str]:
    first = first_line
    return {"xfrsync": xfrsync_version(xfrsync),
            "named": first([dnslab.tool("named", "bind9"), "-v"]),
            "knotd": first([dnslab.tool("knotd", "knot"), "-V"]),
            "kdig": first([dnslab.tool("kdig", "knot-dnsutils"), "-V"])}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rrs", type=int, default=1_000_000, help="RRs in the zone")
    ap.add_argument("--runs", type=int, default=3, help="runs of each receiver")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--xfrsync", type=Path, default=ROOT / "xfrsync")
    ap.add_argument("--only", default="fetch,kdig,knotd,run,notify",
                    help="comma-separated subset of fetch,kdig,knotd,run,notify")
    ap.add_argument("--json", type=Path, help="write every run here")
    ap.add_argument("--keep", action="store_true", help="keep the tmp dir")
    ap.add_argument("--timeout", type=float, default=600)
    a = ap.parse_args()
    # SIGTERM unwinds like ^C, so the finally blocks stop what was started
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    only = a.only.split(",")
    if not os.access(a.xfrsync, os.X_OK):
        print(f"{a.xfrsync} is not built (run make)", file=sys.stderr)
        return 1
    kdig = dnslab.tool("kdig", "knot-dnsutils")
    tmp = Path(tempfile.mkdtemp(prefix="xfr_bench."))
    primary = None
    try:
        helper = build_rusage(tmp)
        t = time.monotonic()
        zonefile = tmp / "bench.zone"
        counts = generate_zone(zonefile, a.rrs, a.seed)
        print(f"zone: {sum(counts.values())} RRs "
              f"({', '.join(f'{k} {v}' for k, v in sorted(counts.items(), key=lambda x: -x[1]))}), "
              f"{zonefile.stat().st_size / MB:.1f} MB of text, "
              f"generated in {time.monotonic() - t:.1f} s", file=sys.stderr)
        (tmp / "named").mkdir()
        t = time.monotonic()
        primary = Primary(tmp / "named", zonefile)
        primary.wait_loaded(a.timeout)
        print(f"named {primary.proc.pid} on port {primary.port}: loaded in "
              f"{time.monotonic() - t:.1f} s", file=sys.stderr)
        key = dnslab.key_arg(KEY)
        plain_cmd = [str(a.xfrsync), "fetch", "-y", key, "-p", str(primary.port),
                     f"@{LOCALHOST}", ZONE]
        # The default limit (CONFIG_DEFAULT_MAX_RRS, 1000000) counts every RR
        # of the stream, the closing SOA too: raise it as the daemon's
        # configuration does, and say whether the plain command works.
        fetch_cmd = plain_cmd[:2] + ["--max-rrs", str(10 * a.rrs + 100)] + plain_cmd[2:]
        kdig_cmd = [kdig, "-y", key, "-p", str(primary.port), f"@{LOCALHOST}", "AXFR", ZONE]

        # Warm-up, and a check that both clients receive the whole zone.
        out = subprocess.run(kdig_cmd, capture_output=True, text=True, timeout=a.timeout)
        stats = [l for l in out.stdout.splitlines() if l.startswith(";; Received")]
        rrs = sum(1 for l in out.stdout.splitlines()
                  if l and not l.startswith(";") and "\tTSIG\t" not in l)
        if out.returncode != 0 or rrs != a.rrs + 1 or not stats:  # SOA twice
            raise RuntimeError(f"kdig: exit {out.returncode}, {rrs} RRs: {out.stderr}")
        # ";; Received 39014542 B (1091 messages, 1000001 records)"
        wire_bytes = int(stats[-1].split()[2])
        wire_messages = int(stats[-1].split("(")[1].split()[0])
        out = subprocess.run(plain_cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                             text=True, timeout=a.timeout)
        plain = (f"exit {out.returncode}: "
                 f"{out.stderr.strip().splitlines()[-1] if out.stderr.strip() else ''}")
        print(f"without --max-rrs: {' '.join(plain_cmd[:2])} ... -> {plain}", file=sys.stderr)
        out = subprocess.run(fetch_cmd, capture_output=True, text=True, timeout=a.timeout)
        rrs = sum(1 for l in out.stdout.splitlines() if l and not l.startswith(";"))
        if out.returncode != 0 or rrs not in (a.rrs, a.rrs + 1):
            raise RuntimeError(f"xfrsync fetch: exit {out.returncode}, {rrs} RRs: "
                               f"{out.stderr[-2000:]}")
        print(f"warm-up: kdig and xfrsync fetch both got the zone ({wire_bytes} B, "
              f"{wire_messages} messages); xfrsync fetch said: "
              f"{out.stderr.strip()}", file=sys.stderr)

        runs: dict[str, list[dict]] = {k: [] for k in ("fetch", "kdig", "knotd", "run", "notify")}
        for i in range(a.runs):
            for k in only:
                c0 = primary.cpu()
                if k == "fetch":
                    r = run_client(helper, fetch_cmd, a.timeout)
                elif k == "kdig":
                    r = run_client(helper, kdig_cmd, a.timeout)
                elif k == "knotd":
                    r = run_knotd(tmp / "knot", primary, a.timeout)
                elif k == "run":
                    r = run_daemon(tmp / "run", a.xfrsync, primary, a.timeout, False)
                elif k == "notify":
                    r = run_daemon(tmp / "run", a.xfrsync, primary, a.timeout, True)
                else:
                    raise SystemExit(f"unknown receiver {k}")
                r.setdefault("primary_cpu", primary.cpu() - c0)
                runs[k].append(r)
                extra = ""
                if "notify_busy" in r:
                    b = r["notify_busy"]
                    extra = (f" notify: {b['answered']}/{b['sent']} answered, "
                             f"p99 {ms(b['p99'])} ms, max {ms(b['max'])} ms")
                print(f"run {i + 1} {k}: wall {r['wall']:.2f} s, cpu {r['cpu']:.2f} s, "
                      f"peak {r['peak'] / MB:.1f} MB"
                      + (f", holding {r['steady'] / MB:.1f} MB" if "steady" in r else "")
                      + extra, file=sys.stderr)
                time.sleep(0.5)
        res = {"rrs": a.rrs, "counts": counts, "wire_bytes": wire_bytes,
               "fetch_default_limit": plain, "fetch_cmd": fetch_cmd,
               "wire_messages": wire_messages, "runs": runs,
               "machine": {"nproc": os.cpu_count(), "uname": os.uname().release},
               "versions": versions(a.xfrsync)}
        if a.json:
            a.json.write_text(json.dumps(res, indent=1, default=str) + "\n")
        if all(runs[k] for k in ("fetch", "kdig", "knotd", "run")):
            print(report(res))
        else:
            print(json.dumps(runs, indent=1, default=str))
        return 0
    finally:
        if primary is not None:
            stop(primary.proc)
        if a.keep:
            print(f"kept {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
