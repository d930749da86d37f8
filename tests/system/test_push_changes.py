"""The daemon's Route53 pushes, request by request: `xfrsync run` with an
aws block, notified by its primary, pushing to moto_server as Route53
through the recording proxy of r53proxy.py, which keeps every request
that reached moto (kind, query, body, status, times).

Parametrised over both primaries, BIND 9 (nsupdate) and Knot (knsupdate;
it lowercases owners, which Route53 does as well).  One lab per primary
(module scope): the primary serves three zones, each with its own hosted
zone in one moto_server, and one daemon pushes all three:

  route.test   (test_route53.zone_text() plus a few RRsets to change)
      the initial sync, then one dynamic update per test: a record added,
      a record deleted, a TTL changed, one value removed from and one added
      to a multi-value RRset, A -> CNAME on one name, a whole name with
      four types deleted.  For each: exactly one ChangeResourceRecordSets
      reached moto (and no ListResourceRecordSets but the pre-push SOA
      check: GET maxitems=1 at the apex SOA), its body holds exactly the
      expected changes plus the SOA UPSERT carrying the new serial, each
      DELETE with exactly the TTL and values Route53 held, A -> CNAME's
      DELETE before its CREATE in the same request; then the boto3
      listing equals the primary's zone (route53_view/zone_view of
      test_route53.py).
  tricky.test  (data/tricky.zone plus a delegation with DS, a 455-byte
      TXT, a mixed-case owner, HINFO and LOC): the initial sync of every
      type Route53 holds, wildcard, \\ooo and upper-case owners, multi-
      string and empty TXT.  Compared after normalising both sides to
      canonical wire form (owner names lowercased, Route53's \\ooo octal
      escapes read as octal, values parsed by dnspython): equal; the apex
      NS untouched; DNSKEY, RRSIG, NSEC, TYPE65534, HINFO and LOC skipped
      with one log line per type.
  big.test     (900 A RRsets): one update changing 1 200 RRs (400 names
      get a new address, 200 are deleted, 200 added) -> as many Change
      requests as the lower bound computed here from Route53's limits
      (1000 ResourceRecord elements and 32 000 value characters per
      request, UPSERT counting twice), each within the limits; the first
      answer is held back by the proxy while boto3 listings are sampled
      over and over: no untouched or changed name is ever missing, the SOA
      serial moves only when everything is in, and a listing taken between
      two requests shows exactly the old zone plus the first request.

test_https_sync_and_change: one daemon talking HTTPS to moto_server with
its own certificate from a test CA (tlslab.py): `endpoint
"https://NAME:PORT" address 127.0.0.1` and `ca-file`; the initial sync and
one incremental change (one POST in moto's request log) work.

Credentials come from the daemon's environment (moto accepts any).  Logs
(daemon, primary, moto): /tmp/pytest-of-$USER/pytest-current/pushchg-*/.
"""

from __future__ import annotations

import dataclasses
import math
import os
import re
import shutil
import subprocess
import threading
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import dns.name
import dns.query
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.zone
import pytest

import dnslab
from agent import ZoneConf
from dnslab import DDNS_KEY, LOCALHOST, XFR_KEY
from motolab import FAKE_ENV, Moto, moto_python
from pushlab import PushAgent
from r53proxy import Fault, R53Proxy, Req
from test_route53 import ZONE, norm_name, route53_view, zone_text, zone_view

TRICKY = "tricky.test"
BIG = "big.test"
ZONES = (ZONE, TRICKY, BIG)
KEY = dnslab.key_name(XFR_KEY)

# Route53's limits per ChangeResourceRecordSets (route53.md); the daemon is
# configured with max-changes 1000 so that the Change cap is known here.
MAX_RECORDS, MAX_CHARS, MAX_CHANGES = 1000, 32000, 1000
SUPPORTED = {"A", "AAAA", "CAA", "CNAME", "DS", "HTTPS", "MX", "NAPTR", "NS", "PTR",
             "SPF", "SRV", "SSHFP", "SVCB", "TLSA", "TXT"}
# the types of the tricky zone Route53 cannot hold
TRICKY_SKIPPED = {"DNSKEY", "RRSIG", "NSEC", "TYPE65534", "HINFO", "LOC"}

# ------------------------------------------------------------------ zones

ROUTE_EXTRA = """
mv IN A 192.0.2.1
mv IN A 192.0.2.2
mv IN A 192.0.2.3
ttl IN A 192.0.2.90
flip IN A 192.0.2.77
several IN A 192.0.2.70
several IN AAAA 2001:db8::70
several IN TXT "several types"
several IN MX 10 mail
"""


def route_zone_text() -> str:
    return zone_text() + ROUTE_EXTRA


def tricky_zone_text() -> str:
    long_txt = '"' + "L" * 255 + '" "' + "M" * 160 + '" "0123456789012345678901234567890123456789"'
    return dnslab.zone_text("tricky.zone") + f"""
; --- added by test_push_changes.py ---------------------------------------
longtxt         IN TXT   {long_txt}
deleg           IN NS    ns1.deleg
deleg           IN NS    ns2.example.net.
deleg           IN DS    54321 13 2 0587ECE0C2B608DC893C89B16D9202AC9C5DEBAD3AA7B1029EFB637595CDE1F9
ns1.deleg       IN A     192.0.2.100
Mixed.CASE.Txt  IN TXT   "Case Is Kept In Values"
info            IN HINFO "PC" "Linux"
loc             IN LOC   52 22 23.000 N 4 53 32.000 E -2.00m 0.00m 10000m 10m
"""


NKEEP, NCHG, NDEL, NADD = 300, 400, 200, 200


def addr(group: int, i: int) -> str:
    return f"10.{group}.{i // 256}.{i % 256}"


def big_zone_text() -> str:
    lines = [f"$ORIGIN {BIG}.", "$TTL 300",
             "@ IN SOA ns1 hostmaster 1 3600 600 86400 60", "@ IN NS ns1",
             "ns1 IN A 192.0.2.53"]
    lines += [f"k{i:03d} IN A {addr(1, i)}" for i in range(NKEEP)]
    lines += [f"c{i:03d} IN A {addr(2, i)}" for i in range(NCHG)]
    lines += [f"d{i:03d} IN A {addr(3, i)}" for i in range(NDEL)]
    return "\n".join(lines) + "\n"


def big_update() -> list[str]:
    """1 200 RRs: 400 replaced (800), 200 deleted, 200 added."""
    cmds = []
    for i in range(NCHG):
        cmds += [f"update delete c{i:03d}.{BIG}. A", f"update add c{i:03d}.{BIG}. 300 A {addr(4, i)}"]
    cmds += [f"update delete d{i:03d}.{BIG}. A" for i in range(NDEL)]
    cmds += [f"update add a{i:03d}.{BIG}. 300 A {addr(5, i)}" for i in range(NADD)]
    return cmds


def update_tcp(primary: dnslab.Primary, zone: str, commands: list[str]):
    """Primary.update over TCP (-v): a 1 400-command update does not fit UDP."""
    script = "\n".join([f"server {LOCALHOST} {primary.port}", f"zone {zone}",
                        *commands, "send", ""])
    r = subprocess.run([dnslab.tool(*primary.update_tool), "-v", "-y", dnslab.key_arg(DDNS_KEY)],
                       input=script, text=True, capture_output=True, timeout=120)
    if r.returncode != 0:
        raise RuntimeError(f"{primary.update_tool[0]} failed ({r.returncode}): "
                           f"{r.stdout}{r.stderr}\n{primary.log_tail()}")


# ------------------------------------------------------- boto3 listings


class R53:
    """botocore's Route53 client (what boto3 uses), in this process: a
    listing takes milliseconds instead of a Python start-up."""

    def __init__(self, url: str, verify: str | None = None):
        import botocore.config
        import botocore.session
        self.client = botocore.session.get_session().create_client(
            "route53", endpoint_url=url, region_name="us-east-1",
            aws_access_key_id=FAKE_ENV["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=FAKE_ENV["AWS_SECRET_ACCESS_KEY"],
            verify=verify, config=botocore.config.Config(retries={"max_attempts": 1}))

    def list(self, zone_id: str) -> list[dict]:
        out, kw = [], {"HostedZoneId": zone_id}
        while True:
            p = self.client.list_resource_record_sets(**kw)
            out += p["ResourceRecordSets"]
            if not p["IsTruncated"]:
                return out
            kw["StartRecordName"] = p["NextRecordName"]
            kw["StartRecordType"] = p["NextRecordType"]


# ------------------------------------------------------------ normalising


def octal_to_decimal(text: str) -> str:
    r"""Route53's text with its \ooo (octal) escapes rewritten as the \DDD
    (decimal) of zone files, every other escape kept."""
    out, i = [], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            d = text[i + 1:i + 4]
            if len(d) == 3 and d.isdigit():
                if not all(c in "01234567" for c in d):
                    raise ValueError(f"\\{d} is not an octal escape in {text!r}")
                out.append("\\%03d" % int(d, 8))
                i += 4
            else:
                out.append(text[i:i + 2])
                i += 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def r53_name(text: str) -> dns.name.Name:
    return dns.name.from_text(octal_to_decimal(text), origin=dns.name.root).canonicalize()


def r53_value(rtype: str, text: str) -> bytes:
    """A Route53 value as canonical wire RDATA (RFC 4034 §6.2)."""
    rd = dns.rdata.from_text(dns.rdataclass.IN, dns.rdatatype.from_text(rtype),
                             octal_to_decimal(text), origin=dns.name.root, relativize=False)
    return rd.to_digestable(dns.name.root)


Canon = dict  # (dns.name.Name, type) -> (ttl, frozenset of wire RDATA)


def r53_canon(sets: list[dict], zone: str) -> Canon:
    """Route53's sets in canonical form, without the SOA and the apex NS."""
    apex = dns.name.from_text(zone)
    out = {}
    for s in sets:
        name, t = r53_name(s["Name"]), s["Type"]
        if t == "SOA" or (t == "NS" and name == apex):
            continue
        assert "AliasTarget" not in s and "SetIdentifier" not in s, s
        values = [r53_value(t, r["Value"]) for r in s["ResourceRecords"]]
        assert len(set(values)) == len(values), f"duplicate values in Route53: {s}"
        assert (name, t) not in out, f"listed twice: {s}"
        out[(name, t)] = (s["TTL"], frozenset(values))
    return out


def zone_canon(port: int, zone: str) -> tuple[Canon, set[str]]:
    """The primary's zone (AXFR) in canonical form, the types Route53 holds
    only, without the SOA and the apex NS; and the other types present."""
    z = dns.zone.from_xfr(dns.query.xfr(LOCALHOST, zone, port=port, keyring=XFR_KEY,
                                        keyname=XFR_KEY.name, relativize=False),
                          relativize=False)
    apex = dns.name.from_text(zone)
    out, skipped = {}, set()
    for name, rds in z.iterate_rdatasets():
        t = dns.rdatatype.to_text(rds.rdtype)
        if t == "SOA" or (t == "NS" and name == apex):
            continue
        if t not in SUPPORTED:
            skipped.add(t)
            continue
        out[(name.canonicalize(), t)] = (min(rds.ttl, 2147483647),
                                         frozenset(rd.to_digestable(dns.name.root) for rd in rds))
    return out, skipped


def show(rtype: str, entry) -> str:
    """A canonical entry as text: TTL and values in presentation form."""
    if entry is None:
        return "-"
    t = dns.rdatatype.from_text(rtype)
    vals = sorted(dns.rdata.from_wire(dns.rdataclass.IN, t, w, 0, len(w)).to_text()
                  for w in entry[1])
    return f"{entry[0]} {' | '.join(vals)}"[:200]


def canon_diff(a: Canon, b: Canon, an: str = "route53", bn: str = "zone", n: int = 30) -> str:
    lines = []
    for k in sorted(set(a) | set(b), key=lambda k: (k[0].to_text(), k[1])):
        if a.get(k) != b.get(k):
            lines.append(f"  {k[0]} {k[1]}: {an} {show(k[1], a.get(k))} / "
                         f"{bn} {show(k[1], b.get(k))}")
    more = f"\n  ... {len(lines) - n} more" if len(lines) > n else ""
    return "\n".join(lines[:n]) + more


def soa_serial(sets: list[dict], zone: str) -> int:
    soa = [s for s in sets if s["Type"] == "SOA" and norm_name(s["Name"]) == zone + "."]
    assert len(soa) == 1, soa
    return int(soa[0]["ResourceRecords"][0]["Value"].split()[2])


def apex_ns(sets: list[dict], zone: str) -> list[dict]:
    return [s for s in sets if s["Type"] == "NS" and norm_name(s["Name"]) == zone + "."]


# ---------------------------------------------------------- Change bodies


@dataclasses.dataclass
class Change:
    action: str
    name: str  # as sent
    type: str
    ttl: int | None
    values: list[str]

    @property
    def key(self) -> tuple[str, str]:
        return norm_name(self.name), self.type

    def cost(self) -> tuple[int, int]:
        """(ResourceRecord elements, value characters) it counts for."""
        k = 2 if self.action == "UPSERT" else 1
        return k * len(self.values), k * sum(len(v) for v in self.values)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def parse_changes(body: bytes) -> list[Change]:
    """The Change elements of a ChangeResourceRecordSetsRequest, in order."""
    out = []
    for el in ET.fromstring(body).iter():
        if _local(el.tag) != "Change":
            continue
        f: dict = {"values": []}
        for sub in el.iter():
            t = _local(sub.tag)
            if t in ("Action", "Name", "Type", "TTL"):
                f[t] = sub.text or ""
            elif t == "Value":
                f["values"].append(sub.text or "")
        out.append(Change(f["Action"], f["Name"], f["Type"],
                          int(f["TTL"]) if "TTL" in f else None, f["values"]))
    return out


def lower_bound(changes: list[Change]) -> int:
    """The fewest requests that can carry changes under Route53's limits."""
    records = sum(c.cost()[0] for c in changes)
    chars = sum(c.cost()[1] for c in changes)
    return max(1, math.ceil(records / MAX_RECORDS), math.ceil(chars / MAX_CHARS),
               math.ceil(len(changes) / MAX_CHANGES))


def within_limits(changes: list[Change]) -> bool:
    return (sum(c.cost()[0] for c in changes) <= MAX_RECORDS
            and sum(c.cost()[1] for c in changes) <= MAX_CHARS
            and len(changes) <= MAX_CHANGES)


def is_soa_check(r: Req, zone: str) -> bool:
    """The pre-push check of Route53's SOA serial: one small listing,
    GET ...rrset?name=APEX&type=SOA&maxitems=1 and nothing else."""
    q = r.query
    return (r.kind == "list" and r.method == "GET" and set(q) <= {"name", "type", "maxitems"}
            and q.get("maxitems") == "1" and q.get("type") == "SOA"
            and norm_name(q.get("name", "")) == zone + ".")


def describe(reqs: list[Req]) -> str:
    return "\n".join(f"  {r.method} {r.path} {r.query} -> {r.status} "
                     f"{'fault ' + r.fault if r.fault else ''}" for r in reqs) or "  (none)"


# -------------------------------------------------------------------- lab


class Lab:
    def __init__(self, kind: str, agent: PushAgent, moto: Moto, primary: dnslab.Primary,
                 proxy: R53Proxy, ids: dict[str, str], ns: dict[str, list[dict]]):
        self.kind, self.agent, self.moto, self.primary = kind, agent, moto, primary
        self.proxy, self.ids, self.apex_ns = proxy, ids, ns
        self.r53 = R53(moto.url)

    def list(self, zone: str) -> list[dict]:
        return self.r53.list(self.ids[zone])

    def settle(self, zone: str, timeout: float = 120) -> int:
        """Wait until the daemon has pushed the primary's serial; return it."""
        serial = self.primary.serial(zone)
        self.agent.wait_synced(zone, serial, timeout)
        return serial

    def requests(self, zone: str, mark: int) -> list[Req]:
        """The requests since mark of this zone's hosted zone (and every
        GetChange), once none is in flight and a moment passed without a
        new one (so that a stray request after the sync is seen too)."""
        deadline = time.monotonic() + 30
        while True:
            n = self.proxy.mark()
            time.sleep(0.3)
            busy = [r for r in self.proxy.since(mark) if r.t_end is None]
            if (not busy and self.proxy.mark() == n) or time.monotonic() > deadline:
                break
        zid = self.ids[zone]
        return [r for r in self.proxy.since(mark)
                if f"/hostedzone/{zid}/" in r.path + "/" or r.kind == "getchange"]


def aws_block(url: str, extra: str = "") -> str:
    return (f"aws {{\n\tcredentials-source env\n\tendpoint {url}\n"
            f"\tmax-changes {MAX_CHANGES}\n{extra}}}\n")


@pytest.fixture(scope="module")
def moto(tmp_path_factory):
    py = moto_python()
    if py is None:
        pytest.skip("moto_server is not installed for any python3 on PATH")
    m = Moto(tmp_path_factory.mktemp("pushchg-moto"), py)
    try:
        m.start()
        yield m
    finally:
        m.stop()


@pytest.fixture(scope="module", params=["bind", "knot"])
def lab(request, xfrsync, moto, fake_env, tmp_path_factory):
    kind = request.param
    base = tmp_path_factory.mktemp(f"pushchg-{kind}")
    cls = {"bind": dnslab.Bind, "knot": dnslab.Knot}[kind]
    agent = PushAgent(xfrsync, base / "agent")
    primary = cls(base / kind, {ZONE: route_zone_text(), TRICKY: tricky_zone_text(),
                                BIG: big_zone_text()})
    primary.extra_notify = {z: [agent.port] for z in ZONES}
    if kind == "bind":
        primary.extra_options = "    max-ixfr-ratio unlimited;"
    proxy = None
    try:
        moto.reset()
        primary.start()
        proxy = R53Proxy(moto.port)
        ids = {z: moto.create_zone(z) for z in ZONES}
        r53 = R53(moto.url)
        ns = {z: apex_ns(r53.list(ids[z]), z) for z in ZONES}
        agent.write_config(
            [ZoneConf(z, [(LOCALHOST, primary.port, KEY)], notify_key=KEY,
                      extra=[f'hosted-zone-id "/hostedzone/{ids[z]}"']) for z in ZONES],
            extra=aws_block(f'"{proxy.url}"'))
        agent.start()
        yield Lab(kind, agent, moto, primary, proxy, ids, ns)
        rc = agent.stop()
        assert rc == 0, f"xfrsync exited {rc}:\n{agent.log_tail()}"
    finally:
        agent.stop()
        agent.cleanup()
        if proxy is not None:
            proxy.close()
        primary.stop()


# ------------------------------------------------------------ initial sync


def test_initial_sync(lab):
    """Every zone reaches Route53: route.test and big.test equal the zone,
    tricky.test equal after normalising (every supported type, wildcard,
    \\ooo and upper-case owners, long, multi-string and empty TXT); the
    apex NS untouched; the SOA carries the serial; the types Route53
    cannot hold are skipped with one log line per type."""
    for z in ZONES:
        lab.settle(z)
    assert route53_view(lab.list(ZONE)) == zone_view(lab.primary.port)
    for z in (TRICKY, BIG):
        sets = lab.list(z)
        r53 = r53_canon(sets, z)
        ref, skipped = zone_canon(lab.primary.port, z)
        assert r53 == ref, f"{z}: Route53 differs from the zone:\n{canon_diff(r53, ref)}"
        if z == TRICKY:
            assert skipped == TRICKY_SKIPPED
            assert {t for _, t in r53} == SUPPORTED, SUPPORTED - {t for _, t in r53}
            names = {n.to_text() for n, _ in r53}
            for want in ("*.wild.tricky.test.", "upper.mixedcase.tricky.test.",
                         "sp\\032ace.tricky.test.", "hi\\255gh.tricky.test.",
                         "dot\\.in\\.label.tricky.test.", "mixed.case.txt.tricky.test."):
                assert want in names, (want, sorted(names))
            # the TXT of 455 bytes in three strings and the empty ones
            longtxt = [s for s in sets if norm_name(s["Name"]) == "longtxt.tricky.test."]
            assert len(longtxt) == 1 and longtxt[0]["ResourceRecords"][0]["Value"].count('"') == 6
            txt = r53[(dns.name.from_text("txt.tricky.test."), "TXT")][1]
            assert r53_value("TXT", '""') in txt and r53_value("TXT", '"first" "" "third"') in txt
    for z in ZONES:
        sets = lab.list(z)
        assert apex_ns(sets, z) == lab.apex_ns[z], f"{z}: the apex NS was touched"
        assert soa_serial(sets, z) == lab.primary.serial(z)
    # one line per skipped type and zone
    for z, types in ((TRICKY, TRICKY_SKIPPED), (ZONE, {"DNSKEY", "HINFO"})):
        for t in types:
            lines = lab.agent.grep(rf"zone {re.escape(z)}\.: \d+ {t} RRsets skipped")
            assert len(lines) == 1, (z, t, lines, lab.agent.log_tail())
        seen = {re.search(r": \d+ (\S+) RRsets skipped", l)[1]
                for l in lab.agent.grep(rf"zone {re.escape(z)}\.: \d+ \S+ RRsets skipped")}
        assert seen == types, seen
    assert not lab.agent.grep(rf"zone {re.escape(BIG)}\.: \d+ \S+ RRsets skipped")
    # each zone: a full listing, then the fewest Change requests (no DELETE:
    # the hosted zone held only its SOA and NS)
    for z in ZONES:
        reqs = lab.requests(z, 0)
        creqs = [r for r in reqs if r.kind == "change"]
        every = [c for r in creqs for c in parse_changes(r.body)]
        assert len({c.key for c in every}) == len(every), "an RRset changed twice"
        assert not [c for c in every if c.action == "DELETE"], every
        assert len(creqs) == lower_bound(every), f"{z}:\n{describe(reqs)}"
        assert all(within_limits(parse_changes(r.body)) for r in creqs)
        assert [r for r in reqs if r.kind == "list" and not is_soa_check(r, z)], describe(reqs)
        print(f"{lab.kind} {z}: {len(every)} changes in {len(creqs)} requests; "
              f"{len(reqs) - len(creqs)} other requests")
    assert not lab.agent.grep(r"cannot be pushed|InvalidChangeBatch"), lab.agent.log_tail()


# -------------------------------------------------------- incremental steps


@dataclasses.dataclass
class Step:
    id: str
    commands: list[str]
    # (relative owner, type) -> "new" | "changed" | "gone"
    expect: dict[tuple[str, str], str]


STEPS = [
    Step("add", [f"update add added.{ZONE}. 300 A 192.0.2.150"], {("added", "A"): "new"}),
    Step("delete", [f"update delete h07.{ZONE}. A"], {("h07", "A"): "gone"}),
    Step("ttl", [f"update delete ttl.{ZONE}. A", f"update add ttl.{ZONE}. 900 A 192.0.2.90"],
         {("ttl", "A"): "changed"}),
    Step("value-removed", [f"update delete mv.{ZONE}. A 192.0.2.2"], {("mv", "A"): "changed"}),
    Step("value-added", [f"update add mv.{ZONE}. 300 A 192.0.2.4"], {("mv", "A"): "changed"}),
    Step("a-to-cname", [f"update delete flip.{ZONE}. A",
                        f"update add flip.{ZONE}. 300 CNAME www.{ZONE}."],
         {("flip", "A"): "gone", ("flip", "CNAME"): "new"}),
    Step("name-deleted", [f"update delete several.{ZONE}."],
         {("several", t): "gone" for t in ("A", "AAAA", "TXT", "MX")}),
]
ACTIONS = {"new": {"CREATE", "UPSERT"}, "changed": {"UPSERT"}, "gone": {"DELETE"}}


def assert_deletes_held(c: Change, held: dict):
    """A DELETE carries exactly the TTL and the values Route53 held."""
    assert c.ttl == held["TTL"], (c, held)
    assert sorted(c.values) == sorted(v["Value"] for v in held["ResourceRecords"]), (c, held)


@pytest.mark.parametrize("step", STEPS, ids=[s.id for s in STEPS])
def test_incremental(lab, step):
    """One dynamic update -> exactly one ChangeResourceRecordSets holding
    exactly the changed RRsets and the SOA; DELETEs with what Route53 held;
    the final listing equals the zone."""
    lab.settle(ZONE)
    before = {(norm_name(s["Name"]), s["Type"]): s for s in lab.list(ZONE)}
    mark, log = lab.proxy.mark(), lab.agent.mark()
    lab.primary.update(ZONE, *step.commands)
    serial = lab.primary.serial(ZONE)
    lab.agent.wait_synced(ZONE, serial, timeout=60)
    reqs = lab.requests(ZONE, mark)
    after = zone_view(lab.primary.port)
    assert route53_view(lab.list(ZONE)) == after

    changes = [r for r in reqs if r.kind == "change"]
    assert len(changes) == 1, f"{len(changes)} Change requests:\n{describe(reqs)}"
    assert changes[0].forwarded and changes[0].status == 200, describe(reqs)
    lists = [r for r in reqs if r.kind == "list"]
    assert all(is_soa_check(r, ZONE) for r in lists) and len(lists) <= 1, \
        f"listings beyond the SOA check:\n{describe(lists)}"
    assert not [r for r in reqs if r.kind == "other"], describe(reqs)
    assert not lab.agent.grep(r"reconcile to serial", log), lab.agent.log_tail()

    body = parse_changes(changes[0].body)
    soa = [c for c in body if c.type == "SOA"]
    assert len(soa) == 1 and soa[0].action == "UPSERT" and soa[0].key == (ZONE + ".", "SOA"), soa
    assert soa[0].values[0].split()[2] == str(serial), soa
    got = {c.key: c for c in body if c.type != "SOA"}
    assert len(got) == len(body) - 1, f"an RRset twice in one request: {body}"
    want = {(f"{n}.{ZONE}.", t): k for (n, t), k in step.expect.items()}
    assert set(got) == set(want), f"sent {sorted(got)}, expected {sorted(want)}"
    for key, kind in want.items():
        c = got[key]
        assert c.action in ACTIONS[kind], (key, kind, c)
        if c.action == "DELETE":
            assert_deletes_held(c, before[key])
            assert key not in after
        else:
            assert (c.ttl, frozenset(c.values)) == after[key], (c, after[key])
            assert len(set(c.values)) == len(c.values), c
    if step.id == "a-to-cname":  # DELETE A before CREATE CNAME, same request
        order = [c.type for c in body if c.key[0] == f"flip.{ZONE}."]
        assert order == ["A", "CNAME"], body


# -------------------------------------------------------- 1 200-RR change


@dataclasses.dataclass
class Sample:
    t0: float
    t1: float
    sets: list[dict]


class Sampler(threading.Thread):
    """Lists a hosted zone with boto3 over and over until stopped."""

    def __init__(self, url: str, zone_id: str):
        super().__init__(daemon=True)
        self.r53 = R53(url)
        self.zone_id = zone_id
        self.samples: list[Sample] = []
        self.errors: list[str] = []
        self.halt = threading.Event()

    def run(self):
        while not self.halt.is_set():
            t0 = time.monotonic()
            try:
                sets = self.r53.list(self.zone_id)
            except Exception as e:  # noqa: BLE001 - moto busy: that sample is lost
                self.errors.append(f"{type(e).__name__}: {e}")
                time.sleep(0.05)
                continue
            self.samples.append(Sample(t0, time.monotonic(), sets))
            time.sleep(0.02)

    def stop(self):
        self.halt.set()
        self.join(120)


def apply(view: Canon, changes: list[Change]) -> Canon:
    """view after changes (as Route53 would apply them)."""
    out = dict(view)
    for c in changes:
        if c.type == "SOA":
            continue
        key = (r53_name(c.name), c.type)
        if c.action == "DELETE":
            out.pop(key, None)
        else:
            out[key] = (c.ttl, frozenset(r53_value(c.type, v) for v in c.values))
    return out


def test_1200_rr_change(lab):
    """One update changing 1 200 RRs -> the fewest Change requests the
    limits allow, each within them; while they land, no untouched or
    changed name is ever missing from a listing, and the SOA serial moves
    only with the last request."""
    old_serial = lab.settle(BIG)
    before, _ = zone_canon(lab.primary.port, BIG)
    t = time.monotonic()
    held = {(r53_name(s["Name"]), s["Type"]): s for s in lab.list(BIG)}
    delay = max(3.0, 5 * (time.monotonic() - t))  # several listings fit in it
    assert r53_canon(list(held.values()), BIG) == before
    sampler = Sampler(lab.moto.url, lab.ids[BIG])
    mark = lab.proxy.mark()
    lab.proxy.inject("change", Fault.delay(delay), times=1)
    sampler.start()
    try:
        update_tcp(lab.primary, BIG, big_update())
        serial = lab.primary.serial(BIG)
        lab.agent.wait_synced(BIG, serial, timeout=180)
    finally:
        sampler.stop()
        lab.proxy.clear_faults()
    reqs = lab.requests(BIG, mark)
    after, _ = zone_canon(lab.primary.port, BIG)
    final = r53_canon(lab.list(BIG), BIG)
    assert final == after, canon_diff(final, after)

    # what the update changed, by the zone
    gone = set(before) - set(after)
    new = set(after) - set(before)
    changed = {k for k in set(before) & set(after) if before[k] != after[k]}
    untouched = {k for k in set(before) & set(after) if before[k] == after[k]}
    assert (len(changed), len(gone), len(new)) == (NCHG, NDEL, NADD)

    creqs = [r for r in reqs if r.kind == "change"]
    lists = [r for r in reqs if r.kind == "list"]
    assert all(is_soa_check(r, BIG) for r in lists) and len(lists) <= 1, describe(lists)
    assert all(r.forwarded and r.status == 200 for r in creqs), describe(reqs)
    bodies = [parse_changes(r.body) for r in creqs]
    every = [c for b in bodies for c in b]
    keys = [(r53_name(c.name), c.type) for c in every if c.type != "SOA"]
    assert len(keys) == len(set(keys)), "an RRset changed twice"
    assert set(keys) == gone | new | changed
    for c in every:
        k = (r53_name(c.name), c.type)
        if c.type != "SOA":
            kind = "gone" if k in gone else "new" if k in new else "changed"
            assert c.action in ACTIONS[kind], (kind, c)
            if c.action == "DELETE":
                assert_deletes_held(c, held[k])
    soa = [(i, c) for i, b in enumerate(bodies) for c in b if c.type == "SOA"]
    assert len(soa) == 1 and soa[0][0] == len(bodies) - 1, "the SOA goes in the last request"
    assert soa[0][1].values[0].split()[2] == str(serial)
    fewest = lower_bound(every)
    print(f"{lab.kind}: {len(every)} changes, "
          f"{sum(c.cost()[0] for c in every)} records, {sum(c.cost()[1] for c in every)} "
          f"characters -> {len(creqs)} requests (lower bound {fewest}); "
          f"{len(sampler.samples)} listings sampled, {len(sampler.errors)} failed")
    assert len(creqs) == fewest and 2 <= fewest <= 3, describe(reqs)
    for i, b in enumerate(bodies):
        assert within_limits(b), f"request {i + 1} exceeds Route53's limits"

    # every sample: a possible state of Route53 during the push
    assert sampler.samples, sampler.errors
    for s in sampler.samples:
        view = r53_canon(s.sets, BIG)
        ser = soa_serial(s.sets, BIG)
        assert ser in (old_serial, serial), ser
        for k in untouched:
            assert view.get(k) == before[k], f"untouched {k[0]} {k[1]}: {view.get(k)}"
        for k in changed:
            assert view.get(k) in (before[k], after[k]), f"changed {k[0]} went missing"
        for k in gone:
            assert view.get(k) in (None, before[k]), k
        for k in new:
            assert view.get(k) in (None, after[k]), k
        assert set(view) <= set(before) | set(after)
        if ser == serial:
            assert view == after, "the new serial is in Route53 before everything else"
    # listings taken wholly between the first request's landing and the
    # second's arrival show exactly the old zone plus the first request
    if len(creqs) >= 2:
        lo, hi = creqs[0].t_end - delay, creqs[1].t_start
        between = [s for s in sampler.samples if lo <= s.t0 and s.t1 <= hi]
        assert between, f"no listing between requests 1 and 2 ({hi - lo:.2f} s)"
        mid = apply(before, bodies[0])
        for s in between:
            view = r53_canon(s.sets, BIG)
            assert view == mid, canon_diff(view, mid, "listing", "old zone + request 1")
            assert soa_serial(s.sets, BIG) == old_serial


# ------------------------------------------------------------------ HTTPS

TLS_HOST = "route53.xfrsync.test"


class HttpsMoto(Moto):
    """The Moto helpers (create_zone, boto) for a moto_server behind TLS
    (tlslab.MotoTls): boto3 reaches it as localhost and trusts the test CA."""

    def __init__(self, workdir: Path, python: str, port: int, ca: Path):
        super().__init__(workdir, python)
        self.port, self.ca = port, ca

    @property
    def url(self) -> str:
        return f"https://localhost:{self.port}"

    def boto(self, op: str, **arg):
        import json
        from motolab import BOTO
        r = subprocess.run([self.py, "-c", BOTO, self.url, op, json.dumps(arg)],
                           capture_output=True, text=True, timeout=60,
                           env={**os.environ, **FAKE_ENV, "AWS_CA_BUNDLE": str(self.ca)})
        if r.returncode != 0:
            raise RuntimeError(f"boto3 {op} failed: {r.stderr[-2000:]}")
        return json.loads(r.stdout)


@pytest.fixture(scope="module")
def tls_lab(xfrsync, fake_env, tmp_path_factory):
    from tlslab import MotoTls, Pki
    py = moto_python()
    if py is None or shutil.which("moto_server") is None:
        pytest.skip("moto_server is not installed")
    base = tmp_path_factory.mktemp("pushchg-tls")
    pki = Pki(base / "pki")
    issued = pki.issue("route53", [TLS_HOST, "localhost"])
    server = MotoTls(issued, base)
    agent = PushAgent(xfrsync, base / "agent")
    primary = dnslab.Bind(base / "bind", {ZONE: route_zone_text()})
    primary.extra_notify = {ZONE: [agent.port]}
    try:
        moto = HttpsMoto(base / "moto", py, server.port, pki.root_pem)
        primary.start()
        zid = moto.create_zone(ZONE)
        r53 = R53(moto.url, verify=str(pki.root_pem))
        agent.write_config(
            [ZoneConf(ZONE, [(LOCALHOST, primary.port, KEY)], notify_key=KEY,
                      extra=[f'hosted-zone-id "/hostedzone/{zid}"'])],
            extra=aws_block(f'"https://{TLS_HOST}:{server.port}" address {LOCALHOST}',
                            f'\tca-file "{pki.root_pem}"\n'))
        agent.start()
        yield agent, primary, r53, zid, server
        rc = agent.stop()
        assert rc == 0, f"xfrsync exited {rc}:\n{agent.log_tail()}"
    finally:
        agent.stop()
        agent.cleanup()
        primary.stop()
        server.stop()


def moto_posts(server, zid: str) -> int:
    """Change requests in moto_server's request log."""
    text = server.log_path.read_text(errors="replace")
    return len(re.findall(rf'"POST /2013-04-01/hostedzone/{zid}/rrset/? HTTP/1\.1" 200', text))


def test_https_sync_and_change(tls_lab):
    """Over HTTPS with a test CA, the name from the URL (SNI, certificate,
    Host) and the address from `address`: the initial sync and one
    incremental change (one POST reaching moto) work."""
    agent, primary, r53, zid, server = tls_lab
    agent.wait_synced(ZONE, primary.serial(ZONE), timeout=120)
    assert route53_view(r53.list(zid)) == zone_view(primary.port)
    assert agent.grep(rf"connect\w* to 127\.0\.0\.1 port {server.port}"), agent.log_tail()
    posts = moto_posts(server, zid)
    assert posts >= 1, server.log_path.read_text(errors="replace")[-3000:]
    primary.update(ZONE, f"update add https-added.{ZONE}. 300 A 192.0.2.151",
                   f"update delete h08.{ZONE}. A")
    serial = primary.serial(ZONE)
    agent.wait_synced(ZONE, serial, timeout=60)
    view = route53_view(r53.list(zid))
    assert view == zone_view(primary.port)
    assert (f"https-added.{ZONE}.", "A") in view and (f"h08.{ZONE}.", "A") not in view
    time.sleep(0.5)  # moto writes its request line after answering
    assert moto_posts(server, zid) == posts + 1
