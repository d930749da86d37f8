#!/usr/bin/python3
"""`make demo`: xfrsync end to end on loopback, in about half a minute.

Starts a real BIND 9 primary and moto_server (as Route53) on free loopback
ports, creates the hosted zone, runs `xfrsync run -d` with NOTIFYs from
BIND, shows the initial sync arrive in Route53, changes the primary with
nsupdate, shows that change arrive, with the API calls each step took, and
stops everything it started (by PID).

Run with Debian's Python (dnspython):  /usr/bin/python3 scripts/demo.py [BINARY]
It reuses the system tests' helpers (tests/system/dnslab.py, motolab.py,
agent.py).  moto runs under the first python3 that can import moto and
boto3 ($MOTO_PYTHON, python3 on PATH, ~/.pyenv/shims/python3).
Exits non-zero, with the step and the logs, if anything fails; the work
directory (configs, logs) is kept in that case.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "system"))

try:
    import dnslab  # noqa: E402
    from agent import Agent, ZoneConf  # noqa: E402
    from dnslab import LOCALHOST  # noqa: E402
    from motolab import FAKE_ENV, Moto, moto_python  # noqa: E402
    from pushlab import parse_push  # noqa: E402
except ImportError as e:  # dnspython missing: make deps installs it
    sys.exit(f"demo: cannot import the test helpers ({e}); run `make deps` "
             f"(needs python3-dnspython) and use /usr/bin/python3")

ZONE = "demo.test"
T0 = time.monotonic()
STEP_T = T0

# ~20 RRsets of mixed types; the DNSKEY is there to show it being skipped
ZONE_TEXT = "\n".join([
    f"$ORIGIN {ZONE}.", "$TTL 300",
    "@        IN SOA   ns1 hostmaster 2024010101 3600 600 86400 60",
    "@        IN NS    ns1",
    "ns1      IN A     192.0.2.53",
    "@        IN A     192.0.2.10",
    "@        IN MX    10 mail",
    "@        IN MX    20 mail2",
    '@        IN TXT   "v=spf1 mx -all"',
    '@        IN CAA   0 issue "letsencrypt.org"',
    "@        IN DNSKEY 257 3 13 mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ==",
    "mail     IN A     192.0.2.25",
    "mail2    IN A     192.0.2.26",
    "www      IN A     192.0.2.80",
    "www      IN AAAA  2001:db8::80",
    "api      IN CNAME www",
    "*.apps   IN A     192.0.2.42",
    "_sip._tcp IN SRV  10 5 5060 sip",
    "sip      IN A     192.0.2.60",
    '_dmarc   IN TXT   "v=DMARC1; p=reject"',
    'info     IN TXT   "part one" "part two"',
    "old      IN A     192.0.2.99",
    "db       IN AAAA  2001:db8::5",
    "",
])

# the change made on the primary: one add, one TTL change, one delete
UPDATE = [f"update add new.{ZONE}. 300 A 192.0.2.77",
          f"update delete www.{ZONE}. A",
          f"update add www.{ZONE}. 60 A 192.0.2.80",
          f"update delete old.{ZONE}. A"]



class DemoError(Exception):
    pass


# ------------------------------------------------------------------ output

def header(title: str):
    global STEP_T
    STEP_T = time.monotonic()
    print(f"\n== {title} " + "=" * max(3, 68 - len(title)), flush=True)


def took(what: str = "done"):
    print(f"   ({what} in {time.monotonic() - STEP_T:.2f} s)", flush=True)


def say(text: str = ""):
    print("   " + text if text else "", flush=True)


def rrsets(sets: list[dict]) -> dict[tuple[str, str], tuple[int, tuple[str, ...]]]:
    out = {}
    for s in sets:
        # (moto lists its own SOA as a Python dict's repr)
        vals = tuple(sorted(re.sub(r"^\{'Value': '(.*)'\}$", r"\1", r["Value"])
                            for r in s.get("ResourceRecords", [])))
        if "AliasTarget" in s:
            vals = ("ALIAS " + s["AliasTarget"]["DNSName"],)
        out[(s["Name"].replace("\\052", "*"), s["Type"])] = (s.get("TTL", 0), vals)
    return out


def fmt(key, val, mark=" ") -> list[str]:
    (name, rtype), (ttl, vals) = key, val
    lines = []
    for i, v in enumerate(vals or ("",)):
        if len(v) > 52:
            v = v[:49] + "..."
        lines.append(f"{mark} {name if i == 0 else '':<22} {rtype if i == 0 else '':<5} "
                     f"{str(ttl) if i == 0 else '':>5}  {v}")
    return lines


def logmsg(line: str) -> str:
    """An agent log line without its timestamp."""
    return re.sub(r"^\d{4}-\d\d-\d\dT[\d:.]+Z ", "", line)


def stamp(line: str) -> float:
    """Seconds of the day of an agent log line's timestamp."""
    h, m, sec = re.match(r"^\d{4}-\d\d-\d\dT(\d\d):(\d\d):([\d.]+)Z", line).groups()
    return int(h) * 3600 + int(m) * 60 + float(sec)


def show_listing(view: dict):
    for key in sorted(view, key=lambda k: (k[0].split(".")[::-1], k[1])):
        for line in fmt(key, view[key]):
            say(line)


# ------------------------------------------------------------------- status

def push_status(agent: Agent) -> dict:
    r = agent.ctl("status")
    if r.returncode != 0:
        raise DemoError(f"xfrsync ctl status exited {r.returncode}: {r.stderr.strip()}")
    for line in r.stdout.splitlines():
        if line.split(" ", 1)[0].rstrip(".").lower() != ZONE:
            continue
        i = line.find(" r53-serial ")
        if i < 0:
            raise DemoError(f"no Route53 fields in the status line: {line!r}")
        p = parse_push(line[i:])
        serial = re.search(r" serial (\d+|-) ", line)[1]
        return {**p, "line": line, "serial": None if serial == "-" else int(serial),
                "r53": p["serial"]}
    raise DemoError(f"zone {ZONE} not in `xfrsync ctl status`:\n{r.stdout}")


def wait_synced(agent: Agent, serial: int, timeout: float) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        p = push_status(agent)
        if p["r53"] == serial and p["state"] == "idle":
            return p
        if not agent.running():
            raise DemoError(f"xfrsync exited ({agent.proc.returncode})")
        if time.monotonic() > deadline:
            raise DemoError(f"Route53 not at serial {serial} within {timeout:.0f} s; "
                            f"status: {p['line']}")
        time.sleep(0.05)


# --------------------------------------------------------------------- main

def run(binary: Path, work: Path, started: list):
    header("Prerequisites")
    if not os.access(binary, os.X_OK):
        raise DemoError(f"{binary} is not built: run `make` first")
    ver = (os.popen(f"'{binary}' --version").read().splitlines() or ["?"])[0]
    say(f"binary   {binary.relative_to(ROOT) if binary.is_relative_to(ROOT) else binary}"
        f"  ({ver}, {binary.stat().st_size // 1024} KiB, static)")
    py = moto_python()
    if py is None:
        raise DemoError("no python3 on PATH (or $MOTO_PYTHON) can import moto and boto3: "
                        "`pip install 'moto[server]' boto3` for it")
    say(f"moto     {py}")
    say(f"workdir  {work}")
    took()

    header("Start a BIND 9 primary and moto_server (Route53) on loopback")
    agent = Agent(binary, work / "agent")
    agent.verbose = False
    bind = dnslab.Bind(work / "bind", {ZONE: ZONE_TEXT})
    bind.extra_notify = {ZONE: [agent.port]}  # also-notify → the agent
    bind.extra_options = "    max-ixfr-ratio unlimited;"
    moto = Moto(work / "moto", py)
    started += [("moto_server", moto.stop), ("named", bind.stop)]
    moto.start()
    say(f"moto_server  pid {moto.proc.pid:<7} {moto.url}")
    bind.start()
    serial0 = bind.serial(ZONE)
    say(f"named        pid {bind.proc.pid:<7} {LOCALHOST} port {bind.port}, zone {ZONE} "
        f"serial {serial0}, TSIG {dnslab.key_name(dnslab.XFR_KEY)}, "
        f"also-notify port {agent.port}")
    nrr = sum(1 for l in ZONE_TEXT.splitlines() if " IN " in l)
    say(f"the zone: {nrr} records — A, AAAA, MX, TXT, CAA, SRV, CNAME, a wildcard, "
        f"and a DNSKEY (Route53 cannot hold it)")
    took()

    header("Create the hosted zone in Route53 (boto3)")
    zone_id = moto.create_zone(ZONE)
    before = rrsets(moto.list(zone_id))
    say(f"hosted zone /hostedzone/{zone_id}: {len(before)} RRsets "
        f"({', '.join(t for _, t in sorted(before, key=lambda k: k[1]))} made by Route53)")
    took()

    header("Start the agent: xfrsync run -d")
    text = agent.write_config(
        [ZoneConf(ZONE, [(LOCALHOST, bind.port, dnslab.key_name(dnslab.XFR_KEY))],
                  notify_key=dnslab.key_name(dnslab.XFR_KEY),
                  extra=[f'hosted-zone-id "/hostedzone/{zone_id}"'])],
        extra=f'aws {{\n\tcredentials-source env\n\tendpoint "{moto.url}"\n}}\n')
    say(f"{agent.conf} (mode {agent.conf.stat().st_mode & 0o777:04o}):")
    for line in text.splitlines():
        if "secret" in line:
            line = re.sub(r'secret "[^"]*"', 'secret "…"', line)
        say("   | " + line)
    os.environ.update(FAKE_ENV)  # credentials-source env: the daemon's environment
    started.insert(0, ("xfrsync", agent.stop))
    agent.start()
    say(f"xfrsync      pid {agent.proc.pid:<7} NOTIFY on {LOCALHOST} port {agent.port}, "
        f"control {agent.control}")
    took("answering `xfrsync ctl status`")

    header("Initial sync: AXFR from BIND → Route53")
    p = wait_synced(agent, serial0, timeout=30)
    took(f"Route53 at serial {serial0}")
    listing = rrsets(moto.list(zone_id))
    say(f"Route53 listing (boto3 list_resource_record_sets): {len(listing)} RRsets, "
        f"{sum(len(v[1]) for v in listing.values())} records")
    show_listing(listing)
    skipped = agent.grep(r"RRsets skipped")
    for line in skipped:
        say("agent log: " + logmsg(line))
    say(f"xfrsync ctl status: {p['line']}")
    pushes = agent.grep(r"(reconcile|incremental push) to serial|in sync at serial")
    for line in pushes:
        say("agent log: " + logmsg(line))
    changes = sum(int(m[1]) for l in pushes if (m := re.search(r"in (\d+) requests?$", l))
                  and "to serial" in l)
    say(f"API calls for the initial sync: {p['calls']} = {p['list']} "
        f"ListResourceRecordSets + {p['change']} ChangeResourceRecordSets + "
        f"{p['getchange']} GetChange; {p['retries']} retries")
    if p["change"] != changes:
        raise DemoError(f"{p['change']} Change calls counted, the log says {changes}")
    if ("www.demo.test.", "A") not in listing or ("*.apps.demo.test.", "A") not in listing:
        raise DemoError("the Route53 listing lacks records of the zone")
    if any(t == "DNSKEY" for _, t in listing):
        raise DemoError("the DNSKEY reached Route53")

    header("Change the primary with nsupdate")
    for c in UPDATE:
        say(c)
    mark = agent.mark()
    p0 = p
    bind.update(ZONE, *UPDATE)
    serial1 = bind.serial(ZONE)
    say(f"BIND now at serial {serial1}; its NOTIFY goes to the agent")
    took()

    header("The change arrives: NOTIFY → IXFR → Route53")
    t = time.monotonic()
    p = wait_synced(agent, serial1, timeout=30)
    say(f"Route53 at serial {serial1} {time.monotonic() - t:.2f} s after nsupdate returned")
    after = rrsets(moto.list(zone_id))
    say("listing diff (- before, + after):")
    changed = 0
    for key in sorted(set(listing) | set(after), key=lambda k: (k[0].split(".")[::-1], k[1])):
        a, b = listing.get(key), after.get(key)
        if a == b or key[1] == "SOA":
            continue
        changed += 1
        if a:
            for line in fmt(key, a, "-"):
                say(line)
        if b:
            for line in fmt(key, b, "+"):
                say(line)
    for line in agent.grep(r"NOTIFY for|IXFR serial|(reconcile|incremental push) to serial"
                           r"|in sync at serial", mark):
        say("agent log: " + logmsg(line))
    a = agent.grep(r"NOTIFY for", mark)
    b = agent.grep(rf"in sync at serial {serial1}\b", mark)
    if a and b:
        say(f"NOTIFY received → Route53 INSYNC: {(stamp(b[0]) - stamp(a[0])) * 1000:.0f} ms "
            f"(agent log timestamps)")
    step = {k: p[k] - p0[k] for k in ("calls", "list", "change", "getchange")}
    say(f"API calls for this change: {step['calls']} = {step['change']} "
        f"ChangeResourceRecordSets + {step['list']} ListResourceRecordSets (the check of "
        f"Route53's SOA serial before pushing: one set) + {step['getchange']} GetChange")
    want = {("new.demo.test.", "A"): (300, ("192.0.2.77",)),
            ("www.demo.test.", "A"): (60, ("192.0.2.80",))}
    for key, val in want.items():
        if after.get(key) != val:
            raise DemoError(f"{key}: Route53 has {after.get(key)}, expected {val}")
    if ("old.demo.test.", "A") in after:
        raise DemoError("old.demo.test. A is still in Route53")
    if step["change"] != 1 or step["list"] > 1:
        raise DemoError(f"the change took {step['change']} Change and {step['list']} List "
                        "calls, expected 1 and at most 1")
    if changed != 3:
        raise DemoError(f"{changed} RRsets changed in Route53, expected 3")
    took()


def main() -> int:
    binary = Path(sys.argv[1] if len(sys.argv) > 1 else
                  os.environ.get("XFRSYNC") or ROOT / "xfrsync").resolve()
    work = Path(tempfile.mkdtemp(prefix="xfrsync-demo-"))
    started: list = []
    ok = False
    print("xfrsync demo: a BIND primary kept in sync with Route53 (moto), on loopback")
    try:
        run(binary, work, started)
        ok = True
    except (DemoError, RuntimeError, TimeoutError, OSError) as e:
        sys.stdout.flush()
        print(f"\ndemo FAILED: {e}", file=sys.stderr)
        for name, path in (("xfrsync", work / "agent" / "xfrsync.log"),
                           ("named", work / "bind" / "bind.log"),
                           ("moto_server", work / "moto" / "moto.log")):
            if path.exists():
                tail = path.read_text(errors="replace").splitlines()[-15:]
                print(f"--- last lines of {name}'s log ({path}):", file=sys.stderr)
                print("\n".join(tail), file=sys.stderr)
    except KeyboardInterrupt:
        print("\ndemo interrupted", file=sys.stderr)
    finally:
        header("Stop everything the demo started")
        for name, stop in started:
            try:
                rc = stop()
                say(f"stopped {name}" + (f" (exit {rc})" if name == "xfrsync" else ""))
                if name == "xfrsync" and rc not in (0, None):
                    ok = False
                    print(f"demo FAILED: xfrsync exited {rc}", file=sys.stderr)
            except Exception as e:  # noqa: BLE001 - keep stopping the others
                ok = False
                print(f"demo: could not stop {name}: {e}", file=sys.stderr)
        if ok:
            shutil.rmtree(work, ignore_errors=True)
        else:
            say(f"logs and configuration kept in {work}")
    total = time.monotonic() - T0
    print(f"\n{'demo OK' if ok else 'demo FAILED'}: total {total:.1f} s", flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
