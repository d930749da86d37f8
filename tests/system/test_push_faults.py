"""The pushing daemon under Route53 faults, crashes, a second agent and drift.

r53proxy.R53Proxy (a recording, fault-injecting HTTP/1.1 proxy) sits
between `xfrsync run` and moto_server; the first two tests check the proxy
itself.  Then one module-scoped lab, configured like test_push.py (BIND 9
primary notifying the daemon, hosted zone in moto, aws { endpoint = the
proxy }), runs these in order (each depends on the previous ones):

  - initial reconcile through the proxy;
  - one nsupdate per fault on the ChangeResourceRecordSets it causes:
    Throttling and PriorRequestNotComplete (400), InternalFailure (500),
    ServiceUnavailable (503), the connection dropped before forwarding,
    dropped after moto applied it (the client never hears), and a slow
    answer (held 2.5 s) → the zone ends synced at the primary's serial, the
    boto3 listing equals the primary's zone, the faulted request was sent
    again (the proxy log) and r53-retries grew (r53-throttles too, for the
    throttles, once the field exists), and no change body that was answered
    was ever forwarded again;
  - kill -9 in the middle of a multi-request push (1500 new records; the
    2nd Change held by the proxy) and a restart with the same state-dir →
    converges, without re-sending the batches that had landed;
  - a second agent on the same hosted zone (its own proxy, both notified)
    → both idle at the primary's serial, Route53 equal to the zone, and no
    Change request at all in a quiet 5 s window after;
  - `ctl reconcile ZONE` and `drift-check 3s` (the agent restarted with it)
    repair Route53 changed behind the agent's back (a record deleted, a
    bogus one added), the primary untouched.

Credentials come from the daemon's environment (moto accepts any).  Logs:
/tmp/pytest-of-$USER/pytest-current/faults*/ (agent*/xfrsync.log,
bind/, moto/moto.log).
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import subprocess
import time
import xml.etree.ElementTree as ET

import pytest

import dnslab
from agent import ZoneConf
from dnslab import LOCALHOST, free_port
from motolab import Moto, moto_python
from pushlab import PushAgent
from r53proxy import Fault, R53Proxy, Req
from test_route53 import ZONE, route53_view, zone_text, zone_view

R53NS = "{https://route53.amazonaws.com/doc/2013-04-01/}"


@pytest.fixture(scope="module")
def moto(tmp_path_factory):
    py = moto_python()
    if py is None:
        pytest.skip("moto_server is not installed for any python3 on PATH")
    m = Moto(tmp_path_factory.mktemp("faultsmoto"), py)
    try:
        m.start()
        yield m
    finally:
        m.stop()


AUTH = {"Authorization": "AWS4-HMAC-SHA256 Credential=AKIDMOTOTESTING00000/20240101/"
                         "us-east-1/route53/aws4_request, SignedHeaders=host, Signature=00",
        "X-Amz-Date": "20240101T000000Z"}  # moto picks route53 from the scope


def create_body(name: str) -> bytes:
    return ('<ChangeResourceRecordSetsRequest xmlns="https://route53.amazonaws.com/doc/'
            '2013-04-01/"><ChangeBatch><Changes><Change><Action>CREATE</Action>'
            f'<ResourceRecordSet><Name>{name}</Name><Type>A</Type><TTL>60</TTL>'
            '<ResourceRecords><ResourceRecord><Value>192.0.2.7</Value></ResourceRecord>'
            '</ResourceRecords></ResourceRecordSet></Change></Changes></ChangeBatch>'
            '</ChangeResourceRecordSetsRequest>').encode()


def post_change(port: int, zid: str, name: str):
    """One change through the proxy: (status, body), or the exception."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        c.request("POST", f"/2013-04-01/hostedzone/{zid}/rrset/", body=create_body(name),
                  headers={**AUTH, "Content-Type": "application/xml"})
        r = c.getresponse()
        return r.status, r.read()
    except (OSError, http.client.HTTPException) as e:
        return e
    finally:
        c.close()


def test_proxy_forwards_and_answers_faults(moto):
    """The proxy forwards keep-alive requests to moto and records them; an
    armed status fault answers Route53's ErrorResponse XML instead."""
    zid = moto.create_zone("proxy.test")
    px = R53Proxy(moto.port)
    try:
        c = http.client.HTTPConnection("127.0.0.1", px.port, timeout=30)
        hdr = AUTH
        c.request("GET", f"/2013-04-01/hostedzone/{zid}/rrset?maxitems=1", headers=hdr)
        r = c.getresponse()
        body = r.read()
        assert r.status == 200, body
        assert b"ResourceRecordSets" in body
        px.inject("list", Fault.status(400, "Throttling", "Rate exceeded"))
        c.request("GET", f"/2013-04-01/hostedzone/{zid}/rrset", headers=hdr)  # same conn
        r = c.getresponse()
        body = r.read()
        assert r.status == 400
        root = ET.fromstring(body)
        assert root.tag == R53NS + "ErrorResponse"
        err = root.find(R53NS + "Error")
        assert [e.tag for e in err] == [R53NS + "Type", R53NS + "Code", R53NS + "Message"]
        assert err.find(R53NS + "Code").text == "Throttling"
        assert err.find(R53NS + "Type").text == "Sender"
        assert err.find(R53NS + "Message").text == "Rate exceeded"
        assert root.find(R53NS + "RequestId").text
        # the fault was used once: the next one is forwarded again
        c.request("GET", f"/2013-04-01/hostedzone/{zid}/rrset", headers=hdr)
        r = c.getresponse()
        r.read()
        assert r.status == 200
        reqs = px.since(0)
        assert [(q.kind, q.status, q.fault, q.forwarded) for q in reqs] == [
            ("list", 200, None, True), ("list", 400, "status 400 Throttling", False),
            ("list", 200, None, True)]
        assert reqs[0].query == {"maxitems": "1"}
        assert all(q.t_end >= q.t_start for q in reqs)
        assert px.count("list") == 3 and px.count("list", forwarded_only=True) == 2
        assert px.count("change") == 0 and px.count("any", since=1) == 2
        c.close()
    finally:
        px.close()


def test_proxy_drop_after_forwards_once(moto):
    """drop_after: the change reaches moto exactly once, the client sees the
    connection close without an answer; drop_before forwards nothing."""
    zid = moto.create_zone("drop.test")
    px = R53Proxy(moto.port)
    try:
        px.inject("change", Fault.drop_after())
        r = post_change(px.port, zid, "x.drop.test.")
        assert isinstance(r, http.client.RemoteDisconnected), r
        reqs = px.since(0)
        changes = [q for q in reqs if q.kind == "change"]
        assert len(changes) == 1, [(q.kind, q.fault) for q in reqs]
        assert changes[0].forwarded and changes[0].status is None
        assert changes[0].fault == "drop_after"
        assert changes[0].path.endswith("/rrset/")
        assert b"x.drop.test." in changes[0].body
        # the change landed in moto all the same
        names = [s["Name"] for s in moto.list(zid)]
        assert "x.drop.test." in names
        # drop_before on the next one: nothing forwarded, nothing landed
        px.inject("change", Fault.drop_before())
        r = post_change(px.port, zid, "y.drop.test.")
        assert isinstance(r, http.client.RemoteDisconnected), r
        last = px.since(0)[-1]
        assert last.kind == "change" and not last.forwarded and last.fault == "drop_before"
        assert "y.drop.test." not in [s["Name"] for s in moto.list(zid)]
    finally:
        px.close()


# ------------------------------------------------------------------ the lab


def aws_block(url: str, extra: str = "") -> str:
    return (f"aws {{\n\tcredentials-source env\n\tendpoint \"{url}\"\n{extra}}}\n")


def accepts(xfrsync, tmp_path, text: str) -> bool:
    """Does `xfrsync run -n` accept this aws block (a feature not landed yet
    is a configuration error)?"""
    conf = tmp_path / "probe.conf"
    fd = os.open(conf, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(f'zone "probe.test" {{\n\tprimary {LOCALHOST} port 53\n'
                f'\thosted-zone-id "/hostedzone/ZPROBE"\n}}\n' + text)
    r = subprocess.run([str(xfrsync), "run", "-n", "-c", str(conf)],
                       capture_output=True, text=True, timeout=30)
    return r.returncode == 0


class Lab:
    def __init__(self, xfrsync, base, moto: Moto, primary: dnslab.Bind, proxy: R53Proxy,
                 agent: PushAgent, agent2_port: int, zone_id: str):
        self.xfrsync, self.base = xfrsync, base
        self.moto, self.primary, self.proxy, self.agent = moto, primary, proxy, agent
        self.agent2_port, self.zone_id = agent2_port, zone_id
        self.round = 0
        self.tampered = 0

    def zone_conf(self) -> ZoneConf:
        return ZoneConf(ZONE, [(LOCALHOST, self.primary.port, dnslab.key_name(dnslab.XFR_KEY))],
                        notify_key=dnslab.key_name(dnslab.XFR_KEY),
                        extra=[f'hosted-zone-id "/hostedzone/{self.zone_id}"'])

    def configure(self, agent: PushAgent, url: str, aws_extra: str = ""):
        agent.write_config([self.zone_conf()], extra=aws_block(url, aws_extra))

    def push(self, agent: PushAgent | None = None) -> dict:
        return (agent or self.agent).push(ZONE)

    def wait_synced(self, serial: int, agent: PushAgent | None = None,
                    timeout: float = 90) -> dict:
        return (agent or self.agent).wait_synced(ZONE, serial, timeout)

    def r53(self):
        return route53_view(self.moto.list(self.zone_id))

    def zone(self):
        return zone_view(self.primary.port)

    def serial(self) -> int:
        return self.primary.serial(ZONE)

    def wait_equal(self, timeout: float = 60):
        """Until the boto3 listing equals the primary's zone."""
        deadline = time.monotonic() + timeout
        while True:
            r53, zone = self.r53(), self.zone()
            if r53 == zone:
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"Route53 differs from the zone after {timeout} s: "
                                     f"{view_diff(r53, zone)}\n{self.agent.log_tail()}")
            time.sleep(0.5)

    def next_update(self) -> list[str]:
        """A change with a new name, a deleted RRset and a TTL change: the
        push has a DELETE that must match Route53 exactly.  (At most 15.)"""
        i = self.round
        assert i < 15, "h00..h29 used up"
        self.round += 1
        return [f"update add f{i:02d}.{ZONE}. 300 A 192.0.2.{100 + i}",
                f"update delete h{i:02d}.{ZONE}. A",
                f"update delete h{i + 15:02d}.{ZONE}. A",
                f"update add h{i + 15:02d}.{ZONE}. 120 A 198.51.100.{200 + i}"]


def view_diff(a: dict, b: dict) -> str:
    only_a = {k: a[k] for k in a if k not in b}
    only_b = {k: b[k] for k in b if k not in a}
    differ = {k: (a[k], b[k]) for k in a if k in b and a[k] != b[k]}
    return f"only in Route53: {only_a}; only in the zone: {only_b}; differ: {differ}"


@pytest.fixture(scope="module")
def lab(xfrsync, moto, fake_env, tmp_path_factory):
    base = tmp_path_factory.mktemp("faults")
    agent = PushAgent(xfrsync, base / "agent")
    agent2_port = free_port()
    primary = dnslab.Bind(base / "bind", {ZONE: zone_text() + "zzz-victim IN A 192.0.2.240\n"})
    primary.extra_notify = {ZONE: [agent.port, agent2_port]}
    primary.extra_options = "    max-ixfr-ratio unlimited;"
    proxy = None
    try:
        primary.start()
        proxy = R53Proxy(moto.port)
        zone_id = moto.create_zone(ZONE)
        lab = Lab(xfrsync, base, moto, primary, proxy, agent, agent2_port, zone_id)
        lab.configure(agent, proxy.url)
        agent.start()
        yield lab
        if agent.returncode is None:  # (not left killed by a failed kill -9 test)
            rc = agent.stop()
            assert rc == 0, f"xfrsync exited {rc}:\n{agent.log_tail()}"
    finally:
        agent.stop()
        agent.cleanup()
        if proxy is not None:
            proxy.close()
        primary.stop()


def changes(reqs: list[Req]) -> list[Req]:
    return [r for r in reqs if r.kind == "change"]


def assert_no_double_apply(reqs: list[Req]):
    """No change body that moto applied and answered was forwarded again."""
    fw = [r for r in changes(reqs) if r.forwarded]
    for i, r in enumerate(fw):
        if r.status is not None and 200 <= r.status < 300:
            again = [q for q in fw[i + 1:] if q.body == r.body]
            assert not again, (f"an answered change was sent again: {r.body[:300]!r}",
                               [(q.status, q.fault) for q in fw])


def describe(reqs: list[Req]) -> list[tuple]:
    return [(r.kind, r.status, r.fault, r.forwarded) for r in reqs]


def test_initial_reconcile(lab):
    """Through the proxy: the first version lands; Route53 equals the zone."""
    p = lab.wait_synced(lab.serial())
    assert p["last"] != "never"
    assert lab.proxy.count("list", forwarded_only=True) >= 1
    assert lab.proxy.count("change", forwarded_only=True) >= 1
    assert lab.r53() == lab.zone()


ERR = {
    "throttling": (Fault.status(400, "Throttling", "Rate exceeded"), 2, True),
    "prior-request": (Fault.status(400, "PriorRequestNotComplete",
                                   "The request was rejected because Route 53 was still "
                                   "processing a prior request."), 1, True),
    "internal-failure": (Fault.status(500, "InternalFailure", "An internal error occurred",
                                      type_="Receiver"), 1, False),
    "service-unavailable": (Fault.status(503, "ServiceUnavailable", "Service unavailable",
                                         type_="Receiver"), 1, False),
    "drop-before": (Fault.drop_before(), 1, False),
    "drop-after": (Fault.drop_after(), 1, False),
}


@pytest.mark.parametrize("name", list(ERR))
def test_fault_on_change(lab, name):
    """One nsupdate whose ChangeResourceRecordSets meets the fault (`times`
    in a row) → retried, synced at the primary's serial, Route53 equal to
    the zone, no answered change applied twice."""
    fault, times, throttle = ERR[name]
    before = lab.wait_synced(lab.serial())
    m = lab.proxy.mark()
    lab.proxy.inject("change", fault, times=times)
    lab.primary.update(ZONE, *lab.next_update())
    serial = lab.serial()
    after = lab.wait_synced(serial)
    lab.proxy.clear_faults()
    reqs = lab.proxy.since(m)
    ch = changes(reqs)
    faulted = [r for r in ch if r.fault]
    assert len(faulted) == times, describe(reqs)
    # the same body was sent again after the (last) fault, and answered
    last = faulted[-1]
    again = [r for r in ch if r.t_start > last.t_start and r.body == last.body]
    assert again, (name, describe(reqs))
    if name == "drop-after" and again[0].status != 200:
        # the retry of a batch that had landed is refused (InvalidChangeBatch:
        # its CREATE exists, its DELETE no longer matches) → the SOA is read
        # (one set): the batch carried the new serial, so Route53 is already
        # there and no full listing follows
        assert 400 <= again[0].status < 500, describe(reqs)
        lists = [r for r in reqs if r.kind == "list" and r.t_start > again[0].t_start]
        assert lists and all(r.query.get("maxitems") == "1" for r in lists), describe(reqs)
        assert lab.agent.grep(r"Route53 already holds serial %d .*no listing needed"
                              % serial), lab.agent.log_tail()
    else:
        assert again[0].status == 200, describe(reqs)
    assert ch[-1].forwarded and ch[-1].status in (200, 400), describe(reqs)
    assert after["retries"] - before["retries"] >= times, (before, after)
    if throttle and after.get("throttles") is not None:
        assert after["throttles"] - before["throttles"] >= times, (before, after)
    if name == "drop-after":
        # the dropped change reached moto, yet the zone converges
        assert last.forwarded and last.status is None
    else:
        assert not last.forwarded
    assert_no_double_apply(reqs)
    assert lab.r53() == lab.zone()
    assert lab.proxy.count("change", since=m, forwarded_only=True) <= 4, describe(reqs)


def test_slow_answer(lab):
    """A Change answered after 2.5 s: no retry, no second request; the
    daemon stays responsive (ctl status shows the push in flight)."""
    before = lab.wait_synced(lab.serial())
    m = lab.proxy.mark()
    lab.proxy.inject("change", Fault.delay(2.5))
    lab.primary.update(ZONE, *lab.next_update())
    serial = lab.serial()
    # while the answer is held, ctl status answers and shows the push
    deadline = time.monotonic() + 60
    while not changes(lab.proxy.since(m)):
        assert time.monotonic() < deadline, lab.agent.log_tail()
        time.sleep(0.02)
    held = changes(lab.proxy.since(m))[0]
    state = lab.push()["state"]
    if held.t_end is None:  # still held when ctl answered
        assert state == "pushing", state
    after = lab.wait_synced(serial)
    reqs = lab.proxy.since(m)
    ch = changes(reqs)
    assert len(ch) == 1 and ch[0].fault == "delay 2.5" and ch[0].status == 200, describe(reqs)
    assert after["retries"] == before["retries"], (before, after)
    assert lab.r53() == lab.zone()


def test_pending_then_getchange_faults(lab):
    """A Change answered PENDING → GetChange polls; the first is throttled,
    the second dropped before forwarding → both retried, INSYNC at last;
    the change itself was sent once."""
    before = lab.wait_synced(lab.serial())
    m = lab.proxy.mark()
    lab.proxy.inject("change", Fault.pending())
    lab.proxy.inject("getchange", Fault.status(400, "Throttling", "Rate exceeded"))
    lab.proxy.inject("getchange", Fault.drop_before(), after=1)
    lab.primary.update(ZONE, *lab.next_update())
    after = lab.wait_synced(lab.serial())
    reqs = lab.proxy.since(m)
    # (before a push, the agent may read Route53's apex SOA: a small listing)
    assert all(r.query.get("maxitems") == "1" for r in reqs if r.kind == "list"), \
        describe(reqs)
    assert [(r.kind, r.status, r.fault) for r in reqs if r.kind != "list"] == [
        ("change", 200, "pending"), ("getchange", 400, "status 400 Throttling"),
        ("getchange", None, "drop_before"), ("getchange", 200, None)], describe(reqs)
    assert len({r.path for r in reqs if r.kind == "getchange"}) == 1
    # the dropped GET on a kept-alive connection is re-sent inside the HTTP
    # layer (a stale connection looks the same): it may count neither as a
    # call nor as a retry
    assert after["retries"] - before["retries"] >= 1, (before, after)
    if after.get("getchange") is not None:
        assert after["getchange"] - before["getchange"] in (2, 3), (before, after)
    if after.get("throttles") is not None:
        assert after["throttles"] - before["throttles"] >= 1, (before, after)
    assert lab.r53() == lab.zone()


# ------------------------------------------------------------ crash, restart

NAME_RE = re.compile(rb"<Name>([^<]*)</Name>")


def body_names(body: bytes) -> set[str]:
    return {n.decode().lower() for n in NAME_RE.findall(body)} - {ZONE + "."}


N_BIG = 2200  # ≤ 1000 changes per request: 3 requests


def test_kill9_mid_push_then_restart(lab):
    """2200 new records in one nsupdate need three Change requests; the
    2nd is held by the proxy (after moto applied it) and the agent is
    killed -9 meanwhile.  Restarted with the same configuration and
    state-dir, it converges to the primary's zone, and the names of the
    batches that had landed are not pushed again."""
    lab.wait_synced(lab.serial())
    m = lab.proxy.mark()
    lab.proxy.inject("change", Fault.delay(30), after=1)
    lab.primary.update(ZONE, *[f"update add k{i:04d}.{ZONE}. 300 A 10.{i // 250}.{i % 250}.1"
                               for i in range(N_BIG)])
    serial = lab.serial()
    deadline = time.monotonic() + 90
    while True:  # until the 2nd Change has reached moto (its answer is held)
        ch = changes(lab.proxy.since(m))
        if len(ch) >= 2 and ch[1].forwarded:
            break
        assert lab.agent.running(), lab.agent.log_tail()
        assert time.monotonic() < deadline, (describe(lab.proxy.since(m)),
                                             lab.agent.log_tail())
        time.sleep(0.02)
    assert ch[1].fault == "delay 30" and ch[1].status is None
    assert lab.push()["state"] == "pushing"
    lab.agent.proc.send_signal(signal.SIGKILL)  # by PID
    assert lab.agent.stop() == -signal.SIGKILL
    lab.proxy.clear_faults()
    # the serial-carrying SOA UPSERT goes last, after every batch landed
    # (issue 5: the synced serial is recorded in Route53's SOA only then)
    for r in ch[:2]:
        assert b"<Type>SOA</Type>" not in r.body, r.body[:400]
    landed = body_names(ch[0].body) | body_names(ch[1].body)
    assert len(landed) >= 2 and landed < {f"k{i:04d}.{ZONE}." for i in range(N_BIG)}, \
        "the push should need more than two requests"
    m2 = lab.proxy.mark()
    lab.agent.start()
    lab.wait_synced(serial, timeout=120)
    after = changes(lab.proxy.since(m2))
    assert after, "nothing pushed after the restart, yet a batch was missing"
    again = set().union(*(body_names(r.body) for r in after)) & landed
    assert not again, f"{len(again)} names pushed again, e.g. {sorted(again)[:5]}"
    assert all(r.status == 200 for r in after), describe(lab.proxy.since(m2))
    assert lab.r53() == lab.zone()


# -------------------------------------------------------------- two agents


def test_two_agents_converge(lab):
    """A second agent (own proxy, own state-dir) on the same hosted zone,
    both notified by the primary: two changes → both idle at the primary's
    serial, Route53 equal to the zone; a third with agent 2's SOA check held
    until agent 1 has pushed → agent 2 pushes nothing; then no Change
    request from either in a quiet 5 s window."""
    lab.wait_synced(lab.serial())
    proxy2 = R53Proxy(lab.moto.port)
    agent2 = PushAgent(lab.xfrsync, lab.base / "agent2", port=lab.agent2_port)
    try:
        lab.configure(agent2, proxy2.url)
        agent2.start()
        lab.wait_synced(lab.serial(), agent=agent2, timeout=120)
        assert lab.r53() == lab.zone()
        for _ in range(2):  # both race for the same change
            lab.primary.update(ZONE, *lab.next_update())
            serial = lab.serial()
            lab.wait_synced(serial)
            lab.wait_synced(serial, agent=agent2)
        assert lab.r53() == lab.zone()
        # agent 2 slower: its first listing (the SOA serial check before a
        # push) is held 3 s before it reaches moto; if agent 1's change had
        # landed by then, agent 2 must see the serial there and not push
        m1, m2, am2 = lab.proxy.mark(), proxy2.mark(), agent2.mark()
        proxy2.inject("list", Fault.delay_before(3))
        lab.primary.update(ZONE, *lab.next_update())
        serial = lab.serial()
        lab.wait_synced(serial)
        lab.wait_synced(serial, agent=agent2)
        proxy2.clear_faults()
        r1, r2 = lab.proxy.since(m1), proxy2.since(m2)
        c1 = [r for r in changes(r1) if r.status == 200]
        held = [r for r in r2 if r.fault]
        if held and held[0].query.get("maxitems") == "1" and c1 and \
                c1[0].t_end < held[0].t_forward:
            assert not changes(r2), describe(r2)
            assert agent2.grep(r"Route53 already holds serial %d" % serial, am2), \
                agent2.log_tail()
        assert lab.r53() == lab.zone()
        m1, m2 = lab.proxy.mark(), proxy2.mark()
        p1, p2 = lab.push(), lab.push(agent2)
        time.sleep(5)
        q1, q2 = lab.push(), lab.push(agent2)
        assert lab.proxy.count("change", since=m1) == 0, describe(lab.proxy.since(m1))
        assert proxy2.count("change", since=m2) == 0, describe(proxy2.since(m2))
        for a, b in ((p1, q1), (p2, q2)):
            assert b["state"] == "idle" and b["serial"] == serial, (a, b)
            assert b["calls"] - a["calls"] <= 2, (a, b)  # no retry loop either
        assert lab.r53() == lab.zone()
        rc = agent2.stop()
        assert rc == 0, f"agent 2 exited {rc}:\n{agent2.log_tail()}"
    finally:
        agent2.stop()
        agent2.cleanup()
        proxy2.close()


# ---------------------------------------------------------- drift, reconcile


# The record the tampering deletes.  moto refuses to CREATE a record set
# again, identical to an earlier CREATE in its journal, whenever any record
# set sorts at or after it (moto 5.2 FakeZone.change_resource_record_sets:
# get_record_sets(start_name=...) lists from that name on, instead of that
# name only): a victim that sorts last in the zone (reversed name order)
# can be re-created; the bogus names sort before it.
VICTIM = f"zzz-victim.{ZONE}."


def tamper(lab, check: bool = True) -> str:
    """Change Route53 behind the agent's back: delete a record below the
    apex, add a bogus one, change the value of another.  Returns the bogus
    name.  check: list Route53 to see the damage (racy under a 3 s drift
    check)."""
    sets = lab.moto.list(lab.zone_id)
    victim = next(s for s in sets if s["Name"] == VICTIM and s["Type"] == "A")
    mail = next(s for s in sets if s["Name"] == f"mail.{ZONE}." and s["Type"] == "A")
    bogus = f"bogus{lab.tampered}.{ZONE}."
    lab.tampered += 1
    lab.moto.boto("change", id=lab.zone_id, changes=[
        {"Action": "DELETE", "ResourceRecordSet": victim},
        {"Action": "CREATE", "ResourceRecordSet": {
            "Name": bogus, "Type": "A", "TTL": 60,
            "ResourceRecords": [{"Value": "192.0.2.250"}]}},
        {"Action": "UPSERT", "ResourceRecordSet": {
            **mail, "ResourceRecords": [{"Value": "192.0.2.251"}]}}])
    if check:
        view = lab.r53()
        assert (VICTIM, "A") not in view and (bogus, "A") in view
        assert view[(f"mail.{ZONE}.", "A")][1] == {"192.0.2.251"}
    return bogus


def assert_repaired_by_agent(lab, m: int, bogus: str, timeout: float = 10):
    """The agent's answered changes since proxy mark m re-created the
    victim, deleted the bogus set and restored mail's value (waits a little:
    the proxy notes the answer just before sending it)."""
    deadline = time.monotonic() + timeout
    while True:
        reqs = lab.proxy.since(m)
        names = set().union(*(body_names(r.body) for r in changes(reqs)
                              if r.forwarded and r.status == 200))
        if {VICTIM, bogus, f"mail.{ZONE}."} <= names:
            return
        assert time.monotonic() < deadline, (names, describe(reqs))
        time.sleep(0.1)


def test_ctl_reconcile_repairs(lab):
    """`ctl reconcile ZONE` lists Route53 and repairs it at once (drift
    check at its default of 1 h), the primary unchanged."""
    serial = lab.serial()
    lab.wait_synced(serial)
    probe = lab.agent.ctl("reconcile", ZONE)
    # (the daemon answers "OK reconcile started"; ctl prints the text after OK
    # on stderr)
    assert probe.returncode == 0 and "reconcile started" in probe.stderr, probe
    lab.wait_synced(serial)
    bogus = tamper(lab)
    m = lab.proxy.mark()
    before = lab.push()
    # the listing meets faults too: a 503 on its 2nd page, the 3rd dropped
    # after moto answered it
    lab.proxy.inject("list", Fault.status(503, "ServiceUnavailable", "Service unavailable",
                                          type_="Receiver"), after=1)
    lab.proxy.inject("list", Fault.drop_after(), after=3)
    r = lab.agent.ctl("reconcile", ZONE)
    assert r.returncode == 0 and r.stderr.strip() == "reconcile started", r
    lab.wait_equal(timeout=60)
    assert lab.serial() == serial
    reqs = lab.proxy.since(m)
    assert lab.proxy.count("list", since=m) >= 1 and len(changes(reqs)) >= 1, describe(reqs)
    assert_no_double_apply(reqs)
    assert_repaired_by_agent(lab, m, bogus)
    lists = [r for r in lab.proxy.since(m) if r.kind == "list"]
    faulted = [r for r in lists if r.fault]
    assert [r.fault for r in faulted] == ["status 503 ServiceUnavailable", "drop_after"], \
        describe(lists)
    for f in faulted:  # the same page asked again
        assert any(r.query == f.query and r.status == 200 and r.t_start > f.t_start
                   for r in lists), describe(lists)
    after = lab.wait_synced(serial)
    assert after["serial"] == serial
    assert after["retries"] - before["retries"] >= 1, (before, after)
    bad = lab.agent.ctl("reconcile", "nosuch.test")
    assert bad.returncode != 0 and "no such zone" in bad.stderr, bad


def test_drift_check_repairs(lab):
    """Restarted with `drift-check 3s`: Route53 changed behind the agent's
    back is repaired by the next drift check, the primary unchanged."""
    assert accepts(lab.xfrsync, lab.base, aws_block(lab.proxy.url, "\tdrift-check 3s\n"))
    serial = lab.serial()
    lab.wait_synced(serial)
    rc = lab.agent.stop()
    assert rc == 0, f"xfrsync exited {rc}:\n{lab.agent.log_tail()}"
    lab.configure(lab.agent, lab.proxy.url, "\tdrift-check 3s\n")
    assert (lab.agent.dir / f"{ZONE}.route53").exists()
    m = lab.proxy.mark()
    lab.agent.start()
    lab.wait_synced(serial, timeout=120)
    # the state file's serial is Route53's SOA serial and the zone's: one
    # small listing (the apex SOA) instead of a full one
    first = [r for r in lab.proxy.since(m) if r.kind == "list"][0]
    assert first.query.get("maxitems") == "1", first
    assert lab.r53() == lab.zone()
    for _ in range(2):  # twice: the check keeps running
        m = lab.proxy.mark()
        bogus = tamper(lab, check=False)
        lab.wait_equal(timeout=60)
        assert lab.serial() == serial
        reqs = lab.proxy.since(m)
        assert lab.proxy.count("list", since=m) >= 1 and len(changes(reqs)) >= 1, \
            describe(reqs)
        assert_no_double_apply(reqs)
        assert_repaired_by_agent(lab, m, bogus)
    assert lab.wait_synced(serial)["state"] == "idle"
