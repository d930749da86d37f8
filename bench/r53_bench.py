#!/usr/bin/python3
"""r53_bench.py -- Route53 API calls and wall time of xfrsync against moto.

One BIND 9 primary (TSIG, notifying the daemon) and one moto_server as
Route53, behind the recording proxy of the system tests
(tests/system/r53proxy.py), which sees every request the agent sends: its
kind (list / change / getchange), when its request line arrived, and --
timed here around the proxy's upstream call -- how long moto took to
answer it.  The zone is shaped like the one behind reference/peers.md:
5 000 A RRsets + 200 two-string TXT RRsets + the apex (SOA, 3 NS) =
5 201 pushable RRsets, 5 204 records.

Each run (--runs K, figures are medians over the runs):

  sync   `xfrsync sync` (the one-shot command) into a new, empty hosted zone
         (process start to exit);
  a      `xfrsync run -d` started with the zone pointing at another new,
         empty hosted zone: daemon start -> `ctl status` shows Route53 at
         the primary's serial and the push idle (polled every 10 ms);
  b      a 1-record change (nsupdate -> BIND's NOTIFY -> IXFR -> push):
         nsupdate start -> synced in `ctl status`;
  c      a 1 200-record change (1 200 A RRsets get a new address, one
         update): the same;
  d      --notifies times: a second zone of the same daemon (lat.test, not
         in BIND's also-notify for the daemon) is changed with nsupdate,
         then this script sends the NOTIFY itself (TSIG-signed, UDP): t0
         just before sendto(), t1 = the proxy's arrival time of the first
         ChangeResourceRecordSets for that zone.  Also the time to the first
         request of any kind (the daemon's SOA-serial check, a listing with
         maxitems=1, when it makes one) and where the time goes
         (daemon log: NOTIFY received, IXFR applied; proxy: the check's
         round trip).  Each NOTIFY is sent >= 1 s after the previous push
         ended, so the daemon's request budget (5/s, bursts of 5) is full.

Requests are counted from the proxy, per hosted zone (GetChange carries no
zone: counted for the step), and compared with xfrsync's own counters
(`sync`'s "calls:" line, the zone's r53-* fields in `ctl status`).  "in
moto" sums moto's service time of the step's requests (timed in the proxy
around its upstream call); the rest of the wall time is the primary, the
transfer, xfrsync's own work and request budget waits, and the polling.
A second table says where the time goes (daemon log: NOTIFY received,
transfer applied; proxy: first request, last answer; the idle time between
requests is xfrsync's).  The SOA-serial check is reported apart.

BIND runs with `notify-rate 1000` (--notify-rate; 0 keeps BIND's default of
20/s, whose rate limiter sends the first NOTIFY of a quiet server only at
its next 500 ms tick: +0.5 s on (b) and (c) that is BIND's).  Run 1 checks
that Route53 (a boto3 listing, straight to moto) equals the primary's AXFR
after `sync`, after (a) and after (c).  lat.test (4 RRs) is synced by the
same daemon at its start: its 2 requests share the request budget with (a).

Run with Debian's Python (python3-dnspython):
    /usr/bin/python3 bench/r53_bench.py [--runs K] [--notifies N] [--json F]
moto_server runs under the first python3 that imports moto and boto3
($MOTO_PYTHON, python3 on PATH, ~/.pyenv/shims/python3; see motolab.py).
Everything lives in one tmp dir (removed unless --keep); every process is
started here and stopped by its PID.  The Markdown table goes to stdout,
progress to stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "system"))

import dns.message  # noqa: E402
import dns.query  # noqa: E402
import dns.rcode  # noqa: E402
import dns.rdatatype  # noqa: E402
import dns.zone  # noqa: E402

import dnslab  # noqa: E402  (tests/system: BIND, ports, keys)
from agent import ZoneConf, make_notify  # noqa: E402
from motolab import FAKE_ENV, Moto, fake_aws_env, moto_python  # noqa: E402
from pushlab import PushAgent  # noqa: E402
from r53proxy import R53Proxy  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from benchlib import first_line, xfrsync_version  # noqa: E402

LOCALHOST = dnslab.LOCALHOST
KEY = dnslab.XFR_KEY
ZONE = "bench.test"
LAT = "lat.test"
N_A, N_TXT = 5000, 200
BIG = 1200
STEPS = ("sync", "a", "b", "c", "e")

# reference/peers.md (cli53 0.8, octoDNS 1.22 + route53 provider, against
# moto 5.2 on a machine like this one, a 5 204-record zone).
PEERS = {
    "a": ("55 calls (100 changes per batch)", "—"),
    "b": ("20 calls (18 listing pages), 1.06 s", "22 calls, 2.65 s"),
    "c": ("24 Change calls (12 delete-only, then 12 create-only)",
          "fails (InvalidChangeBatch: UPSERTs counted once)"),
    "e": ("nothing (nsnotifyd does not sync at start)", "a full listing every run"),
}
TARGETS = {"a": "≤ 8 requests", "b": "1 Change (+ GetChange)", "c": "2–3 requests",
           "d": "≤ 10 ms", "e": "1 small listing"}


def say(msg: str):
    print(msg, file=sys.stderr, flush=True)


# ------------------------------------------------------------------ zones

def zone_text(serial: int) -> str:
    lines = [f"$ORIGIN {ZONE}.", "$TTL 300",
             f"@ IN SOA ns1.dns-host.example. hostmaster.{ZONE}. {serial} 3600 600 86400 300",
             "@ IN NS ns1.dns-host.example.", "@ IN NS ns2.dns-host.example.",
             "@ IN NS ns3.dns-host.example."]
    for i in range(N_A):
        lines.append(f"h{i:04d} IN A 10.{i >> 8 & 255}.{i & 255}.1")
    for i in range(N_TXT):
        lines.append(f'txt{i:03d} IN TXT "site-verification={i:04d}-{"k" * 40}" '
                     f'"v=spf1 include:_spf.mail-{i:03d}.example.net ~all"')
    return "\n".join(lines) + "\n"


def lat_text() -> str:
    return "\n".join([f"$ORIGIN {LAT}.", "$TTL 300",
                      f"@ IN SOA ns1.dns-host.example. hostmaster.{LAT}. 1 3600 600 86400 300",
                      "@ IN NS ns1.dns-host.example.",
                      "probe IN A 192.0.2.1", "www IN A 192.0.2.80", ""])


def primary_view(port: int, zone: str) -> dict:
    """The primary's zone by AXFR, in Route53's value form, without the
    apex SOA and NS (which the agent leaves to Route53 or rewrites)."""
    z = dns.zone.from_xfr(dns.query.xfr(LOCALHOST, zone, port=port, keyring=KEY,
                                        keyname=KEY.name, relativize=False),
                          relativize=False)
    out: dict = {}
    for name, ttl, rd in z.iterate_rdatas():
        t = dns.rdatatype.to_text(rd.rdtype)
        n = name.to_text().lower()
        if t == "SOA" or (t == "NS" and n == zone + "."):
            continue
        out.setdefault((n, t), (ttl, set()))[1].add(rd.to_text())
    return {k: (ttl, frozenset(v)) for k, (ttl, v) in out.items()}


def route53_view(sets: list[dict], zone: str) -> dict:
    out = {}
    for s in sets:
        n, t = s["Name"].lower(), s["Type"]
        n = n if n.endswith(".") else n + "."
        if t == "SOA" or (t == "NS" and n == zone + "."):
            continue
        out[(n, t)] = (s.get("TTL"), frozenset(r["Value"] for r in s["ResourceRecords"]))
    return out


def check_equal(moto: Moto, zone_id: str, port: int, zone: str, what: str) -> int:
    """Route53's listing (boto3, straight to moto) equals the primary's zone;
    returns the number of RRsets compared."""
    sets = moto.list(zone_id)
    r53 = route53_view(sets, zone)
    ref = primary_view(port, zone)
    serial = dns.query.udp(dns.message.make_query(zone, "SOA"), LOCALHOST,
                           port=port, timeout=5).answer[0][0].serial
    soa = [s["ResourceRecords"][0]["Value"].split() for s in sets if s["Type"] == "SOA"]
    if len(soa) != 1 or len(soa[0]) != 7 or int(soa[0][2]) != serial:
        raise RuntimeError(f"{what}: Route53's SOA {soa} does not carry serial {serial}")
    if r53 != ref:
        only_r = sorted(set(r53.items()) - set(ref.items()))[:5]
        only_p = sorted(set(ref.items()) - set(r53.items()))[:5]
        raise RuntimeError(f"{what}: Route53 differs from the primary ({len(r53)} vs "
                           f"{len(ref)} RRsets); only in Route53: {only_r}; "
                           f"only in the primary: {only_p}")
    return len(ref)


# ------------------------------------------------------------------ proxy

class TimedProxy(R53Proxy):
    """The system tests' recording proxy, also noting on each forwarded
    request (attribute moto_s) how long moto took to answer it."""

    def _forward(self, method, target, headers, body):
        t = time.monotonic()
        try:
            return super()._forward(method, target, headers, body)
        finally:
            dt = time.monotonic() - t
            path = urllib.parse.urlsplit(target).path
            with self.lock:  # the Req this thread is serving: same body object
                for r in reversed(self.requests):
                    if (r.t_end is None and r.body is body and r.path == path
                            and not hasattr(r, "moto_s")):
                        r.moto_s = dt
                        break


def moto_s(r) -> float:
    v = getattr(r, "moto_s", None)
    return v if v is not None else (r.t_end or r.t_start) - r.t_start


def sub_kind(r) -> str:
    """list -> "soa-check" (maxitems=1: the SOA-serial check) or "list"."""
    if r.kind == "list" and r.query.get("maxitems") == "1":
        return "soa-check"
    return r.kind


def for_zone(reqs: list, zone_id: str) -> list:
    """The requests of one hosted zone, and every GetChange."""
    return [r for r in reqs if f"/hostedzone/{zone_id}/" in r.path + "/"
            or r.kind == "getchange"]


def gaps(reqs: list) -> float:
    """Time with no request of these at the proxy, from the first request's
    arrival to the last one's answer: the client's own work between
    requests (and its request budget's waits)."""
    t = sorted((r.t_start, r.t_end or r.t_start) for r in reqs)
    idle, busy_to = 0.0, None
    for a, b in t:
        if busy_to is not None and a > busy_to:
            idle += a - busy_to
        busy_to = b if busy_to is None else max(busy_to, b)
    return idle


def summarise(reqs: list, t0: float, t1: float) -> dict:
    kinds = {k: 0 for k in ("list", "soa-check", "change", "getchange", "other")}
    for r in reqs:
        kinds[sub_kind(r)] += 1
    bad = [(r.kind, r.status) for r in reqs if r.status is None or r.status >= 300]
    if bad:
        raise RuntimeError(f"requests that failed: {bad}")
    check = [r for r in reqs if sub_kind(r) == "soa-check"]
    return {"wall": t1 - t0, "calls": len(reqs), "kinds": kinds,
            "moto": sum(moto_s(r) for r in reqs),
            "proxy": sum((r.t_end or r.t_start) - r.t_start for r in reqs),
            "check": sum((r.t_end or r.t_start) - r.t_start for r in check),
            "check_moto": sum(moto_s(r) for r in check),
            "first_req": (min(r.t_start for r in reqs) - t0) if reqs else None,
            "last_end": (max(r.t_end or r.t_start for r in reqs) - t0) if reqs else None,
            "gaps": gaps(reqs),
            "untimed": sum(1 for r in reqs if r.forwarded and not hasattr(r, "moto_s")),
            "changes": [r.body.count(b"<Change>") for r in reqs if r.kind == "change"],
            "reqs": [{"kind": sub_kind(r), "t": r.t_start - t0,
                      "dur": (r.t_end or r.t_start) - r.t_start, "moto": moto_s(r),
                      "status": r.status, "bytes": len(r.body),
                      "changes_n": (r.body.count(b"<Change>") if r.kind == "change"
                                    else None),
                      "soa": r.kind == "change" and b"<Type>SOA</Type>" in r.body,
                      "query": r.query} for r in reqs]}


# ------------------------------------------------------------------ steps

def own_calls(res: dict, p0: dict | None, p1: dict):
    """The daemon's own count of the zone's calls in `ctl status` (r53-calls,
    and per kind once it shows them) against the proxy's."""
    k = res["kinds"]
    seen = {"calls": res["calls"], "list": k["list"] + k["soa-check"],
            "change": k["change"], "getchange": k["getchange"]}
    own = {f: p1[f] - (p0[f] if p0 else 0) for f in seen
           if p1.get(f) is not None and (p0 is None or p0.get(f) is not None)}
    res["own"] = own
    bad = {f: (own[f], seen[f]) for f in own if own[f] != seen[f]}
    if bad:
        res["mismatch"] = ("ctl status counts differ from the proxy's (own, proxy): " +
                           ", ".join(f"{f} {a} vs {b}" for f, (a, b) in bad.items()))


def wait_synced(agent: PushAgent, zone: str, serial: int, timeout: float
                ) -> tuple[float, dict]:
    """Poll `ctl status` every 10 ms until Route53 is at serial and the push
    idle; the monotonic time it was seen, and the zone's push fields."""
    deadline = time.monotonic() + timeout
    while True:
        p = agent.push(zone)
        if p["serial"] == serial and p["state"] == "idle":
            return time.monotonic(), p
        if not agent.running():
            raise RuntimeError(f"xfrsync exited:\n{agent.log_tail()}")
        if time.monotonic() > deadline:
            raise TimeoutError(f"{zone}: Route53 not at {serial} within {timeout} s: {p}\n"
                               f"{agent.log_tail()}")
        time.sleep(0.01)


def log_time(line: str, wall_to_mono: float) -> float:
    """A daemon log line's timestamp (UTC, ms) on the monotonic clock."""
    m = re.match(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3})Z", line)
    t = datetime.strptime(m[1], "%Y-%m-%dT%H:%M:%S.%f").replace(tzinfo=timezone.utc)
    return t.timestamp() - wall_to_mono


def wall_offset() -> float:
    """time.time() - time.monotonic(), taken as a tight pair."""
    best = None
    for _ in range(5):
        a = time.monotonic()
        w = time.time()
        b = time.monotonic()
        if best is None or b - a < best[0]:
            best = (b - a, w - (a + b) / 2)
    return best[1]


class Bench:
    def __init__(self, a, tmp: Path, xfrsync: Path, py: str):
        self.a, self.tmp, self.xfrsync, self.py = a, tmp, xfrsync, py
        self.moto = Moto(tmp / "moto", py)
        self.bind = dnslab.Bind(tmp / "bind", {ZONE: zone_text(2024120101),
                                                LAT: lat_text()})
        self.agent_port = dnslab.free_port()
        # BIND notifies the daemon of bench.test only; lat.test's NOTIFYs
        # go to BIND's own listener, and this script sends the daemon's
        self.bind.extra_notify = {ZONE: [self.agent_port]}
        self.bind.extra_options = "    max-ixfr-ratio unlimited;"
        if a.notify_rate:
            self.bind.extra_options += f"\n    notify-rate {a.notify_rate};"
        self.proxy: TimedProxy | None = None
        self.agent: PushAgent | None = None
        self.lat_id = ""
        self.addr_gen = 0
        self.w2m = wall_offset()

    def start(self):
        self.moto.start()
        self.bind.start()
        self.proxy = TimedProxy(self.moto.port)
        self.lat_id = self.moto.create_zone(LAT)
        say(f"moto_server {self.moto.proc.pid} on {self.moto.url}, proxy {self.proxy.url}, "
            f"named {self.bind.proc.pid} on port {self.bind.port}")

    def stop(self):
        if self.agent is not None:
            self.agent.stop()
            self.agent.cleanup()
        if self.proxy is not None:
            self.proxy.close()
        self.bind.stop()
        self.moto.stop()

    def since(self, mark: int) -> list:
        """The proxy's requests after mark, once each is answered (the
        client may have its answer before the proxy notes the status)."""
        deadline = time.monotonic() + 5
        while True:
            reqs = self.proxy.since(mark)
            if all(r.t_end is not None for r in reqs) or time.monotonic() > deadline:
                return reqs
            time.sleep(0.01)

    def aws_block(self) -> str:
        return (f'aws {{\n\tcredentials-source env\n'
                f'\tendpoint "{self.proxy.url}"\n}}\n')

    def zone_conf(self, zone: str, zone_id: str) -> ZoneConf:
        return ZoneConf(zone, [(LOCALHOST, self.bind.port, dnslab.key_name(KEY))],
                        notify_key=dnslab.key_name(KEY),
                        extra=[f'hosted-zone-id "/hostedzone/{zone_id}"'])

    # -- the one-shot command

    def one_shot(self, run: int) -> dict:
        zid = self.moto.create_zone(ZONE)
        d = self.tmp / f"sync{run}"
        ag = PushAgent(self.xfrsync, d)  # only for its config writer
        ag.write_config([self.zone_conf(ZONE, zid)], extra=self.aws_block())
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(FAKE_ENV)
        mark = self.proxy.mark()
        t0 = time.monotonic()
        r = subprocess.run([str(self.xfrsync), "sync", "-c", str(ag.conf), "-t", "120", ZONE],
                           capture_output=True, text=True, timeout=300, env=env)
        t1 = time.monotonic()
        (d / "sync.out").write_text(r.stdout + r.stderr)
        if r.returncode != 0:
            raise RuntimeError(f"xfrsync sync exited {r.returncode}:\n{r.stderr[-3000:]}")
        res = summarise(for_zone(self.since(mark), zid), t0, t1)
        res["plan"] = next((l for l in r.stdout.splitlines() if l.startswith("plan:")), "")
        # its own count: "calls: ListResourceRecordSets N, ChangeResourceRecordSets N,
        # GetChange N; retries N, throttles N"
        m = re.search(r"^calls: ListResourceRecordSets (\d+), ChangeResourceRecordSets (\d+), "
                      r"GetChange (\d+)", r.stdout, re.M)
        k = res["kinds"]
        seen = (k["list"] + k["soa-check"], k["change"], k["getchange"])
        res["own"] = tuple(map(int, m.groups())) if m else None
        if res["own"] != seen:
            res["mismatch"] = (f"xfrsync sync says {m[0] if m else '(no calls: line)'}; "
                               f"the proxy saw list {seen[0]}, change {seen[1]}, "
                               f"getchange {seen[2]}")
        if run == 1:
            res["rrsets"] = check_equal(self.moto, zid, self.bind.port, ZONE, "xfrsync sync")
        return res

    # -- the daemon

    def start_daemon(self, run: int, zid: str) -> float:
        self.agent = PushAgent(self.xfrsync, self.tmp / f"agent{run}", port=self.agent_port)
        self.agent.verbose = False  # no debug line per changed RRset
        self.agent.write_config([self.zone_conf(ZONE, zid), self.zone_conf(LAT, self.lat_id)],
                                extra=self.aws_block())
        with fake_aws_env():  # credentials-source env
            t0 = time.monotonic()
            self.agent.start()
        return t0

    def initial(self, run: int) -> dict:
        zid = self.moto.create_zone(ZONE)
        serial = self.bind.serial(ZONE)
        mark = self.proxy.mark()
        t0 = self.start_daemon(run, zid)
        t1, p = wait_synced(self.agent, ZONE, serial, self.a.timeout)
        res = summarise(for_zone(self.since(mark), zid), t0, t1)
        own_calls(res, None, p)
        res["zone_id"] = zid
        res.update(self.timeline(0, t0, serial))
        if run == 1:
            res["rrsets"] = check_equal(self.moto, zid, self.bind.port, ZONE, "initial sync")
        wait_synced(self.agent, LAT, self.bind.serial(LAT), self.a.timeout)
        return res

    def change(self, zid: str, commands: list[str]) -> dict:
        time.sleep(1.2)  # the request budget (5/s, bursts of 5) refills
        p0 = self.agent.push(ZONE)
        mark = self.proxy.mark()
        lmark = self.agent.mark()
        t0 = time.monotonic()
        self.bind.update(ZONE, *commands)
        serial = self.bind.serial(ZONE)
        t1, p1 = wait_synced(self.agent, ZONE, serial, self.a.timeout)
        res = summarise(for_zone(self.since(mark), zid), t0, t1)
        own_calls(res, p0, p1)
        res.update(self.timeline(lmark, t0, serial))
        return res

    def timeline(self, lmark: int, t0: float, serial: int) -> dict:
        """From the daemon's log after lmark: when it got bench.test's NOTIFY
        and when the transfer to serial was applied (s after t0), and the
        lines about the push."""
        z = re.escape(ZONE)
        out = {}
        for what, rx in (("notify", rf"NOTIFY for {z}\.? "),
                         ("xfr", rf"zone {z}\.?: [AI]XFR serial \d+ -> {serial} ")):
            lines = self.agent.grep(rx, lmark)
            out[what] = log_time(lines[0], self.w2m) - t0 if lines else None
        out["log"] = self.agent.grep(rf"zone {z}\.?: ([AI]XFR|incremental push|reconcile|"
                                     r"Route53 in sync|SOA)", lmark)
        return out

    def new_addrs(self, names: list[int]) -> list[str]:
        self.addr_gen += 1
        g = self.addr_gen
        cmds = []
        for i in names:
            cmds.append(f"update delete h{i:04d}.{ZONE}. A")
            cmds.append(f"update add h{i:04d}.{ZONE}. 300 A 172.{16 + g % 16}.{i >> 8 & 255}.{i & 255}")
        return cmds

    def notify_latency(self, n: int) -> list[dict]:
        out = []
        for i in range(n):
            self.addr_gen += 1
            self.bind.update(LAT, f"update delete probe.{LAT}. A",
                             f"update add probe.{LAT}. 300 A 198.51.100.{self.addr_gen % 250 + 1}")
            serial = self.bind.serial(LAT)
            time.sleep(1.0)  # budget full again; the primary's NOTIFYs went elsewhere
            if self.agent.push(LAT)["serial"] == serial:
                raise RuntimeError("the daemon got lat.test's change without our NOTIFY")
            mark = self.proxy.mark()
            lmark = self.agent.mark()
            q = make_notify(LAT, serial, KEY)
            wire = q.to_wire()
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                s.settimeout(5)
                s.bind((LOCALHOST, 0))
                t0 = time.monotonic()
                s.sendto(wire, (LOCALHOST, self.agent_port))
                answer = s.recv(65535)
                t_ans = time.monotonic()
            rep = dns.message.from_wire(answer, keyring=KEY, request_mac=q.mac)
            if rep.rcode() != 0:
                raise RuntimeError(f"NOTIFY answered {dns.rcode.to_text(rep.rcode())}")
            t_sync, _ = wait_synced(self.agent, LAT, serial, 30)
            reqs = for_zone(self.since(mark), self.lat_id)
            ch = [r for r in reqs if r.kind == "change"]
            if not ch:
                raise RuntimeError(f"no Change request for {LAT}: {[r.kind for r in reqs]}")
            chk = [r for r in reqs if sub_kind(r) == "soa-check" and r.t_start < ch[0].t_start]
            sm = summarise(reqs, t0, t_sync)
            rec = {"first_change": ch[0].t_start - t0,
                   "first_req": reqs[0].t_start - t0,
                   "answer": t_ans - t0, "synced": t_sync - t0,
                   "calls": sm["calls"], "kinds": sm["kinds"], "reqs": sm["reqs"],
                   "check": (chk[0].t_end - chk[0].t_start) if chk else None,
                   "check_moto": moto_s(chk[0]) if chk else None,
                   "change_moto": moto_s(ch[0])}
            for what, rx in (("received", rf"NOTIFY for {re.escape(LAT)}"),
                             ("applied", rf"zone {re.escape(LAT)}\.?: IXFR serial")):
                lines = self.agent.grep(rx, lmark)
                rec[what] = log_time(lines[0], self.w2m) - t0 if lines else None
            out.append(rec)
        return out

    def run(self, run: int) -> dict:
        res: dict = {}
        say(f"run {run}: xfrsync sync into an empty hosted zone")
        res["sync"] = self.one_shot(run)
        say(f"  {fmt_step(res['sync'])}")
        say(f"run {run}: a) xfrsync run, initial sync")
        res["a"] = self.initial(run)
        zid = res["a"]["zone_id"]
        say(f"  {fmt_step(res['a'])}")
        say(f"run {run}: b) 1-record change")
        res["b"] = self.change(zid, self.new_addrs([run * 7 % N_A]))
        say(f"  {fmt_step(res['b'])}")
        say(f"run {run}: c) {BIG}-record change")
        first = (run * 1300) % (N_A - BIG)
        res["c"] = self.change(zid, self.new_addrs(list(range(first, first + BIG))))
        say(f"  {fmt_step(res['c'])}")
        if run == 1:
            n = check_equal(self.moto, zid, self.bind.port, ZONE, "after the changes")
            say(f"  Route53 equals the primary: {n} RRsets (boto3 listing vs AXFR)")
        say(f"run {run}: d) NOTIFY -> first Change, {self.a.notifies} times")
        res["d"] = self.notify_latency(self.a.notifies)
        fc = sorted(r["first_change"] for r in res["d"])
        say(f"  p50 {ms(pct(fc, 50))} ms, max {ms(fc[-1])} ms")
        self.stop_daemon()
        say(f"run {run}: e) restart with the state file")
        res["e"] = self.restart(run, zid)
        say(f"  {fmt_step(res['e'])}")
        self.stop_daemon()
        return res

    def stop_daemon(self):
        rc = self.agent.stop()
        self.agent.cleanup()
        self.agent = None
        if rc != 0:
            raise RuntimeError(f"xfrsync run exited {rc}")

    def restart(self, run: int, zid: str) -> dict:
        """The same daemon configuration and state directory again: start ->
        synced with at least one call made (the state file's serial must be
        confirmed in Route53 first)."""
        serial = self.bind.serial(ZONE)
        mark = self.proxy.mark()
        log = self.tmp / f"agent{run}" / "xfrsync.log"  # appended to by each start
        lmark = log.stat().st_size if log.exists() else 0
        t0 = self.start_daemon(run, zid)
        deadline = time.monotonic() + self.a.timeout
        while True:
            t1, p = wait_synced(self.agent, ZONE, serial, self.a.timeout)
            if p["calls"] >= 1:
                break
            if time.monotonic() > deadline:
                raise TimeoutError(f"restart: no Route53 call within {self.a.timeout} s")
            time.sleep(0.01)
        time.sleep(0.5)  # nothing more should come
        res = summarise(for_zone(self.since(mark), zid), t0, t1)
        own_calls(res, None, p)
        res.update(self.timeline(lmark, t0, serial))
        return res


# ------------------------------------------------------------------ report

def pct(v: list[float], p: float) -> float | None:
    if not v:
        return None
    v = sorted(v)
    k = (len(v) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (k - lo)


def ms(v: float | None) -> str:
    return "–" if v is None else f"{v * 1000:.1f}"


def fmt_step(s: dict) -> str:
    k = s["kinds"]
    return (f"{s['calls']} requests (list {k['list']}, soa-check {k['soa-check']}, "
            f"change {k['change']} {s['changes']}, getchange {k['getchange']}), "
            f"wall {s['wall']:.2f} s, in moto {s['moto']:.2f} s")


def med(vals: list[float]) -> float:
    return statistics.median(vals)


def rng(vals: list[float], f: str = "{:.2f}") -> str:
    s = f.format(med(vals))
    if len(vals) > 1 and max(vals) != min(vals):
        s += f" ({f.format(min(vals))}–{f.format(max(vals))})"
    return s


def kinds_cell(steps: list[dict]) -> str:
    parts = []
    for k, label in (("list", "List"), ("soa-check", "SOA check"), ("change", "Change"),
                     ("getchange", "GetChange"), ("other", "other")):
        v = [s["kinds"][k] for s in steps]
        if any(v):
            parts.append(f"{label} {rng(v, '{:.0f}')}")
    return ", ".join(parts)


def met(k: str, steps: list[dict]) -> str:
    """The target judged on the medians: (a) and sync on all requests,
    (b) and (c) on Change requests (the SOA check and GetChange apart)."""
    calls = med([s["calls"] for s in steps])
    change = med([s["kinds"]["change"] for s in steps])
    full = med([s["kinds"]["list"] for s in steps])
    if k in ("sync", "a"):
        ok = calls <= 8
    elif k == "b":
        ok = change == 1 and full == 0
    elif k == "e":
        ok = calls == 1 and full == 0
    else:
        ok = 2 <= change <= 3 and full == 0
    return "**met**" if ok else "**not met**"


def report(res: dict) -> str:
    runs = res["runs"]
    d = [x for r in runs for x in r["d"]]
    labels = {"sync": "`xfrsync sync` (one-shot), initial sync into an empty hosted zone",
              "a": "(a) `xfrsync run`, initial sync into an empty hosted zone: start → synced",
              "b": "(b) 1-record change: nsupdate → NOTIFY → IXFR → push → synced",
              "c": f"(c) {BIG:,}-record change (one nsupdate): → synced",
              "e": "(e) the daemon restarted (state file, Route53 and primary agree): "
                   "start → synced"}
    out = [f"{len(runs)} run(s); medians, (min–max) when they differ. Zone {ZONE}: "
           f"{res['rrsets']:,} pushable RRsets ({N_A:,} A, {N_TXT} two-string TXT, the apex "
           f"SOA), {res['records']:,} records. Requests counted at the proxy for the zone's "
           "hosted zone (GetChange: all).", "",
           "| step | requests | by kind | wall (s) | in moto (s) | target | | "
           "cli53 (peers.md) | octoDNS (peers.md) |",
           "|---|---:|---|---:|---:|---|---|---|---|"]
    def row(k: str):
        steps = [r[k] for r in runs]
        peer = PEERS["a" if k == "sync" else k]
        out.append(f"| {labels[k]} | {rng([s['calls'] for s in steps], '{:.0f}')} | "
                   f"{kinds_cell(steps)} | {rng([s['wall'] for s in steps], '{:.3f}')} | "
                   f"{rng([s['moto'] for s in steps], '{:.3f}')} | "
                   f"{TARGETS['a' if k == 'sync' else k]} | {met(k, steps)} | "
                   f"{peer[0]} | {peer[1]} |")
    for k in ("sync", "a", "b", "c"):
        row(k)
    fc = [x["first_change"] for x in d]
    out.append(f"| (d) NOTIFY sent (by this script) → first Change request at the proxy, "
               f"{len(d)} NOTIFYs | {rng([x['calls'] for x in d], '{:.0f}')} per push | "
               f"{kinds_cell(d)} | p50 {ms(pct(fc, 50))} ms, p90 {ms(pct(fc, 90))} ms, "
               f"max {ms(max(fc))} ms | – | {TARGETS['d']} | "
               f"{'**met**' if pct(fc, 50) <= 0.010 else '**not met**'} (p50) | "
               "no NOTIFY path: nsnotifyd runs the pipeline | no NOTIFY: cron |")
    row("e")
    shapes = []
    for k in ("sync", "a", "b", "c"):
        seen: list = []
        for r in runs:
            if r[k]["changes"] not in seen:
                seen.append(r[k]["changes"])
        shapes.append(f"{k} " + " or ".join(str(x) for x in seen))
    out += ["", "Change elements per Change request: " + "; ".join(shapes) + "."]
    soa_not_last = [f"run {i} {k}" for i, r in enumerate(runs, 1) for k in ("sync", "a", "b", "c")
                    if [q["soa"] for q in r[k]["reqs"] if q["kind"] == "change"][-1:] != [True]
                    or sum(q["soa"] for q in r[k]["reqs"]) != 1]
    out += ["", "The SOA UPSERT (Route53's serial) rode in the last Change request of "
            + ("every sync." if not soa_not_last else
               "every sync but: " + ", ".join(soa_not_last) + ".")]
    bad = [f"run {i} {k}: {r[k]['mismatch']}" for i, r in enumerate(runs, 1)
           for k in STEPS if r[k].get("mismatch")]
    out += ["", "xfrsync's own call counters (`sync`'s calls: line, `ctl status`) "
            + ("agree with the proxy's in every step." if not bad else
               "DIFFER from the proxy's: " + "; ".join(bad))]

    # where the time goes
    def cell(steps, key, scale=1000.0):
        v = [s[key] for s in steps if s.get(key) is not None]
        return f"{med(v) * scale:.1f}" if v else "–"
    out += ["", "Where the time goes (ms after the step's start, medians; daemon log "
            "times are truncated to the ms, so up to 1 ms early):", "",
            "| step | NOTIFY at the daemon | transfer applied | first request | "
            "last answer | synced | in moto | proxy's own | between requests (xfrsync) |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for k in labels:
        steps = [r[k] for r in runs]
        for s in steps:
            s["proxy_own"] = s["proxy"] - s["moto"]
        out.append(f"| {'sync' if k == 'sync' else '(' + k + ')'} | {cell(steps, 'notify')} | "
                   f"{cell(steps, 'xfr')} | {cell(steps, 'first_req')} | "
                   f"{cell(steps, 'last_end')} | {cell(steps, 'wall')} | "
                   f"{cell(steps, 'moto')} | {cell(steps, 'proxy_own')} | "
                   f"{cell(steps, 'gaps')} |")

    # the SOA-serial check, separately
    chk = {k: [r[k] for r in runs] for k in ("a", "b", "c", "e")}
    dc = [x for x in d if x["check"] is not None]
    if any(s["kinds"]["soa-check"] for v in chk.values() for s in v) or dc:
        out += ["", "The SOA-serial check (ListResourceRecordSets, maxitems=1), apart "
                "(medians, ms):", "",
                "| step | checks | check at the proxy | of which moto | the step without it |",
                "|---|---:|---:|---:|---:|"]
        for k in chk:
            v = chk[k]
            if not any(s["kinds"]["soa-check"] for s in v):
                out.append(f"| ({k}) | 0 | – | – | – |")
                continue
            out.append(f"| ({k}) | {rng([s['kinds']['soa-check'] for s in v], '{:.0f}')} | "
                       f"{ms(med([s['check'] for s in v]))} | "
                       f"{ms(med([s['check_moto'] for s in v]))} | "
                       f"{ms(med([s['wall'] - s['check'] for s in v]))} (wall) |")
        if dc:
            out.append(f"| (d) | {len(dc)} of {len(d)} pushes | "
                       f"{ms(med([x['check'] for x in dc]))} | "
                       f"{ms(med([x['check_moto'] for x in dc]))} | "
                       f"{ms(med([x['first_change'] - x['check'] for x in dc]))} "
                       "(NOTIFY → first Change) |")
    else:
        out += ["", "No SOA-serial check (ListResourceRecordSets with maxitems=1) was seen: "
                "this xfrsync does not make one yet."]

    # (d) in detail
    def col(key):
        v = [x[key] for x in d if x.get(key) is not None]
        return (f"{ms(pct(v, 50))} / {ms(pct(v, 90))} / {ms(max(v))}" if v else "–")
    out += ["", f"(d) in detail: ms after the NOTIFY was sent, p50 / p90 / max of {len(d)}:",
            "", "| event | ms |", "|---|---|",
            f"| the daemon logs the NOTIFY | {col('received')} |",
            f"| its answer is back at the sender | {col('answer')} |",
            f"| the daemon logs the IXFR applied (SOA query and IXFR to BIND) | "
            f"{col('applied')} |",
            f"| first request of any kind at the proxy | {col('first_req')} |",
            f"| first Change request at the proxy | {col('first_change')} |",
            f"| moto's service time of that Change | {col('change_moto')} |",
            f"| `ctl status` shows the zone synced (polled every 10 ms) | {col('synced')} |"]

    # moto's service time per request
    untimed = sum(r[k]["untimed"] for r in runs for k in STEPS)
    if untimed:
        out += ["", f"WARNING: {untimed} requests were not timed around the proxy's upstream "
                "call (has r53proxy.R53Proxy._forward changed?): their moto time is the "
                "whole request at the proxy."]
    allr = [q for r in runs for k in STEPS for q in r[k]["reqs"]]
    allr += [q for x in d for q in x["reqs"]]
    out += ["", "moto's service time per request, ms (timed in the proxy around its "
            "upstream call; \"at the proxy\" adds the proxy's reading and answering), "
            "every request of every step:", "",
            "| request | n | moto p50 | moto p90 | moto max | at the proxy p50 |",
            "|---|---:|---:|---:|---:|---:|"]
    groups: dict[str, list] = {}
    for q in allr:
        key = q["kind"]
        if key == "change":
            n = q.get("changes_n")
            key = ("Change, 1–9 changes" if n is not None and n < 10 else
                   f"Change, {n} changes")
        elif key == "list":
            key = "List (full listing page)"
        elif key == "soa-check":
            key = "List, maxitems=1 (SOA check)"
        groups.setdefault(key, []).append(q)
    for key in sorted(groups, key=lambda g: (g.split(",")[0], len(g), g)):
        g = groups[key]
        m = [q["moto"] for q in g]
        p = [q["dur"] for q in g]
        out.append(f"| {key} | {len(g)} | {ms(pct(m, 50))} | {ms(pct(m, 90))} | "
                   f"{ms(max(m))} | {ms(pct(p, 50))} |")
    return "\n".join(out) + "\n"


def versions(xfrsync: Path, py: str) -> dict[str, str]:
    first = first_line
    return {"xfrsync": xfrsync_version(xfrsync),
            "uncommitted C sources": " ".join(
                l[3:] for l in subprocess.run(
                    ["git", "-C", str(ROOT), "status", "--porcelain"], capture_output=True,
                    text=True, timeout=30).stdout.splitlines()
                if l[3:].endswith((".c", ".h")) or l[3:] == "Makefile") or "none",
            "named": first([dnslab.tool("named", "bind9"), "-v"]),
            "moto": first([py, "-c", "import moto; print(moto.__version__)"]),
            "python (moto)": first([py, "--version"])}


def cpu_now() -> tuple[float, float]:
    """(busy CPU seconds of the whole machine, CPU seconds of this process
    and its waited-for children)."""
    f = [int(x) for x in Path("/proc/stat").read_text().split("\n")[0].split()[1:9]]
    busy = (f[0] + f[1] + f[2] + f[5] + f[6] + f[7]) / os.sysconf("SC_CLK_TCK")
    ours = sum(getattr(resource.getrusage(w), k) for w in
               (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
               for k in ("ru_utime", "ru_stime"))
    return busy, ours


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=3, help="runs of every step (medians)")
    ap.add_argument("--notifies", type=int, default=20, help="NOTIFYs timed per run (d)")
    ap.add_argument("--xfrsync", type=Path, default=ROOT / "xfrsync")
    ap.add_argument("--json", type=Path, help="write every measurement here")
    ap.add_argument("--keep", action="store_true", help="keep the tmp dir")
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("--notify-rate", type=int, default=1000,
                    help="BIND's notify-rate (0: BIND's default, 20/s, which sends "
                    "the first NOTIFY of a quiet server only after 500 ms)")
    a = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if not os.access(a.xfrsync, os.X_OK):
        say(f"{a.xfrsync} is not built (run make)")
        return 1
    py = moto_python()
    if py is None:
        say("no python3 can import moto and boto3 (see tests/system/motolab.py)")
        return 1
    tmp = Path(tempfile.mkdtemp(prefix="r53_bench."))
    b = Bench(a, tmp, a.xfrsync, py)
    t_all = time.monotonic()
    load0 = loadavg()
    cpu0 = cpu_now()
    runs = []
    try:
        b.start()
        for i in range(1, a.runs + 1):
            runs.append(b.run(i))
    finally:
        b.stop()  # moto, named and the daemons are waited for: their CPU counts
        if a.keep:
            say(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    seconds = time.monotonic() - t_all
    cpu1 = cpu_now()
    busy, ours = cpu1[0] - cpu0[0], cpu1[1] - cpu0[1]
    machine = {"nproc": os.cpu_count(), "uname": os.uname().release,
               "load_start": load0, "load_end": loadavg(),
               "busy_cpu_s": busy, "our_cpu_s": ours, "others_cpu_s": busy - ours}
    res = {"runs": runs, "rrsets": N_A + N_TXT + 1, "records": N_A + N_TXT + 4,
           "versions": versions(a.xfrsync, py), "machine": machine, "seconds": seconds,
           "bind_notify_rate": a.notify_rate or "BIND's default"}
    if a.json:
        a.json.write_text(json.dumps(res, indent=1, default=str) + "\n")
    print(report(res))
    print("; ".join(f"{k}: {v}" for k, v in res["versions"].items())
          + f"; BIND notify-rate {res['bind_notify_rate']}. {os.cpu_count()} CPUs; "
          f"{seconds:.0f} s in all; the machine was busy {busy:.1f} CPU-s, "
          f"{ours:.1f} of them this benchmark's processes, {busy - ours:.1f} others' "
          f"(load average {load0} at the start, {machine['load_end']} at the end).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
