"""`xfrsync plan` and `xfrsync sync` against canned Route53 answers: what
moto_server cannot show.

Route53 is r53stub.py (a scripted HTTP/1.1 server on a free 127.0.0.1 port,
aws { endpoint "http://127.0.0.1:PORT" }), which records every request and
checks its SigV4 signature (region us-east-1, service route53; recomputed
with the secret the agent was given).  A BIND 9 primary (dnslab) serves
page.test (about 1 000 RRsets) and small.test; credentials come from the
environment, or from the ECS stand-in of awsstub.py for the refresh tests.

  (a) a listing of 999 sets in pages of 300 whose NextRecordName carries
      escapes (\\052 wildcard, \\040 space, \\100 with the same name on both
      sides of a page break): each next page is asked with exactly the
      RFC 3986 encoding of the escaped name and the type, no page twice;
      the plan lists exactly the differences; sync's DELETE carries
      Route53's TTL and values; a listing that points back at a page
      already read is refused;
  (b) Change answered PENDING, GetChange PENDING three times then INSYNC:
      sync exits 0 only after INSYNC, GetChange gaps grow; PENDING forever:
      sync does not succeed;
  (c) retryable answers (Throttling, ThrottlingException,
      PriorRequestNotComplete, 429, 5xx with a non-XML or empty body) then
      success: retried, same body, exit 0;
  (d) InvalidChangeBatch: exit 1, Route53's message(s) on one stderr line,
      no blind retry; answers nothing can fix (NoSuchHostedZone,
      AccessDenied, an HTML or empty 4xx): one request, one line;
  (e) 403 ExpiredToken / InvalidClientTokenId: static credentials fail at
      once; refreshable ones (ECS) are refreshed once and the request sent
      again with the new key, then a loud failure; never a secret printed;
  (f) a signature error saying the time is out: the clock-skew failure,
      no retry; a plain signature mismatch is not called a clock problem.

Route53's behaviour assumed here is route53.md's.
Logs: pytest's tmp dir (/tmp/pytest-of-$USER/pytest-current/canned*/),
BIND's named.log there; each test's xfrsync output is in the assertion
messages.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
import urllib.parse
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import awsstub
import dnslab
from agent import key_text, write_file
from dnslab import LOCALHOST, XFR_KEY
from motolab import FAKE_ENV
from r53stub import (R53NS, R53Stub, Resp, Route53Model, RRset, change_xml, error_xml,
                     invalid_change_batch_xml, invalid_signature_xml, list_xml, on,
                     r53_escape_name)

PAGE = "page.test"
SMALL = "small.test"
ZONE_ID = "Z0CANNED0001"
SECRET = FAKE_ENV["AWS_SECRET_ACCESS_KEY"]
R53_SOA = "ns-2048.awsdns-64.com. awsdns-hostmaster.amazon.com. {} 7200 900 1209600 86400"
R53_NS = ["ns-2048.awsdns-64.com.", "ns-2049.awsdns-65.net."]
NS = "{" + R53NS + "}"

# ---------------------------------------------------------------- the zones

FILLERS = 991  # h0000 .. h0990


def filler_ip(i: int) -> str:
    return f"10.0.{i // 256}.{i % 256}"


def page_zone() -> str:
    lines = [f"$ORIGIN {PAGE}.", "$TTL 300",
             "@ IN SOA ns1 hostmaster 7 3600 600 86400 60",
             "@ IN NS ns1", "ns1 IN A 192.0.2.53",
             "*.w IN A 192.0.2.42",
             'a\\032b IN TXT "space"',
             "\\@home IN A 192.0.2.64",
             "\\@home IN AAAA 2001:db8::64",
             "new IN A 192.0.2.99"]
    lines += [f"h{i:04d} IN A {filler_ip(i)}" for i in range(FILLERS)]
    return "\n".join(lines) + "\n"


def page_listing() -> list[RRset]:
    """Route53's copy of page.test, in an order that puts the escaped
    names at the page breaks (300, 600, 900), minus new, plus stale,
    h0450 with another TTL, and the SOA one serial behind (6; the zone
    is at 7)."""
    def h(i: int) -> RRset:
        return RRset(f"h{i:04d}.{PAGE}.", "A", 60 if i == 450 else 300, [filler_ip(i)])

    fill = iter(range(FILLERS))
    sets = [RRset(f"{PAGE}.", "NS", 172800, R53_NS),
            RRset(f"{PAGE}.", "SOA", 900, [R53_SOA.format(6)]),
            RRset(f"ns1.{PAGE}.", "A", 300, ["192.0.2.53"])]
    while len(sets) < 300:
        sets.append(h(next(fill)))
    sets.append(RRset(r53_escape_name(f"*.w.{PAGE}"), "A", 300, ["192.0.2.42"]))
    while len(sets) < 600:
        sets.append(h(next(fill)))
    sets.append(RRset(r53_escape_name(f"a b.{PAGE}"), "TXT", 300, ['"space"']))
    while len(sets) < 899:
        sets.append(h(next(fill)))
    sets.append(RRset(r53_escape_name(f"@home.{PAGE}"), "A", 300, ["192.0.2.64"]))
    sets.append(RRset(r53_escape_name(f"@home.{PAGE}"), "AAAA", 300, ["2001:db8::64"]))
    sets += [h(i) for i in fill]
    sets.append(RRset(f"stale.{PAGE}.", "A", 86400, ["192.0.2.200", "192.0.2.201"]))
    assert sets[300].name == "\\052.w.page.test."
    assert sets[600].name == "a\\040b.page.test."
    assert sets[900].name == "\\100home.page.test." and sets[900].type == "AAAA"
    return sets


def small_zone() -> str:
    return "\n".join([f"$ORIGIN {SMALL}.", "$TTL 300",
                      "@ IN SOA ns1 hostmaster 3 3600 600 86400 60",
                      "@ IN NS ns1", "ns1 IN A 192.0.2.53",
                      "www IN A 192.0.2.80"]) + "\n"


def small_listing() -> list[RRset]:
    """Route53's small.test: everything but www, the SOA one serial behind
    (so a sync sends a CREATE and the SOA's serial)."""
    return [RRset(f"{SMALL}.", "NS", 172800, R53_NS),
            RRset(f"{SMALL}.", "SOA", 900, [R53_SOA.format(2)]),
            RRset(f"ns1.{SMALL}.", "A", 300, ["192.0.2.53"])]


@pytest.fixture(scope="module")
def primary(tmp_path_factory):
    server = dnslab.Bind(tmp_path_factory.mktemp("cannedbind"),
                         {PAGE: page_zone(), SMALL: small_zone()})
    try:
        server.start()
        yield server
    finally:
        server.stop()


# ---------------------------------------------------------------- running xfrsync


class Run:
    def __init__(self, p: subprocess.CompletedProcess, t0: float, t1: float):
        self.rc, self.out, self.err = p.returncode, p.stdout, p.stderr
        self.t0, self.t1 = t0, t1

    def __str__(self) -> str:
        return f"exit {self.rc}\n--- stdout\n{self.out[-3000:]}\n--- stderr\n{self.err[-3000:]}"

    __repr__ = __str__

    def failure_lines(self, cmd: str) -> list[str]:
        return [ln for ln in self.err.splitlines() if ln.startswith(f"xfrsync {cmd}: ")
                and "warning:" not in ln and not re.match(rf"xfrsync {cmd}: \S+: serial ", ln)]


class Lab:
    def __init__(self, xfrsync: Path, primary: dnslab.Primary, d: Path, stub: R53Stub):
        self.xfrsync, self.primary, self.dir, self.stub = xfrsync, primary, d, stub
        self.secrets: list[str] = [SECRET]

    def conf(self, aws_extra: str = "credentials-source env") -> Path:
        path = self.dir / "xfrsync.conf"
        zones = "".join(f"""
zone "{z}" {{
    primary {LOCALHOST} port {self.primary.port} key "{dnslab.key_name(XFR_KEY)}"
    hosted-zone-id "/hostedzone/{ZONE_ID}"
}}
""" for z in (PAGE, SMALL))
        write_file(path, key_text(XFR_KEY) + zones + f"""
aws {{
    {aws_extra}
    endpoint "{self.stub.url}"
}}
""")
        return path

    def run(self, cmd: str, zone: str, env: dict | None = None, timeout: int = 90,
            aws_extra: str = "credentials-source env") -> Run:
        conf = self.conf(aws_extra)
        e = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        e.update(FAKE_ENV if env is None else env)
        t0 = time.monotonic()
        p = subprocess.run([str(self.xfrsync), cmd, "-c", str(conf), "-t", str(timeout), zone],
                           capture_output=True, text=True, timeout=timeout + 60, env=e)
        r = Run(p, t0, time.monotonic())
        (self.dir / f"{cmd}.out").write_text(str(r))
        for s in self.secrets:
            assert s not in r.out and s not in r.err, f"a secret was printed:\n{r}"
        # Under a sanitizer build ($XFRSYNC), a report must fail the test
        # even where exit status 1 is expected.
        assert not re.search(r"Sanitizer|runtime error:", r.err), r
        return r


@pytest.fixture
def stub():
    s = R53Stub(secret_for={FAKE_ENV["AWS_ACCESS_KEY_ID"]: SECRET}.get)
    try:
        yield s
    finally:
        s.stop()


@pytest.fixture
def lab(xfrsync, primary, tmp_path, stub):
    return Lab(xfrsync, primary, tmp_path, stub)


def small_model(stub: R53Stub, **kw) -> Route53Model:
    stub.model = Route53Model(ZONE_ID, small_listing(), **kw)
    return stub.model


CALLS_RE = re.compile(r"^calls: ListResourceRecordSets (\d+), ChangeResourceRecordSets (\d+), "
                      r"GetChange (\d+); retries (\d+), throttles (\d+)$", re.M)


def calls_line(out: str) -> dict[str, int]:
    m = CALLS_RE.search(out)
    assert m, out
    return dict(zip(["list", "change", "get", "retries", "throttles"], map(int, m.groups())))


def changes_of(body: bytes) -> list[tuple[str, str, str, int, list[str]]]:
    """(action, name, type, ttl, values) of each Change in a body."""
    root = ET.fromstring(body)
    assert root.tag == NS + "ChangeResourceRecordSetsRequest"
    out = []
    for c in root.iter(NS + "Change"):
        s = c.find(NS + "ResourceRecordSet")
        out.append((c.findtext(NS + "Action"), s.findtext(NS + "Name"), s.findtext(NS + "Type"),
                    int(s.findtext(NS + "TTL")),
                    [v.text for v in s.iter(NS + "Value")]))
    return out


def soa_line(zone: str, serial: int) -> str:
    return f"{zone}. 900 SOA {R53_SOA.format(serial)}"


def soa_change(zone: str, serial: int) -> tuple:
    return ("UPSERT", f"{zone}.", "SOA", 900, [R53_SOA.format(serial)])


def full_listing(stub: R53Stub) -> list:
    """The listing requests of a full listing: not a one-set SOA probe
    (maxitems=1 at the apex, which a serial check before a push may send)."""
    return [x for x in stub.calls("list") if x.raw_q("maxitems") != "1"]


def no_auth_problems(stub: R53Stub):
    problems = stub.auth_problems()
    assert problems == [], "\n".join(problems)


# ---------------------------------------------------------------- (a) pagination


def rfc3986(s: str) -> str:
    return urllib.parse.quote(s, safe="-._~")


def test_listing_pages_follow_escaped_next_names(lab, stub):
    """(a) 999 sets in pages of 300; the next names are \\052.w (a wildcard),
    a\\040b (a space) and \\100home AAAA (after \\100home A ends a page)."""
    sets = page_listing()
    stub.model = Route53Model(ZONE_ID, sets)
    r = lab.run("plan", PAGE)
    assert r.rc == 0, r
    lists = full_listing(stub)
    assert [x.path for x in lists] == [f"/2013-04-01/hostedzone/{ZONE_ID}/rrset"] * 4, \
        [x.target for x in lists]
    # The first page from the start; each next one exactly at the escaped
    # NextRecordName, RFC 3986 encoded (the backslash as %5C), and type.
    assert lists[0].raw_q("name") is None and lists[0].raw_q("type") is None
    want = [(sets[i].name, sets[i].type) for i in (300, 600, 900)]
    for req, (name, rtype) in zip(lists[1:], want):
        assert req.raw_q("name") == rfc3986(name), req.target
        assert req.raw_q("type") == rtype, req.target
        assert req.raw_q("identifier") is None, req.target
    assert [x.raw_q("name") for x in lists[1:]] == \
        ["%5C052.w.page.test.", "a%5C040b.page.test.", "%5C100home.page.test."]
    for req in lists:
        assert req.raw_q("maxitems") in (None, "300"), req.target
        assert req.status == 200
    # No page asked twice.
    starts = [(x.q("name"), x.q("type")) for x in lists]
    assert len(set(starts)) == len(starts), starts
    assert stub.calls("change") == [] and stub.calls("getchange") == []
    no_auth_problems(stub)
    # The plan: exactly the differences (and the SOA's serial), nothing
    # from a lost or repeated page.
    plus = sorted(ln[2:] for ln in r.out.splitlines() if ln.startswith("+ "))
    minus = sorted(ln[2:] for ln in r.out.splitlines() if ln.startswith("- "))
    assert plus == sorted([f"h0450.{PAGE}. 300 A 10.0.1.194", f"new.{PAGE}. 300 A 192.0.2.99",
                           soa_line(PAGE, 7)]), r
    assert minus == sorted([f"h0450.{PAGE}. 60 A 10.0.1.194",
                            f"stale.{PAGE}. 86400 A 192.0.2.200",
                            f"stale.{PAGE}. 86400 A 192.0.2.201", soa_line(PAGE, 6)]), r
    assert re.search(r"^plan: 4 changes in 1 request ", r.out, re.M), r


def test_sync_after_paged_listing_sends_exact_delete(lab, stub):
    """(a) The same listing synced: one Change whose DELETE carries Route53's
    TTL (86400, which the primary never had) and both values as listed."""
    stub.model = model = Route53Model(ZONE_ID, page_listing())
    r = lab.run("sync", PAGE)
    assert r.rc == 0, r
    assert len(model.changes) == 1, r
    got = sorted(changes_of(model.changes[0]))
    assert got == sorted([
        ("CREATE", f"new.{PAGE}.", "A", 300, ["192.0.2.99"]),
        ("DELETE", f"stale.{PAGE}.", "A", 86400, ["192.0.2.200", "192.0.2.201"]),
        ("UPSERT", f"h0450.{PAGE}.", "A", 300, ["10.0.1.194"]),
        soa_change(PAGE, 7),
    ]), got
    c = stub.calls("change")[0]
    assert c.path == f"/2013-04-01/hostedzone/{ZONE_ID}/rrset/"
    assert c.headers.get("content-type", "application/xml") == "application/xml"
    assert len(full_listing(stub)) == 4
    no_auth_problems(stub)


def test_listing_that_does_not_advance_is_refused(lab, stub):
    """(a) A listing whose every page says "more, from ns1 A" (a page
    already read): the agent stops with an error instead of asking the
    same page again."""
    sets = small_listing()
    stub.script(on("list"), lambda r: Resp(200, list_xml(sets, True, sets[2])), times=None)
    r = lab.run("plan", SMALL, timeout=6)
    assert r.rc == 1, r
    targets = [x.target for x in full_listing(stub)]
    assert len(targets) == len(set(targets)), f"{len(targets)} list requests: {targets[:4]}"
    assert "time limit" not in r.err, r


def test_listing_that_leads_back_to_an_earlier_page_is_refused(lab, stub):
    """(a) Pages that cycle: from the start -> "more from x A", from x ->
    "more from y A", from y -> "more from x A" again: the agent stops with
    an error instead of asking for x's page a second time."""
    x = RRset(f"x.{SMALL}.", "A", 300, ["192.0.2.1"])
    y = RRset(f"y.{SMALL}.", "A", 300, ["192.0.2.2"])

    def page(r):
        if r.q("name") is None:
            return Resp(200, list_xml(small_listing(), True, x))
        if r.q("name") == x.name:
            return Resp(200, list_xml([x], True, y))
        return Resp(200, list_xml([y], True, x))

    stub.script(on("list"), page, times=None)
    r = lab.run("plan", SMALL, timeout=6)
    assert r.rc == 1, r
    targets = [t.target for t in full_listing(stub)]
    assert len(targets) == len(set(targets)), f"{len(targets)} list requests: {targets[:4]}"
    assert "time limit" not in r.err, r


# ---------------------------------------------------------------- (b) PENDING, then INSYNC


def test_sync_waits_for_insync_with_growing_gaps(lab, stub):
    """(b) Change PENDING, GetChange PENDING x3 then INSYNC: exit 0 only
    after INSYNC; the GetChange requests are spaced by a growing back-off."""
    model = small_model(stub, change_status="PENDING")
    stub.script(on("getchange"), Resp(200, change_xml("C0001", "PENDING", get=True)), times=3)
    stub.script(on("getchange"), Resp(200, change_xml("C0001", "INSYNC", get=True)), times=1)
    stub.script(on("getchange"), Resp(500, "GetChange after INSYNC\n"), times=None)
    r = lab.run("sync", SMALL)
    assert r.rc == 0, r
    assert len(model.changes) == 1
    assert sorted(changes_of(model.changes[0])) == sorted([
        ("CREATE", f"www.{SMALL}.", "A", 300, ["192.0.2.80"]), soa_change(SMALL, 3)])
    gets = stub.calls("getchange")
    assert [g.path for g in gets] == ["/2013-04-01/change/C0001"] * 4, [g.target for g in gets]
    assert [g.status for g in gets] == [200] * 4
    assert re.search(r"change C0001 INSYNC", r.out), r
    assert re.search(rf"^sync: {SMALL}: 1 request pushed", r.out, re.M), r
    # The exit came after the INSYNC answer.
    assert r.t1 > gets[-1].t
    change = stub.calls("change")[0]
    times = [change.t] + [g.t for g in gets]
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert gaps[0] >= 0.3, f"first GetChange {gaps[0]:.2f} s after the Change: {gaps}"
    # Growing (a little slack for a loaded machine), and clearly so overall.
    assert all(b > a - 0.25 for a, b in zip(gaps, gaps[1:])), f"gaps do not grow: {gaps}"
    assert gaps[-1] > 2 * gaps[0], f"gaps do not grow: {gaps}"
    c = calls_line(r.out)
    assert (c["change"], c["get"], c["retries"], c["throttles"]) == (1, 4, 0, 0), r
    no_auth_problems(stub)


def test_sync_does_not_succeed_while_pending(lab, stub):
    """(b) GetChange stays PENDING: sync never reports success; it stops at
    its time limit with a failure."""
    small_model(stub, change_status="PENDING")
    stub.script(on("getchange"), Resp(200, change_xml("C0001", "PENDING", get=True)),
                times=None)
    r = lab.run("sync", SMALL, timeout=8)
    assert r.rc != 0, r
    assert "pushed" not in r.out and "INSYNC" not in r.out, r
    assert len(stub.calls("getchange")) >= 2, [x.target for x in stub.requests]
    assert r.failure_lines("sync"), r


# ---------------------------------------------------------------- (c) retried answers


RETRYABLE = {
    "throttling": (Resp(400, error_xml("Throttling", "Rate exceeded")), 1),
    "throttling-exception": (Resp(400, error_xml("ThrottlingException", "Rate exceeded")), 1),
    "prior-request": (Resp(400, error_xml(
        "PriorRequestNotComplete", "The request was rejected because Route 53 was still "
        "processing a prior request.")), 1),
    "429-empty": (Resp(429, ""), 1),
    "503-text": (Resp(503, "Service Unavailable\r\n", content_type="text/plain"), 0),
    "502-html": (Resp(502, "<html><body><h1>502 Bad Gateway</h1></body></html>",
                      content_type="text/html"), 0),
    "500-empty": (Resp(500, ""), 0),
    "500-internal": (Resp(500, error_xml("InternalFailure", "internal error", "Receiver")), 0),
}


@pytest.mark.parametrize("kind", list(RETRYABLE))
def test_change_retried_after_retryable_answer(lab, stub, kind):
    """(c) The Change is answered with a retryable error once, then INSYNC:
    sent again with the same body, exit 0, one retry counted."""
    answer, throttles = RETRYABLE[kind]
    model = small_model(stub)
    stub.script(on("change"), answer, times=1)
    r = lab.run("sync", SMALL)
    assert r.rc == 0, r
    changes = stub.calls("change")
    assert len(changes) == 2, [x.target for x in stub.requests]
    assert changes[0].body == changes[1].body
    assert [c.status for c in changes] == [answer.status, 200]
    assert len(model.changes) == 1
    c = calls_line(r.out)
    assert c["change"] == 2 and c["retries"] == 1 and c["throttles"] == throttles, r
    no_auth_problems(stub)


def test_listing_retried_after_throttling(lab, stub):
    """(c) The listing throttled twice, then answered: exit 0, the same
    first page asked three times, nothing else lost."""
    small_model(stub)
    stub.script(on("list"), Resp(400, error_xml("Throttling", "Rate exceeded")), times=2)
    r = lab.run("plan", SMALL)
    assert r.rc == 0, r
    lists = stub.calls("list")
    assert [x.status for x in lists[:3]] == [400, 400, 200], [x.target for x in lists]
    assert len({x.target for x in lists[:3]}) == 1
    assert f"+ www.{SMALL}. 300 A 192.0.2.80" in r.out.splitlines(), r
    no_auth_problems(stub)


# ---------------------------------------------------------------- (d) InvalidChangeBatch

MSG1 = (f"Tried to create resource record set [name='www.{SMALL}.', type='A'] "
        "but it already exists")
MSG2 = (f"Tried to delete resource record set [name='old.{SMALL}.', type='TXT'] "
        "but the values provided do not match the current values")


def test_invalid_change_batch_fails_with_route53_message(lab, stub):
    """(d) InvalidChangeBatch: exit 1, Route53's message on one stderr line,
    the Change not sent again, no GetChange."""
    small_model(stub)
    stub.script(on("change"), Resp(400, invalid_change_batch_xml(MSG1)), times=None)
    r = lab.run("sync", SMALL)
    assert r.rc == 1, r
    lines = [ln for ln in r.err.splitlines() if MSG1 in ln]
    assert len(lines) == 1, r
    assert "InvalidChangeBatch" in lines[0], r
    assert r.failure_lines("sync") == lines, r
    assert len(stub.calls("change")) == 1 and stub.calls("getchange") == [], \
        [x.target for x in stub.requests]
    assert "pushed" not in r.out
    no_auth_problems(stub)


def test_invalid_change_batch_reports_every_message(lab, stub):
    """(d) Two bad changes, two messages: both on the one failure line."""
    small_model(stub)
    stub.script(on("change"), Resp(400, invalid_change_batch_xml(MSG1, MSG2)), times=None)
    r = lab.run("sync", SMALL)
    assert r.rc == 1, r
    lines = r.failure_lines("sync")
    assert len(lines) == 1, r
    assert MSG1 in lines[0] and MSG2 in lines[0], r


def test_invalid_change_batch_with_many_messages_says_how_many_are_left_out(lab, stub):
    """(d) Six bad changes, six messages, more than one line can hold: the
    line keeps whole messages and says how many it leaves out."""
    msgs = [f"Tried to create resource record set [name='n{i}.{SMALL}.', type='A'] "
            "but it already exists" for i in range(6)]
    small_model(stub)
    stub.script(on("change"), Resp(400, invalid_change_batch_xml(*msgs)), times=None)
    r = lab.run("sync", SMALL)
    assert r.rc == 1, r
    lines = r.failure_lines("sync")
    assert len(lines) == 1 and msgs[0] in lines[0], r
    left_out = sum(m not in lines[0] for m in msgs)
    assert left_out == 0 or f"and {left_out} more" in lines[0], r


def test_error_message_with_newlines_stays_one_line(lab, stub):
    """(d) A pretty-printed message (newlines and indentation inside
    <Message>): the failure is still one line."""
    small_model(stub)
    body = (f'<?xml version="1.0"?>\n<InvalidChangeBatch xmlns="{R53NS}">\n'
            f"  <Messages>\n    <Message>\n      {MSG1}\n    </Message>\n  </Messages>\n"
            f"</InvalidChangeBatch>\n")
    stub.script(on("change"), Resp(400, body), times=None)
    r = lab.run("sync", SMALL)
    assert r.rc == 1, r
    assert any(MSG1 in ln for ln in r.err.splitlines()), r
    tail = r.err[r.err.index("xfrsync sync: ChangeResourceRecordSets"):]
    assert tail.count("\n") == 1, r


FATAL = {
    "404-NoSuchHostedZone": (Resp(404, error_xml("NoSuchHostedZone",
                                                 f"No hosted zone found with ID: {ZONE_ID}")),
                             "NoSuchHostedZone"),
    "403-AccessDenied": (Resp(403, error_xml("AccessDenied", "User: arn:aws:iam::123456789012:"
                                             "user/xfrsync is not authorized to perform: "
                                             "route53:ListResourceRecordSets")),
                         "AccessDenied"),
    "400-html": (Resp(400, "<html><body><h1>400 Bad Request</h1></body></html>",
                      content_type="text/html"), "HTTP 400"),
    "403-empty": (Resp(403, ""), "HTTP 403"),
}


@pytest.mark.parametrize("kind", list(FATAL))
def test_fatal_answer_fails_at_once_on_one_line(lab, stub, kind):
    """(d) Answers no retry can fix (no such zone, access denied, a 4xx
    that is not Route53's XML or is empty): one request, exit 1, one
    failure line naming the status or code."""
    answer, word = FATAL[kind]
    small_model(stub)
    stub.script(on(), answer, times=None)
    r = lab.run("plan", SMALL)
    assert r.rc == 1, r
    assert len(stub.requests) == 1, [x.target for x in stub.requests]
    lines = r.failure_lines("plan")
    assert len(lines) == 1 and word in lines[0] and f"HTTP {answer.status}" in lines[0], r


# ---------------------------------------------------------------- (e) expired credentials

EXPIRED = {
    "ExpiredToken": "The security token included in the request is expired",
    "InvalidClientTokenId": "The security token included in the request is invalid.",
}


@pytest.mark.parametrize("code", list(EXPIRED))
def test_expired_static_credentials_fail_at_once(lab, stub, code):
    """(e) Credentials from the environment cannot be refreshed: one
    request, then a loud failure naming the credential problem."""
    small_model(stub)
    stub.script(on(), Resp(403, error_xml(code, EXPIRED[code])), times=None)
    r = lab.run("plan", SMALL)
    assert r.rc == 1, r
    assert len(stub.requests) == 1, [x.target for x in stub.requests]
    lines = r.failure_lines("plan")
    assert len(lines) == 1 and code in lines[0] and "credentials" in lines[0], r
    no_auth_problems(stub)


@pytest.fixture
def ecs():
    s = awsstub.AwsStub()
    try:
        yield s
    finally:
        s.stop()


def ecs_env() -> dict:
    return {"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": awsstub.ECS_PATH,
            "AWS_EC2_METADATA_DISABLED": "true"}


def ecs_conf(ecs) -> str:
    return f'credentials-source ecs\n    test-endpoint ecs "{ecs.url}"'


def issued_secret(ecs):
    def find(akid: str) -> str | None:
        return next((c.secret for c in ecs.issued if c.akid == akid), None)
    return find


@pytest.mark.parametrize("code", list(EXPIRED))
def test_refreshable_credentials_refreshed_once_then_fail(lab, stub, ecs, code):
    """(e) Container credentials refused as expired: refreshed from the ECS
    endpoint once, the request sent again with the new key and token, then
    a loud failure; no secret or token in the output."""
    stub.secret_for = issued_secret(ecs)
    small_model(stub)
    stub.script(on(), Resp(403, error_xml(code, EXPIRED[code])), times=None)
    r = lab.run("plan", SMALL, env=ecs_env(), aws_extra=ecs_conf(ecs))
    lab.secrets = [SECRET] + ecs.secrets()
    for s in lab.secrets:
        assert s not in r.out and s not in r.err, "a secret was printed"
    assert r.rc == 1, r
    reqs = stub.requests
    assert len(reqs) == 2, [x.target for x in reqs]
    assert [x.access_key_id() for x in reqs] == ["ASIASTUB0001", "ASIASTUB0002"]
    assert reqs[0].headers.get("x-amz-security-token") == ecs.issued[0].token
    assert reqs[1].headers.get("x-amz-security-token") == ecs.issued[1].token
    assert ecs.paths() == [("GET", awsstub.ECS_PATH)] * 2
    lines = r.failure_lines("plan")
    assert len(lines) == 1 and code in lines[0] and "credentials" in lines[0], r
    no_auth_problems(stub)


def test_refreshed_credentials_let_the_sync_go_on(lab, stub, ecs):
    """(e) Expired once, refreshed, then accepted: the sync completes."""
    stub.secret_for = issued_secret(ecs)
    model = small_model(stub)
    stub.script(on("list"), Resp(403, error_xml("ExpiredToken", EXPIRED["ExpiredToken"])),
                times=1)
    r = lab.run("sync", SMALL, env=ecs_env(), aws_extra=ecs_conf(ecs))
    for s in ecs.secrets():
        assert s not in r.out and s not in r.err, "a secret was printed"
    assert r.rc == 0, r
    keys = [x.access_key_id() for x in stub.requests]
    assert keys[0] == "ASIASTUB0001" and len(keys) >= 3, keys
    assert set(keys[1:]) == {"ASIASTUB0002"}, keys
    assert [x.status for x in stub.requests] == [403] + [200] * (len(keys) - 1)
    assert len(model.changes) == 1
    no_auth_problems(stub)


# ---------------------------------------------------------------- (f) the clock

CLOCK_ANSWERS = {
    "InvalidSignatureException": invalid_signature_xml(
        "Signature expired: 20240101T000000Z is now earlier than 20240101T000500Z "
        "(20240101T001000Z - 5 min.)"),
    "SignatureDoesNotMatch": error_xml(
        "SignatureDoesNotMatch", "Signature not yet current: 20240101T002000Z is still "
        "later than 20240101T001500Z (20240101T001000Z + 5 min.)"),
}


@pytest.mark.parametrize("code", list(CLOCK_ANSWERS))
def test_clock_skew_answer_fails_once_without_retry(lab, stub, code):
    """(f) A signature refused because of the time: exit 1 after one
    request (retrying with the same clock cannot help), Route53's words on
    one line."""
    small_model(stub)
    stub.script(on(), Resp(403, CLOCK_ANSWERS[code]), times=None)
    r = lab.run("plan", SMALL)
    assert r.rc == 1, r
    assert len(stub.requests) == 1, [x.target for x in stub.requests]
    lines = r.failure_lines("plan")
    assert len(lines) == 1 and code in lines[0] and "Signature" in lines[0], r


@pytest.mark.parametrize("code", list(CLOCK_ANSWERS))
def test_clock_skew_failure_names_the_clock(lab, stub, code):
    """(f) The failure line says the clock is the problem."""
    small_model(stub)
    stub.script(on(), Resp(403, CLOCK_ANSWERS[code]), times=None)
    r = lab.run("plan", SMALL)
    assert r.rc == 1, r
    lines = r.failure_lines("plan")
    assert len(lines) == 1 and "clock" in lines[0].lower(), r


def test_plain_signature_mismatch_is_not_a_clock_problem(lab, stub):
    """(f) A signature mismatch that is not about time (a wrong secret):
    fatal at once, and not reported as clock skew."""
    small_model(stub)
    stub.script(on(), Resp(403, error_xml(
        "SignatureDoesNotMatch", "The request signature we calculated does not match the "
        "signature you provided. Check your AWS Secret Access Key and signing method.")),
        times=None)
    r = lab.run("plan", SMALL)
    assert r.rc == 1, r
    assert len(stub.requests) == 1
    lines = r.failure_lines("plan")
    assert len(lines) == 1 and "SignatureDoesNotMatch" in lines[0], r
    assert "clock" not in lines[0].lower(), r


# ---------------------------------------------------------------- the stub's own check


def test_stub_signature_check_agrees_with_botocore(stub):
    """The stub's SigV4 check accepts what botocore signs for route53 in
    us-east-1 (a GET with an escaped name in the query, a POST with a body)
    and refuses a wrong secret, region, service or a missing header."""
    import http.client

    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    akid = FAKE_ENV["AWS_ACCESS_KEY_ID"]
    stub.script(on(), Resp(200, "ok"), times=None)

    def send(method, target, body=b"", secret=SECRET, region="us-east-1",
             service="route53", drop=None):
        req = AWSRequest(method=method, url=stub.url + target, data=body,
                         headers={"Content-Type": "application/xml"} if body else {})
        SigV4Auth(Credentials(akid, secret), service, region).add_auth(req)
        headers = {k: v for k, v in req.headers.items() if k != drop}
        c = http.client.HTTPConnection("127.0.0.1", stub.port, timeout=10)
        c.request(method, target, body=body, headers=headers)
        c.getresponse().read()
        c.close()
        return stub.requests[-1].auth_problem

    list_target = f"/2013-04-01/hostedzone/{ZONE_ID}/rrset?maxitems=300&name=%5C052.w.page.test.&type=A"
    change_target = f"/2013-04-01/hostedzone/{ZONE_ID}/rrset/"
    body = b'<?xml version="1.0"?><ChangeResourceRecordSetsRequest/>'
    assert send("GET", list_target) is None
    assert send("POST", change_target, body) is None
    assert "signature mismatch" in send("GET", list_target, secret="not" + SECRET)
    assert "signature mismatch" in send("POST", change_target, body, secret="x")
    assert "credential scope" in send("GET", list_target, region="eu-west-1")
    assert "credential scope" in send("GET", list_target, service="sts")
    assert send("GET", list_target, drop="Authorization") == "no Authorization header"
    assert "X-Amz-Date" in send("GET", list_target, drop="X-Amz-Date")
    assert stub.requests[0].q("name") == "\\052.w.page.test."
