"""`xfrsync plan` and `xfrsync sync` against moto_server as Route53, with a
BIND 9 primary (route.test, ~50 RRsets of mixed types, a wildcard, an
uppercase owner, multi-string, long and empty TXT, and types Route53 cannot
hold: DNSKEY, HINFO).

Every AWS call goes over plain HTTP to moto (aws { endpoint
http://127.0.0.1:PORT }), with credentials from the environment (moto
accepts any).  moto and BIND run as child processes on free ports and are
stopped by PID.  The hosted zone is created and read back with boto3 from
moto's Python (motolab.py).  Logs: /tmp/pytest-of-$USER/pytest-current/r53*/.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import dns.rdatatype
import pytest

import dnslab
from agent import key_text, write_file
from dnslab import LOCALHOST, XFR_KEY
from motolab import FAKE_ENV, Moto, moto_python

ZONE = "route.test"


def zone_text() -> str:
    long_txt = "y" * 255 + '" "' + "z" * 45  # 300 bytes in two strings
    lines = [f"$ORIGIN {ZONE}.", "$TTL 300",
             "@ IN SOA ns1 hostmaster 1 3600 600 86400 60",
             "@ IN NS ns1", "ns1 IN A 192.0.2.53",
             "@ IN MX 10 mail", "mail IN A 192.0.2.25",
             '@ IN TXT "v=spf1 mx -all"',
             "@ IN CAA 0 issue \"ca.example.net\"",
             "_sip._udp IN SRV 10 5 5060 sip",
             "sip IN A 192.0.2.60",
             "*.wild IN A 192.0.2.42",
             "UPPER IN A 192.0.2.43",
             'multi IN TXT "part one" "part two"',
             f'long IN TXT "{long_txt}"',
             'empty IN TXT ""',
             'quote IN TXT "say \\"hi\\""',
             "1.2 IN PTR host.example.",
             "alias1 IN CNAME www", "alias2 IN CNAME www", "www IN A 192.0.2.80",
             "www IN AAAA 2001:db8::80",
             "info IN HINFO \"PC\" \"Linux\"",
             "@ IN DNSKEY 257 3 13 mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ==",
             ]
    for i in range(30):
        lines.append(f"h{i:02d} IN A 198.51.100.{i + 1}")
    for i in range(5):
        lines.append(f"h{i:02d} IN AAAA 2001:db8::{i + 1:x}")
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def moto(tmp_path_factory):
    py = moto_python()
    if py is None:
        pytest.skip("moto_server is not installed for any python3 on PATH")
    m = Moto(tmp_path_factory.mktemp("r53moto"), py)
    try:
        m.start()
        yield m
    finally:
        m.stop()


@pytest.fixture(scope="module")
def primary(tmp_path_factory):
    server = dnslab.Bind(tmp_path_factory.mktemp("r53bind"), {ZONE: zone_text()})
    try:
        server.start()
        yield server
    finally:
        server.stop()


class Lab:
    def __init__(self, xfrsync: Path, moto: Moto, primary: dnslab.Primary, d: Path):
        self.xfrsync, self.moto, self.primary = xfrsync, moto, primary
        self.moto.reset()
        self.zone_id = moto.create_zone(ZONE)
        self.conf = d / "xfrsync.conf"
        write_file(self.conf, key_text(XFR_KEY) + f"""
zone "{ZONE}" {{
    primary {LOCALHOST} port {primary.port} key "{dnslab.key_name(XFR_KEY)}"
    hosted-zone-id "/hostedzone/{self.zone_id}"
}}
aws {{
    credentials-source env
    endpoint "{moto.url}"
}}
""")

    def run(self, cmd: str, env: dict | None = None) -> subprocess.CompletedProcess:
        e = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        e.update(env if env is not None else FAKE_ENV)
        return subprocess.run([str(self.xfrsync), cmd, "-c", str(self.conf), "-t", "60", ZONE],
                              capture_output=True, text=True, timeout=120, env=e)


@pytest.fixture
def lab(xfrsync, moto, primary, tmp_path):
    return Lab(xfrsync, moto, primary, tmp_path)


def plus_minus(out: str) -> tuple[list[str], list[str]]:
    lines = out.splitlines()
    return ([ln[2:] for ln in lines if ln.startswith("+ ")],
            [ln[2:] for ln in lines if ln.startswith("- ")])


PLAN_RE = re.compile(r"^plan: (\d+) changes in (\d+) requests? \(at least (\d+)\)", re.M)
CALLS_RE = re.compile(r"^calls: ListResourceRecordSets (\d+), ChangeResourceRecordSets (\d+), "
                      r"GetChange (\d+); retries (\d+), throttles (\d+)$", re.M)


def plan_counts(out: str) -> tuple[int, int]:
    m = PLAN_RE.search(out)
    assert m, out
    return int(m.group(1)), int(m.group(2))


def calls(out: str) -> dict[str, int]:
    m = CALLS_RE.search(out)
    assert m, out
    return dict(zip(["list", "change", "get", "retries", "throttles"], map(int, m.groups())))


# ------------------------------------------------------------ normalising


def norm_name(n: str) -> str:
    n = n.lower().replace("\\052", "*")
    return n if n.endswith(".") else n + "."


def route53_view(sets: list[dict]) -> dict[tuple[str, str], tuple[int, frozenset]]:
    """(name, type) -> (ttl, values), without SOA and NS at the apex."""
    out = {}
    for s in sets:
        name, t = norm_name(s["Name"]), s["Type"]
        if t == "SOA" or (t == "NS" and name == ZONE + "."):
            continue
        out[(name, t)] = (s["TTL"], frozenset(r["Value"] for r in s["ResourceRecords"]))
    return out


def zone_view(port: int) -> dict[tuple[str, str], tuple[int, frozenset]]:
    """The primary's zone, by AXFR, in Route53's value form."""
    import dns.query
    import dns.zone
    z = dns.zone.from_xfr(dns.query.xfr(LOCALHOST, ZONE, port=port, keyring=XFR_KEY,
                                        keyname=XFR_KEY.name, relativize=False),
                           relativize=False)
    out = {}
    for name, ttl, rd in z.iterate_rdatas():
        t = dns.rdatatype.to_text(rd.rdtype)
        n = norm_name(name.to_text())
        if t in ("SOA", "DNSKEY", "HINFO") or (t == "NS" and n == ZONE + "."):
            continue
        v = rd.to_text()
        if t == "CAA":
            v = f'{rd.flags} {rd.tag.decode()} "{rd.value.decode()}"'
        out.setdefault((n, t), (ttl, set()))[1].add(v)
    return {k: (ttl, frozenset(v)) for k, (ttl, v) in out.items()}


# ------------------------------------------------------------------ tests


def test_plan_empty_zone(lab):
    """(a) An empty hosted zone: every supported RRset is a + line; one request."""
    r = lab.run("plan")
    assert r.returncode == 0, r.stderr
    plus, minus = plus_minus(r.stdout)
    zone = zone_view(lab.primary.port)
    rrs = sum(len(v) for _, v in zone.values())
    soa_plus = [p for p in plus if " SOA " in p]
    assert len(plus) - len(soa_plus) == rrs, r.stdout
    assert len(soa_plus) <= 1 and len(minus) == len(soa_plus), r.stdout
    changes, requests = plan_counts(r.stdout)
    assert changes == len(zone) + len(soa_plus)
    assert requests == 1
    assert any(p.startswith("*.wild.route.test. 300 A ") for p in plus), plus
    assert "upper.route.test. 300 A 192.0.2.43" in plus
    # plan changes nothing
    assert route53_view(lab.moto.list(lab.zone_id)) == {}


def test_plan_request_count_follows_max_changes(lab):
    """(a) The packer splits by the configured cap on Change elements."""
    text = lab.conf.read_text().replace("credentials-source env",
                                        "credentials-source env\n    max-changes 10")
    write_file(lab.conf, text)
    r = lab.run("plan")
    assert r.returncode == 0, r.stderr
    changes, requests = plan_counts(r.stdout)
    assert requests == -(-changes // 10)
    assert f"request {requests} of {requests}" in r.stdout
    assert "binding limit: changes" in r.stdout


def test_sync_pushes_and_converges(lab):
    """(b) sync pushes; Route53 equals the zone; apex NS untouched; skipped
    types warned once each; a second sync makes no Change call."""
    before = lab.moto.list(lab.zone_id)
    apex_ns = [s for s in before if s["Type"] == "NS"]
    r = lab.run("sync")
    assert r.returncode == 0, r.stderr + r.stdout
    c = calls(r.stdout)
    assert c["change"] == 1 and c["list"] >= 1
    assert r.stderr.count("DNSKEY RRset") == 1 and r.stderr.count("HINFO RRset") == 1, r.stderr
    after = lab.moto.list(lab.zone_id)
    assert route53_view(after) == zone_view(lab.primary.port)
    assert [s for s in after if s["Type"] == "NS"] == apex_ns
    again = lab.run("sync")
    assert again.returncode == 0, again.stderr
    assert calls(again.stdout)["change"] == 0, again.stdout
    assert plan_counts(again.stdout)[0] == 0


def test_incremental_change(lab):
    """(c) After an nsupdate, plan shows exactly the changed sets; sync
    converges; the next sync does nothing."""
    assert lab.run("sync").returncode == 0
    lab.primary.update(ZONE, f"update delete h03.{ZONE}. A",
                       f"update add new1.{ZONE}. 600 A 192.0.2.201",
                       f"update delete h04.{ZONE}. A",
                       f"update add h04.{ZONE}. 120 A 198.51.100.5",
                       f"update add multi.{ZONE}. 300 TXT \"third\"")
    r = lab.run("plan")
    assert r.returncode == 0, r.stderr
    plus, minus = plus_minus(r.stdout)
    names = {ln.split()[0] for ln in plus + minus if " SOA " not in ln}
    assert names == {f"h03.{ZONE}.", f"new1.{ZONE}.", f"h04.{ZONE}.", f"multi.{ZONE}."}, r.stdout
    assert f"h03.{ZONE}. 300 A 198.51.100.4" in minus
    assert f"new1.{ZONE}. 600 A 192.0.2.201" in plus
    assert f"h04.{ZONE}. 120 A 198.51.100.5" in plus
    s = lab.run("sync")
    assert s.returncode == 0, s.stderr + s.stdout
    assert calls(s.stdout)["change"] == 1
    assert route53_view(lab.moto.list(lab.zone_id)) == zone_view(lab.primary.port)
    again = lab.run("sync")
    assert again.returncode == 0 and calls(again.stdout)["change"] == 0, again.stdout


def soa_serial_in_route53(lab) -> int:
    soa = [x for x in lab.moto.list(lab.zone_id) if x["Type"] == "SOA"]
    assert len(soa) == 1, soa
    return int(soa[0]["ResourceRecords"][0]["Value"].split()[2])


def test_policy_soa_serial_and_apex_ns(lab):
    """(c) aws { soa-serial no }: Route53's SOA is never touched (the default
    carries the serial); push-apex-ns yes: the apex NS is planned like any
    RRset (the default leaves Route53's own alone)."""
    text = lab.conf.read_text()
    assert lab.run("sync").returncode == 0
    lab.primary.update(ZONE, f"update add pol1.{ZONE}. 300 A 192.0.2.91")
    serial = lab.primary.serial(ZONE)
    write_file(lab.conf, text.replace("credentials-source env",
                                      "credentials-source env\n    soa-serial no"))
    r = lab.run("sync")
    assert r.returncode == 0, r.stderr + r.stdout
    assert " SOA " not in r.stdout, r.stdout
    assert soa_serial_in_route53(lab) != serial
    assert (f"pol1.{ZONE}.", "A") in route53_view(lab.moto.list(lab.zone_id))
    write_file(lab.conf, text)
    r = lab.run("sync")
    assert r.returncode == 0, r.stderr + r.stdout
    assert soa_serial_in_route53(lab) == serial
    write_file(lab.conf, text.replace("credentials-source env",
                                      "credentials-source env\n    push-apex-ns yes"))
    r = lab.run("plan")
    assert r.returncode == 0, r.stderr
    plus, minus = plus_minus(r.stdout)
    assert [p for p in plus if " NS " in p] == [f"{ZONE}. 300 NS ns1.{ZONE}."], r.stdout
    assert any(" NS ns-2048.awsdns-64.com" in m for m in minus), r.stdout
    write_file(lab.conf, text)
    r = lab.run("plan")
    assert not [ln for ln in plus_minus(r.stdout)[0] if " NS " in ln], r.stdout


def test_credentials_from_environment(lab):
    """(d) Keys (and a session token) from the environment; none: a clear
    failure naming the environment."""
    env = dict(FAKE_ENV, AWS_SESSION_TOKEN="FwoGZXIvYXdzEXAMPLETOKEN")
    r = lab.run("plan", env=env)
    assert r.returncode == 0, r.stderr
    r = lab.run("plan", env={})
    assert r.returncode == 1
    assert "AWS_ACCESS_KEY_ID" in r.stderr, r.stderr


def test_missing_hosted_zone_fails(lab):
    text = lab.conf.read_text().replace(lab.zone_id, "ZNOSUCHZONE0000")
    write_file(lab.conf, text)
    r = lab.run("sync")
    assert r.returncode == 1
    assert "ListResourceRecordSets" in r.stderr and "NoSuchHostedZone" in r.stderr, r.stderr
