"""The daemon, `xfrsync run`, following real primaries: BIND 9 (NOTIFY over
UDP, also-notify to the daemon, notify-delay 0) and Knot (NOTIFY over TCP),
TSIG required for every transfer and the NOTIFYs signed.

What the daemon holds (`xfrsync ctl dump`) is compared with `dig AXFR` of
the primary after every change; its counters (`xfrsync ctl status`) and its
log say how it got there (NOTIFY, IXFR or AXFR).  NOTIFYs that must be
refused are sent with dnspython, from 127.0.0.2 where the source matters;
each refusal is checked on the wire (RCODE, TSIG error) and in the daemon
(no refresh, no transfer).  The event loop is probed with NOTIFYs while a
300 000-RR AXFR runs.

Most tests share one daemon (`lab`) following zones of one BIND and one
Knot; the tests that restart a primary, reload the configuration or move a
big zone have their own.  Every daemon is stopped with SIGTERM and must
exit 0.  Logs: /tmp/pytest-of-$USER/pytest-current/daemon*/.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import stat
import struct
import subprocess
import threading
import time
from pathlib import Path

import dns.flags
import dns.message
import dns.name
import dns.opcode
import dns.rdataclass
import dns.rdatatype
import dns.rrset
import dns.tsig
import pytest

import dnslab
from agent import (
    Agent,
    SlowProxy,
    ZoneConf,
    ZoneStatus,
    axfr_lines,
    key_text,
    make_notify,
    notify_burst,
    parse_reply,
    send_notify,
    write_file,
    zone_problems,
)
from dnslab import LOCALHOST, XFR_KEY

KINDS = ["bind", "knot"]
CLASSES = {"bind": dnslab.Bind, "knot": dnslab.Knot}

# Keys the daemon knows besides xfr-key: ddns-key with a secret the primaries
# do not share (BADSIG), a key the primaries do not know (BADKEY), and a
# valid key that is not the zones' notify-key.
WRONG_SECRET = "d3Jvbmctc2VjcmV0LW9mLTMyLWJ5dGVzLWxlbmd0aCE="
OTHER_KEY = dns.tsig.Key("other-key.", "b3RoZXIta2V5LWtub3duLXRvLXRoZS1hZ2VudC0zMmI=",
                         "hmac-sha256")
NOT_ON_PRIMARY_KEY = dns.tsig.Key(
    "nosuch-key.", "bm9zdWNoLWtleS1ub2JvZHkta25vd3MtYWJvdXQtMzI=", "hmac-sha256")
# a key nobody knows: NOTIFY signed with it gets BADKEY
STRANGER_KEY = dns.tsig.Key("stranger-key.", "c3RyYW5nZXIta2V5LW5vYm9keS1rbm93cy0zMmJ5dGU=",
                            "hmac-sha256")
BADSIG_KEY = dns.tsig.Key("xfr-key.", WRONG_SECRET, "hmac-sha256")  # right name
KEYS = (key_text(XFR_KEY) + key_text(dns.tsig.Key("ddns-key.", WRONG_SECRET, "hmac-sha256"))
        + key_text(OTHER_KEY) + key_text(NOT_ON_PRIMARY_KEY))


def zname(kind: str, what: str = "") -> str:
    """bind.test, bind-wrap.test, knot-quiet.test, ..."""
    return f"{kind}-{what}.test" if what else f"{kind}.test"


# The lab's zones, on each primary:
#   MAIN   changed by the update tests; the primary NOTIFYs the daemon
#   WRAP   its serial crosses 2^32; the primary NOTIFYs the daemon
#   BULK   static, several messages per AXFR
#   QUIET  the primary does NOT notify the daemon: the tests send NOTIFYs
#   FORM   static, NOTIFYs accepted from 127.0.0.1 and ::1 (reply form)
#   BADKEY, BADSIG, NOKEY  the daemon's transfer key is unknown to the
#          primary / has the wrong secret / is missing
#   SLOW   (Knot only) the daemon reaches it through a SlowProxy; the
#          primary does not notify the daemon
MAIN, WRAP, BULK, QUIET, FORM = "", "wrap", "bulk", "quiet", "form"
BADKEY, BADSIG, NOKEY = "badkey", "badsig", "nokey"
SLOW = "slow"
GOOD = [MAIN, WRAP, BULK, QUIET, FORM]
BAD = [BADKEY, BADSIG, NOKEY]


def example() -> str:
    return dnslab.zone_text("example.zone")


def lab_zone_confs(kind: str, port: int) -> list[ZoneConf]:
    p = lambda key: [(LOCALHOST, port, key)]  # noqa: E731
    both = ["127.0.0.1/32", "::1/128"]
    return [
        ZoneConf(zname(kind, MAIN), p("xfr-key"), notify_key="xfr-key"),
        ZoneConf(zname(kind, WRAP), p("xfr-key"), notify_key="xfr-key"),
        ZoneConf(zname(kind, BULK), p("xfr-key")),
        ZoneConf(zname(kind, QUIET), p("xfr-key"), notify_from=["127.0.0.1/32"],
                 notify_key="xfr-key"),
        ZoneConf(zname(kind, FORM), p("xfr-key"), notify_from=both, notify_key="xfr-key"),
        ZoneConf(zname(kind, BADKEY), p("nosuch-key")),
        ZoneConf(zname(kind, BADSIG), p("ddns-key")),
        ZoneConf(zname(kind, NOKEY), p(None)),
    ]


class Lab:
    def __init__(self, servers: dict[str, dnslab.Primary], agent: Agent,
                 confs: list[ZoneConf], proxy: SlowProxy):
        self.servers = servers
        self.agent = agent
        self.confs = confs  # the daemon's zones, in configuration order
        self.proxy = proxy  # in front of knot for knot-slow.test


def start_primary(kind: str, workdir: Path, zones: dict[str, str],
                  notify_agent: dict[str, list[int]], timeout: float = 20) -> dnslab.Primary:
    srv = CLASSES[kind](workdir, zones)
    srv.extra_notify = notify_agent
    if kind == "bind":
        # answer IXFR incrementally even when the diffs outweigh a small zone
        srv.extra_options = "    max-ixfr-ratio unlimited;"
    srv.start(timeout=timeout)
    return srv


def stop_all(agent: Agent | None, servers) -> int:
    rc = 0
    if agent is not None:
        rc = agent.stop()
        agent.cleanup()
    for srv in servers:
        srv.stop()
    return rc


def assert_exit_0(agent: Agent, rc: int):
    assert rc == 0, (f"xfrsync run exited {rc} on SIGTERM (expected 0); log tail:\n"
                     f"{agent.log_tail()}")


@pytest.fixture(scope="module")
def lab(xfrsync, tmp_path_factory):
    base = tmp_path_factory.mktemp("daemon-lab")
    agent = Agent(xfrsync, base / "agent", ipv6=True)
    servers: dict[str, dnslab.Primary] = {}
    proxy = None
    rc = 0
    try:
        for kind in KINDS:
            zones = {zname(kind, w): example() for w in GOOD + BAD}
            zones[zname(kind, BULK)] = dnslab.bulk_zone(zname(kind, BULK))
            if kind == "knot":
                zones[zname(kind, SLOW)] = example()
            servers[kind] = start_primary(
                kind, base / kind, zones,
                {zname(kind, MAIN): [agent.port], zname(kind, WRAP): [agent.port]})
        proxy = SlowProxy(servers["knot"].port)
        confs = [z for kind in KINDS for z in lab_zone_confs(kind, servers[kind].port)]
        confs.append(ZoneConf(zname("knot", SLOW), [(LOCALHOST, proxy.port, "xfr-key")],
                              notify_key="xfr-key"))
        agent.write_config(confs, keys=KEYS)
        agent.start()
        for kind in KINDS:
            for w in GOOD + ([SLOW] if kind == "knot" else []):
                agent.wait_serial(zname(kind, w), servers[kind].serial(zname(kind, w)))
        yield Lab(servers, agent, confs, proxy)
    finally:
        rc = stop_all(agent, servers.values())
        if proxy:
            proxy.close()
    assert_exit_0(agent, rc)


# ---------------------------------------------------------------- helpers


def zone_re(zone: str) -> str:
    return re.escape(zone + ".")


def transfer_lines(agent: Agent, zone: str, since: int) -> list[str]:
    return agent.grep(rf"zone {zone_re(zone)}: (IXFR|AXFR) serial ", since)


def trouble_lines(agent: Agent, zone: str, since: int) -> list[str]:
    return agent.grep(rf"zone {zone_re(zone)}: .*(failed|went backwards|expired)", since)


def assert_same_zone(agent: Agent, srv: dnslab.Primary, zone: str, context: str = ""):
    """ctl dump of zone equals dig AXFR of the primary."""
    dump = agent.dump(zone)
    ref = axfr_lines(srv.port, zone)
    problems = zone_problems(dump, ref)
    if problems:
        pytest.fail(f"{context}zone {zone}: `xfrsync ctl dump` differs from `dig AXFR` of "
                    f"{srv.name}:\n  " + "\n  ".join(problems[:40])
                    + f"\nlog tail:\n{agent.log_tail()}", pytrace=False)


def sync(agent: Agent, srv: dnslab.Primary, zone: str, since: int, context: str = "",
         timeout: float = 15) -> ZoneStatus:
    """Wait until the daemon holds the primary's serial, compare the zones,
    and check the log has no failure for zone since the mark."""
    serial = srv.serial(zone)
    st = agent.wait_serial(zone, serial, timeout)
    assert_same_zone(agent, srv, zone, context)
    trouble = trouble_lines(agent, zone, since)
    assert not trouble, f"{context}unexpected failures in the log:\n" + "\n".join(trouble)
    return st


def primary_ixfr_form(srv: dnslab.Primary, zone: str, serial: int) -> str:
    """How the primary answers IXFR from serial now: "incremental",
    "axfr-style" or "up-to-date"."""
    messages, _ = dnslab.xfr_query(srv.port, zone, "IXFR", XFR_KEY, serial)
    rrs = _answer_types(messages)
    if len(rrs) == 1:
        return "up-to-date"
    return "incremental" if rrs[1] == dns.rdatatype.SOA else "axfr-style"


def _answer_types(messages: list[bytes]) -> list[int]:
    """The types of the answer RRs of a transfer's messages, in order (no
    TSIG check: the bytes came from xfr_query, which verified them)."""
    out = []
    for wire in messages:
        qd, an = struct.unpack("!HH", wire[4:8])
        pos = 12
        for _ in range(qd):
            _, used = dns.name.from_wire(wire, pos)
            pos += used + 4
        for _ in range(an):
            _, used = dns.name.from_wire(wire, pos)
            pos += used
            rdtype, _, _, rdlen = struct.unpack("!HHIH", wire[pos:pos + 10])
            pos += 10 + rdlen
            out.append(rdtype)
    return out


def update(srv: dnslab.Primary, zone: str, *commands: str) -> int:
    """One dynamic update; returns the primary's new serial."""
    before = srv.serial(zone)
    srv.update(zone, *commands)
    after = srv.serial(zone)
    assert after != before, f"{srv.name}: update {commands} did not change the serial"
    return after


# ------------------------------------------------------------ 1. start


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("what", [MAIN, BULK, QUIET])
def test_initial_axfr(lab, kind, what):
    """At start the daemon transfers every zone (AXFR, nothing held yet):
    ctl dump equals dig AXFR, status shows the serial and the RR count."""
    srv, agent = lab.servers[kind], lab.agent
    zone = zname(kind, what)
    st = agent.zone(zone)
    assert_same_zone(agent, srv, zone)
    assert st.serial == srv.serial(zone) and st.state == "idle", st.line
    assert st.rrs == len(axfr_lines(srv.port, zone)), st.line
    assert st.axfr >= 1 and st.last_error == "" and st.last_refresh != "never", st.line
    assert agent.grep(rf"zone {zone_re(zone)}: AXFR serial 0 -> {st.serial} from primary 1, "
                      rf"{st.rrs} RRs"), agent.log_tail()


def test_control_socket_mode(lab):
    mode = stat.S_IMODE(os.stat(lab.agent.control).st_mode)
    assert stat.S_ISSOCK(os.stat(lab.agent.control).st_mode)
    assert mode == 0o600, f"control socket mode {mode:04o}, expected 0600"


# ------------------------------------------------- 2. NOTIFY -> IXFR


@pytest.mark.parametrize("kind", KINDS)
def test_update_notify_ixfr(lab, kind):
    """nsupdate/knsupdate → the primary's own NOTIFY (signed; BIND over UDP,
    Knot over TCP) → SOA check → IXFR → the zone equals dig AXFR."""
    srv, agent = lab.servers[kind], lab.agent
    zone = zname(kind)
    before = agent.zone(zone)
    mark = agent.mark()
    new = update(srv, zone, *dnslab.update_commands(zone))
    st = sync(agent, srv, zone, mark)
    notify = agent.grep(rf"NOTIFY for {zone_re(zone)} from 127\.0\.0\.1 port \d+ \(signed\)", mark)
    assert notify, f"no NOTIFY from {srv.name} in the log:\n" + "\n".join(agent.log_lines(mark))
    xfr = transfer_lines(agent, zone, mark)
    assert len(xfr) == 1 and re.search(rf": IXFR serial {before.serial} -> {new} from primary 1,",
                                       xfr[0]), \
        f"expected one 'IXFR serial {before.serial} -> {new}' line, got {xfr}"
    assert (st.ixfr - before.ixfr, st.axfr - before.axfr) == (1, 0), \
        f"before: {before.line}\nafter:  {st.line}"
    assert st.notifies > before.notifies, f"before: {before.line}\nafter:  {st.line}"


@pytest.mark.parametrize("kind", KINDS)
def test_many_updates_in_a_row(lab, kind):
    """20 updates as fast as the update tool goes: the primary's NOTIFYs
    bring the daemon to the primary's zone, by IXFR wherever the primary
    can still serve one from the serial the daemon held."""
    srv, agent = lab.servers[kind], lab.agent
    zone = zname(kind)
    before = agent.zone(zone)
    mark = agent.mark()
    for i in range(20):
        cmds = [f"update add n{i}.{zone}. 300 A 198.51.100.{i}",
                f'update add n{i}.{zone}. 300 TXT "update {i}"']
        if i >= 2:
            cmds.append(f"update delete n{i - 2}.{zone}. TXT")
        if i % 5 == 4:
            cmds.append(f"update delete n{i - 4}.{zone}. A")
        srv.update(zone, *cmds)
    st = sync(agent, srv, zone, mark, timeout=30)
    ixfr, axfr = st.ixfr - before.ixfr, st.axfr - before.axfr
    # Knot keeps 20 changesets (journal-max-depth) and sends one NOTIFY
    # for the lot: it may no longer serve IXFR from where the daemon was.
    form = primary_ixfr_form(srv, zone, before.serial)
    print(f"{kind}: 20 updates -> {ixfr} IXFR, {axfr} AXFR, "
          f"{st.notifies - before.notifies} NOTIFYs accepted; {srv.name} answers IXFR "
          f"from {before.serial} {form}")
    assert 1 <= ixfr + axfr <= 20 and st.notifies > before.notifies, \
        f"before: {before.line}\nafter:  {st.line}"
    if form == "incremental":
        assert axfr == 0, f"{srv.name} serves IXFR from {before.serial}, yet AXFR:\n" \
            f"before: {before.line}\nafter:  {st.line}\n" + \
            "\n".join(transfer_lines(agent, zone, mark))


@pytest.mark.parametrize("kind", KINDS)
def test_update_shapes(lab, kind):
    """Delete and re-add the same RR in one update (with another change so
    the serial moves), the same with a new TTL, a multi-value RRset losing
    one value, a name changing type (A → CNAME) and losing all its RRsets:
    after each, one IXFR and the zone equals dig AXFR."""
    srv, agent = lab.servers[kind], lab.agent
    zone = zname(kind)
    steps = [
        ("set up", [f"update add multi.{zone}. 300 A 10.0.0.1",
                    f"update add multi.{zone}. 300 A 10.0.0.2",
                    f"update add multi.{zone}. 300 A 10.0.0.3",
                    f"update add alias.{zone}. 300 A 10.1.1.1",
                    f'update add alias.{zone}. 300 TXT "alias"',
                    f"update add gone.{zone}. 300 A 10.2.2.2",
                    f"update add gone.{zone}. 300 AAAA 2001:db8::22"]),
        ("delete and re-add the same RR", [f"update delete multi.{zone}. A 10.0.0.2",
                                           f"update add multi.{zone}. 300 A 10.0.0.2",
                                           f'update add mark.{zone}. 300 TXT "1"']),
        ("delete and re-add with a new TTL", [f"update delete mail.{zone}. A 192.0.2.25",
                                              f"update add mail.{zone}. 900 A 192.0.2.25"]),
        ("RRset loses one value", [f"update delete multi.{zone}. A 10.0.0.2"]),
        ("name changes type", [f"update delete alias.{zone}.",
                               f"update add alias.{zone}. 300 CNAME www.{zone}."]),
        ("name loses every RRset", [f"update delete gone.{zone}."]),
    ]
    for what, cmds in steps:
        before = agent.zone(zone)
        mark = agent.mark()
        old = srv.serial(zone)
        update(srv, zone, *cmds)
        st = sync(agent, srv, zone, mark, context=f"{what}: ")
        form = primary_ixfr_form(srv, zone, old)
        if form == "incremental":
            assert (st.ixfr - before.ixfr, st.axfr - before.axfr) == (1, 0), \
                f"{what}: {srv.name} serves IXFR from {old}, yet\nbefore: {before.line}\n" \
                f"after:  {st.line}\n" + "\n".join(transfer_lines(agent, zone, mark))
        else:
            assert st.transfers - before.transfers == 1, f"{what} ({form}): {st.line}"
    dump = agent.dump(zone)
    assert f"multi.{zone}. 300 IN A 10.0.0.1" in dump and \
        f"multi.{zone}. 300 IN A 10.0.0.2" not in dump
    assert f"alias.{zone}. 300 IN CNAME www.{zone}." in dump
    assert not [l for l in dump if l.startswith(f"alias.{zone}. ") and " CNAME " not in l]
    assert not [l for l in dump if l.startswith(f"gone.{zone}. ")]


@pytest.mark.parametrize("kind", KINDS)
def test_serial_crosses_2_32(lab, kind):
    """Updates set the SOA serial 2e9, 4e9, 2^32-2 (each step greater in
    RFC 1982 terms), then increments cross 2^32-1 (BIND: 4294967295, 1, 2;
    Knot: 4294967295, 0, 1): the daemon follows every step by NOTIFY."""
    srv, agent = lab.servers[kind], lab.agent
    zone = zname(kind, WRAP)
    soa = f"update add {zone}. 300 SOA ns1.{zone}. hostmaster.{zone}. {{}} 3600 600 86400 60"
    steps = [[soa.format(s)] for s in (2000000000, 4000000000, 4294967294)]
    steps += [[f"update add w{i}.{zone}. 300 A 192.0.2.{i + 1}"] for i in range(3)]
    seen = []
    for cmds in steps:
        before = agent.zone(zone)
        mark = agent.mark()
        old = before.serial
        new = update(srv, zone, *cmds)
        seen.append(new)
        st = sync(agent, srv, zone, mark, context=f"serial {old} -> {new}: ")
        assert st.transfers - before.transfers == 1, f"{old} -> {new}: {st.line}"
        form = primary_ixfr_form(srv, zone, old)
        if form == "incremental":
            assert st.ixfr - before.ixfr == 1, \
                f"{srv.name} serves IXFR from {old}, yet: {st.line}\n" + \
                "\n".join(transfer_lines(agent, zone, mark))
    assert seen[-1] < 10 and seen[3] == 4294967295, f"serials {seen} did not wrap"


# ------------------------------------------ 3. IXFR the primary can't serve


@pytest.mark.parametrize("kind", KINDS)
def test_primary_without_journal(xfrsync, tmp_path_factory, kind):
    """The daemon holds serial 11; the primary restarts from a new zone file
    (serial 20, other data) with its journal gone, so it cannot answer IXFR
    from 11 incrementally: an AXFR-style answer (or a fallback to AXFR)
    brings the zone in line."""
    base = tmp_path_factory.mktemp(f"daemon-nojournal-{kind}")
    zone = "nojournal.test"
    agent = Agent(xfrsync, base / "agent")
    srv = None
    rc = 0
    first = example().replace("hostmaster 1 ", "hostmaster 10 ")
    try:
        srv = start_primary(kind, base / kind, {zone: first}, {zone: [agent.port]})
        agent.write_config([ZoneConf(zone, [(LOCALHOST, srv.port, "xfr-key")],
                                     notify_key="xfr-key")])
        agent.start()
        agent.wait_serial(zone, 10)
        mark = agent.mark()
        update(srv, zone, f"update add added.{zone}. 300 A 192.0.2.11")
        st = sync(agent, srv, zone, mark)
        assert st.serial == 11 and st.ixfr == 1, st.line

        second = (example().replace("hostmaster 1 ", "hostmaster 20 ")
                  .replace("2001:db8::80", "2001:db8::20") + "fresh IN A 192.0.2.20\n")

        def swap():
            srv.zones[zone].write_text(second)
            if kind == "bind":
                Path(str(srv.zones[zone]) + ".jnl").unlink(missing_ok=True)
            else:
                for p in (srv.dir / "db").glob("journal*"):
                    (subprocess.run(["rm", "-rf", str(p)], check=True))

        before = agent.zone(zone)
        mark = agent.mark()
        srv.restart(swap)
        form = primary_ixfr_form(srv, zone, 11)
        print(f"{kind}: IXFR from 11 after the restart is answered {form}")
        assert form == "axfr-style", f"{srv.name} still answers IXFR from 11 {form}: " \
                                     "the test did not set up what it means to"
        # the primary's NOTIFY at start-up may have come already; if not:
        r = agent.ctl("refresh", zone)
        assert r.returncode == 0, r
        st = sync(agent, srv, zone, mark)
        assert st.serial == 20 and st.axfr - before.axfr == 1 and st.ixfr == before.ixfr, \
            f"before: {before.line}\nafter:  {st.line}\n" + "\n".join(agent.log_lines(mark))
        assert agent.grep(rf"zone {zone_re(zone)}: AXFR serial 11 -> 20 from primary 1", mark)
    finally:
        rc = stop_all(agent, [srv] if srv else [])
    assert_exit_0(agent, rc)


# ------------------------------------------------------- 4. refusals


@pytest.fixture(scope="module")
def quiet(lab):
    """bind-quiet.test changed on the primary, which does not tell the
    daemon: the daemon still holds the old serial, so a NOTIFY it accepted
    would show as a transfer.  Returns (old serial, new serial, status)."""
    srv, agent = lab.servers["bind"], lab.agent
    zone = zname("bind", QUIET)
    old = agent.zone(zone).serial
    assert old == srv.serial(zone)
    new = update(srv, zone, f"update add pending.{zone}. 300 A 192.0.2.77")
    st = agent.zone(zone)
    assert st.serial == old and st.state == "idle", st.line
    return old, new, st


REFUSALS = {
    # id: (send_notify arguments, RCODE, TSIG error in the reply, log reason)
    "unknown-zone": (dict(zone="nosuch.test"), "NOTAUTH", None, "zone not configured"),
    "unknown-zone-tcp": (dict(zone="nosuch.test", tcp=True), "NOTAUTH", None,
                         "zone not configured"),
    "source-not-allowed": (dict(source="127.0.0.2"), "REFUSED", None, "notify-from"),
    "source-not-allowed-tcp": (dict(source="127.0.0.2", tcp=True), "REFUSED", None,
                               "notify-from"),
    "unsigned": (dict(key=None), "REFUSED", None, "not signed"),
    "unsigned-tcp": (dict(key=None, tcp=True), "REFUSED", None, "not signed"),
    "wrong-secret": (dict(key=BADSIG_KEY), "NOTAUTH", "BADSIG", "BADSIG"),
    "unknown-key": (dict(key=STRANGER_KEY), "NOTAUTH", "BADKEY", "BADKEY"),
    "other-valid-key": (dict(key=OTHER_KEY), ("REFUSED", "NOTAUTH"), "any", ""),
}


@pytest.mark.parametrize("case", list(REFUSALS))
def test_notify_refused(lab, quiet, case):
    """Each NOTIFY that must be refused gets its RCODE (and TSIG error), is
    logged, and starts nothing: the zone stays idle at the old serial with
    the same counters (watched for 0.2 s)."""
    args, rcode, tsig_error, reason = REFUSALS[case]
    agent = lab.agent
    zone = zname("bind", QUIET)
    old, new, base = quiet
    kw = dict(zone=zone, serial=new, key=XFR_KEY)
    kw.update(args)
    mark = agent.mark()
    r = send_notify(agent.port, kw.pop("zone"), **kw)
    expected = rcode if isinstance(rcode, tuple) else (rcode,)
    assert r.qr and r.opcode == "NOTIFY" and r.rcode in expected, \
        f"{case}: reply {r.rcode}/{r.opcode} qr={r.qr}, expected {rcode}"
    if tsig_error != "any":
        assert r.tsig_error == tsig_error or (tsig_error is None and r.tsig_error == "NOERROR"), \
            f"{case}: reply TSIG {r.tsig_error!r} {r.error}, expected {tsig_error!r}"
    deadline = time.monotonic() + 0.2
    while True:
        st = agent.zone(zone)
        assert (st.serial, st.state, st.ixfr, st.axfr) == (old, "idle", base.ixfr, base.axfr), \
            f"{case}: the refused NOTIFY started something\nbefore: {base.line}\n" \
            f"now:    {st.line}\n" + "\n".join(agent.log_lines(mark))
        if time.monotonic() > deadline:
            break
        time.sleep(0.02)
    refused = agent.wait_log(r"NOTIFY.* refused: ", mark, timeout=2)
    assert any(reason in l for l in refused), f"{case}: log says {refused}, expected '{reason}'"


def test_notify_accepted_after_refusals(lab, quiet):
    """Control for test_notify_refused: a proper NOTIFY (signed with the
    notify-key, from 127.0.0.1) for the same zone is acknowledged, signed,
    and brings exactly one transfer, which the log shows after it."""
    agent, srv = lab.agent, lab.servers["bind"]
    zone = zname("bind", QUIET)
    old, new, base = quiet
    mark = agent.mark()
    r = send_notify(agent.port, zone, new)
    assert (r.rcode, r.tsig_error) == ("NOERROR", "NOERROR"), r
    st = sync(agent, srv, zone, mark)
    assert st.serial == new and st.transfers - base.transfers == 1, \
        f"before: {base.line}\nafter:  {st.line}"
    lines = agent.log_lines(mark)
    i_notify = next((i for i, l in enumerate(lines) if re.search(
        rf"NOTIFY for {zone_re(zone)} from 127\.0\.0\.1 port \d+ \(signed\)", l)), None)
    i_xfr = next((i for i, l in enumerate(lines) if re.search(
        rf"zone {zone_re(zone)}: (IXFR|AXFR) serial {old} -> {new}", l)), None)
    assert i_notify is not None and i_xfr is not None and i_notify < i_xfr, "\n".join(lines)


@pytest.mark.parametrize("case", ["unknown-zone", "source-not-allowed"])
def test_refusal_of_validly_signed_notify_is_signed(lab, quiet, case):
    """RFC 8945 5.3: a response to a request signed with a known key and a
    good MAC is signed with that key, error responses included.  (BIND 9.18
    signs its NOTAUTH to a signed NOTIFY for a zone it does not serve; Knot
    3.2.6 does not.)"""
    args = REFUSALS[case][0]
    kw = dict(zone=zname("bind", QUIET), key=XFR_KEY)
    kw.update(args)
    r = send_notify(lab.agent.port, kw.pop("zone"), **kw)
    assert r.rcode == REFUSALS[case][1]
    assert r.tsig_error == "NOERROR", \
        f"{case}: {r.rcode} reply to a validly signed NOTIFY is " \
        f"{'unsigned' if r.tsig_error is None else r.tsig_error + ' ' + r.error}"


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("what", BAD)
def test_transfer_key_rejected(lab, kind, what):
    """The daemon's key for the primary is unknown to it (BADKEY), has the
    wrong secret (BADSIG) or is missing (the transfer is refused): status
    says so in last-error, nothing is held, nothing was transferred."""
    agent = lab.agent
    zone = zname(kind, what)
    st = agent.wait_zone(zone, lambda z: z.last_error != "", "showing an error", timeout=15)
    expected = {BADKEY: ("BADKEY",), BADSIG: ("BADSIG",),
                NOKEY: ("REFUSED", "NOTAUTH")}[what]
    assert any(e in st.last_error for e in expected), \
        f"last-error {st.last_error!r} mentions none of {expected}: {st.line}"
    assert (st.serial, st.rrs, st.ixfr, st.axfr) == (None, 0, 0, 0), st.line
    r = agent.ctl("dump", zone)
    assert r.returncode != 0 and r.stdout == "", r
    assert agent.grep(rf"zone {zone_re(zone)}: .*failed"), agent.log_tail()


# ----------------------------------------------------------- NOTIFY form


@pytest.mark.parametrize("dest,tcp", [("127.0.0.1", False), ("127.0.0.1", True),
                                      ("::1", False), ("::1", True)],
                         ids=["udp4", "tcp4", "udp6", "tcp6"])
def test_notify_reply_form(lab, dest, tcp):
    """The acknowledgement: same ID, QR, AA, opcode NOTIFY, NOERROR, the
    question echoed, no other flag set, TSIG-signed with the request's key;
    over UDP from the port the NOTIFY went to (send_notify checks it)."""
    agent = lab.agent
    zone = zname("knot", FORM)
    serial = agent.zone(zone).serial
    r = send_notify(agent.port, zone, serial, source=dest, dest=dest, tcp=tcp)
    m = r.message
    assert r.rcode == "NOERROR" and r.opcode == "NOTIFY" and r.qr and r.aa, r
    assert r.tsig_error == "NOERROR", f"reply TSIG: {r.tsig_error} {r.error}"
    other = r.flags & ~(dns.flags.QR | dns.flags.AA | 0x7800 | 0x000F)
    assert other == 0, f"flags {r.flags:#06x}: unexpected bits {other:#06x}"
    assert [(q.name.to_text(), q.rdtype) for q in m.question] == [(zone + ".", dns.rdatatype.SOA)]


def no_reply(port: int, wire: bytes, wait: float = 0.2) -> bytes | None:
    """Send wire over UDP; the reply, or None if none comes within wait."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind((LOCALHOST, 0))
        s.settimeout(wait)
        s.sendto(wire, (LOCALHOST, port))
        try:
            return s.recv(65535)
        except OSError:
            return None


def test_junk_and_malformed_notify(lab):
    """Junk, responses and other opcodes get no reply (notifyd.h); a NOTIFY
    whose name is malformed gets none or FORMERR; a NOTIFY whose question
    is not one SOA question gets FORMERR; the listener keeps working."""
    agent = lab.agent
    zone = zname("knot", FORM)
    serial = agent.zone(zone).serial
    response = make_notify(zone, serial)
    response.flags |= dns.flags.QR
    silent = {
        "empty": b"", "1 byte": b"\x00", "short header": b"\xff" * 11,
        "QUERY, no question": b"\x12\x34\x00\x00\x00\x01" + b"\x00" * 6,
        "QUERY": dns.message.make_query(zone, "SOA").to_wire(),
        "response bit, junk": b"\xab\xcd\xa0\x00" + bytes(range(256)) * 2,
        "NOTIFY response": response.to_wire(),
    }
    for what, wire in silent.items():
        got = no_reply(agent.port, wire)
        assert got is None, f"{what}: reply {got!r}"
    loop = b"\x12\x34\x20\x00\x00\x01" + b"\x00" * 6 + b"\xc0\x0c\x00\x06\x00\x01"
    got = no_reply(agent.port, loop)
    assert got is None or (got[:2] == loop[:2] and got[3] & 0xF == 1), \
        f"NOTIFY with a pointer loop: reply {got!r}, expected none or FORMERR"
    not_soa = dns.message.make_query(zone, "A", use_edns=False)
    two = dns.message.make_query(zone, "SOA", use_edns=False)
    two.question.append(dns.rrset.RRset(dns.name.from_text(zone), dns.rdataclass.IN,
                                        dns.rdatatype.SOA))
    for what, q in (("QTYPE A", not_soa), ("two questions", two)):
        q.flags = dns.flags.AA
        q.set_opcode(dns.opcode.NOTIFY)
        q.use_tsig(XFR_KEY)
        wire = q.to_wire()
        got = no_reply(agent.port, wire, wait=2)
        assert got is not None, f"{what}: no reply"
        r = parse_reply(got, q)
        assert r.rcode == "FORMERR", f"{what}: {r.rcode}"
    r = send_notify(agent.port, zone, serial)
    assert r.rcode == "NOERROR", r
    assert agent.running()


# -------------------------------------------------------- 5. coalescing


def test_notify_burst_coalesces(lab):
    """A NOTIFY starts a refresh through a proxy that holds every query
    0.3 s; 50 more NOTIFYs arrive while it runs.  All are acknowledged and
    counted; the primary sees one transfer and at most two SOA queries (the
    refresh and one re-check), and the daemon reports one transfer."""
    srv, agent, proxy = lab.servers["knot"], lab.agent, lab.proxy
    zone = zname("knot", SLOW)
    before = agent.wait_idle(zone)
    new = update(srv, zone, f"update add burst.{zone}. 300 A 192.0.2.50")
    assert agent.zone(zone).serial == before.serial
    mark = agent.mark()
    proxy.reset()
    proxy.delay = 0.3
    try:
        first = send_notify(agent.port, zone, new)
        assert (first.rcode, first.tsig_error) == ("NOERROR", "NOERROR"), first
        agent.wait_zone(zone, lambda z: z.state != "idle", "refreshing", timeout=2)
        replies = notify_burst(agent.port, zone, 50, new)
        during = agent.zone(zone)
        st = sync(agent, srv, zone, mark)
    finally:
        proxy.delay = 0.0
    soa, ixfr, axfr = proxy.count("SOA"), proxy.count("IXFR"), proxy.count("AXFR")
    rcodes = {r.rcode for r in replies}
    print(f"51 NOTIFYs: {len(replies) + 1} replies {rcodes}, slowest "
          f"{max(r.seconds for r in replies) * 1000:.1f} ms; zone {during.state} after the "
          f"burst; the primary saw {soa} SOA, {ixfr} IXFR, {axfr} AXFR queries; "
          f"queries: {proxy.queries}")
    assert len(replies) == 50 and rcodes == {"NOERROR"}, \
        f"{len(replies)} replies of 50, rcodes {rcodes}"
    assert during.state != "idle", f"the refresh ended before the burst was sent: {during.line}"
    assert st.notifies - before.notifies == 51, f"before: {before.line}\nafter:  {st.line}"
    assert st.transfers - before.transfers == 1 and ixfr + axfr == 1, \
        f"the primary saw {ixfr} IXFR and {axfr} AXFR queries\nbefore: {before.line}\n" \
        f"after:  {st.line}\n" + "\n".join(transfer_lines(agent, zone, mark))
    assert 1 <= soa <= 2, f"the primary saw {soa} SOA queries for 51 NOTIFYs: {proxy.queries}"


# --------------------------------------------------- 6. a non-blocking loop


def bulk_dump_lines(origin: str, n: int) -> set[str]:
    """What ctl dump prints for dnslab.bulk_zone(origin, n), TAB-separated."""
    o = origin + "."
    out = {f"{o}\t300\tIN\tSOA\tns1.{o} hostmaster.{o} 1 3600 600 86400 60",
           f"{o}\t300\tIN\tNS\tns1.{o}", f"ns1.{o}\t300\tIN\tA\t192.0.2.53"}
    for i in range(n):
        out.add(f"r{i:04d}.{o}\t300\tIN\tA\t198.51.100.{i % 256}")
        out.add(f'r{i:04d}.{o}\t300\tIN\tTXT\t"record {i} of {n}" "{"x" * 180}"')
    return out


class Prober:
    """A thread sending a NOTIFY for zone every few ms and timing the
    reply: (seconds since t0, round trip, rcode); 3 s when unanswered."""

    def __init__(self, agent: Agent, zone: str, serial: int, t0: float):
        self.agent, self.zone, self.serial, self.t0 = agent, zone, serial, t0
        self.probes: list[tuple[float, float, str]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while not self._stop.is_set():
            t = time.monotonic() - self.t0
            try:
                r = send_notify(self.agent.port, self.zone, self.serial, timeout=3)
                self.probes.append((t, r.seconds, r.rcode))
            except OSError:
                self.probes.append((t, 3.0, "timeout"))
            self._stop.wait(0.005)

    def stop(self) -> list[tuple[float, float, str]]:
        self._stop.set()
        self._thread.join(10)
        return self.probes


def test_loop_not_blocked_by_big_axfr(xfrsync, tmp_path_factory):
    """While a 300 003-RR AXFR (about 38 MB) runs and is put in place, and
    while the zone is dumped, NOTIFYs for another zone sent every 5 ms are
    answered within milliseconds (asserted: every one under 0.5 s)."""
    n = 150000
    base = tmp_path_factory.mktemp("daemon-big")
    agent = Agent(xfrsync, base / "agent")
    srv = None
    rc = 0
    prober = None
    try:
        srv = start_primary("bind", base / "bind",
                            {"big.test": dnslab.bulk_zone("big.test", n), "small.test": example()},
                            {}, timeout=90)
        small = ZoneConf("small.test", [(LOCALHOST, srv.port, "xfr-key")],
                         notify_key="xfr-key")
        agent.write_config([small])
        t0 = time.monotonic()
        agent.start()
        agent.wait_serial("small.test", 1)
        prober = Prober(agent, "small.test", 1, t0)
        # big.test arrives by a reload once the probes run, so that its
        # transfer cannot be over before they start (a loaded machine)
        agent.write_config([ZoneConf("big.test", [(LOCALHOST, srv.port, "xfr-key")]), small])
        t_xfr = time.monotonic() - t0
        agent.signal(signal.SIGHUP)
        big = agent.wait_serial("big.test", 1, timeout=60)
        t_loaded = time.monotonic() - t0
        assert big.rrs == 2 * n + 3 and big.last_error == "", big.line
        t_dump = time.monotonic() - t0
        r = agent.ctl("dump", "big.test", timeout=120)
        t_dumped = time.monotonic() - t0
        probes = prober.stop()
        prober = None
        xfr = agent.grep(r"zone big\.test\.: AXFR serial 0 -> 1 ")

        def stats(ps):
            rtts = sorted(p[1] for p in ps)
            return (f"{len(ps)} probes, median {rtts[len(rtts) // 2] * 1000:.2f} ms, "
                    f"worst {rtts[-1] * 1000:.1f} ms" if rtts else "no probes")
        loading = [p for p in probes if t_xfr <= p[0] <= t_loaded]
        dumping = [p for p in probes if t_dump <= p[0] <= t_dumped]
        print(f"\n{xfr}\nNOTIFY for small.test every 5 ms: while big.test loaded "
              f"({t_loaded - t_xfr:.2f} s): {stats(loading)}; while dumped "
              f"({t_dumped - t_dump:.2f} s): {stats(dumping)}; overall: {stats(probes)}")
        slow = [f"sent at t={t:.3f} s: {rcode} after {rtt * 1000:.1f} ms"
                for t, rtt, rcode in probes if rtt >= 0.5 or rcode != "NOERROR"]
        assert len(loading) >= 3, \
            f"only {len(loading)} probes while big.test loaded: too fast to tell"
        assert not slow, (
            f"NOTIFYs for small.test answered late or not at all (big.test transferring "
            f"from t={t_xfr:.3f} s, loaded at t={t_loaded:.3f} s, dumped "
            f"t={t_dump:.3f}..{t_dumped:.3f} s):\n  " + "\n  ".join(slow[:20])
            + f"\n{xfr}\n" + log_gaps(agent))
        assert r.returncode == 0, r.stderr
        got = [l for l in r.stdout.splitlines() if l]
        want = bulk_dump_lines("big.test", n)
        assert got[0].split("\t")[3] == "SOA"
        diff = sorted(set(got) ^ want)
        assert len(got) == len(want) and not diff, \
            f"dump: {len(got)} lines, {len(want)} expected; differing: {diff[:10]}"
    finally:
        if prober:
            prober.stop()
        rc = stop_all(agent, [srv] if srv else [])
    assert_exit_0(agent, rc)


def log_gaps(agent: Agent) -> str:
    """Where the daemon's log shows NOTIFY handling stopped: the longest
    gaps between two "NOTIFY for small.test" lines, and the log lines
    (other than per-RRset debug lines) around them."""
    lines = agent.log_text().splitlines()
    stamps = []
    for i, l in enumerate(lines):
        if "NOTIFY for small.test" in l:
            stamps.append((time.mktime(time.strptime(l[:19], "%Y-%m-%dT%H:%M:%S"))
                           + int(l[20:23]) / 1000, i))
    gaps = sorted(((b[0] - a[0], a[1], b[1]) for a, b in zip(stamps, stamps[1:])),
                  reverse=True)[:2]
    out = []
    for gap, i, j in gaps:
        between = lines[i + 1:j]
        shown = [l for l in between if not re.search(r": \d+ -> \d+ RRs$", l)]
        out.append(f"log: {gap:.3f} s between NOTIFYs handled, with {len(between)} lines "
                   f"between ({len(between) - len(shown)} per-RRset debug lines):\n    "
                   + "\n    ".join([lines[i]] + shown[:8] + [lines[j]]))
    return "\n".join(out)


# ------------------------------------------------ 7. configuration, reload


def test_sighup_reload(lab, xfrsync, tmp_path_factory):
    """SIGHUP with a zone added: it is loaded, the existing zone keeps its
    data and counters (no new transfer).  SIGHUP with a broken file, then a
    file group/others can read: the running configuration is kept (the log
    says so, naming file:line), and the daemon still answers."""
    base = tmp_path_factory.mktemp("daemon-reload")
    agent = Agent(xfrsync, base / "agent")
    bind, knot = lab.servers["bind"], lab.servers["knot"]
    a = ZoneConf(zname("bind", BULK), [(LOCALHOST, bind.port, "xfr-key")])
    b = ZoneConf(zname("knot", BULK), [(LOCALHOST, knot.port, "xfr-key")],
                 notify_key="xfr-key")
    rc = 0
    try:
        agent.write_config([a])
        agent.start()
        st_a = agent.wait_serial(a.name, bind.serial(a.name))
        assert list(agent.status()) == [a.name]

        mark = agent.mark()
        agent.write_config([a, b])
        agent.signal(signal.SIGHUP)
        agent.wait_log(r"configuration reloaded: 2 zones", mark)
        agent.wait_serial(b.name, knot.serial(b.name))
        assert_same_zone(agent, knot, b.name)
        agent.wait_idle(a.name)
        st = agent.status()
        assert list(st) == [a.name, b.name]
        assert (st[a.name].serial, st[a.name].axfr, st[a.name].ixfr) == \
            (st_a.serial, st_a.axfr, st_a.ixfr), \
            f"zone kept across the reload was transferred again:\nbefore: {st_a.line}\n" \
            f"after:  {st[a.name].line}"

        good = agent.conf.read_text()
        # `xfrsync ctl -c FILE` reads FILE for the socket path, so while the
        # daemon's file is broken ask through a file naming the socket only
        ctl_only = base / "ctl.conf"
        write_file(ctl_only, f'control "{agent.control}"\n')
        agent.ctl_conf = ctl_only
        broken = good + ('zone "broken.test" {\n\tprimary 127.0.0.1 port 53\n'
                         '\tbogus-statement 1\n}\n')
        line = len(good.splitlines()) + 3
        for what, text, mode, expect in [
                ("syntax error", broken, 0o600, rf"{re.escape(str(agent.conf))}:{line}:"),
                ("mode 0644", good + ZoneConf("x.test", [(LOCALHOST, 1, None)]).text(), 0o644,
                 re.escape(str(agent.conf)) + r".*(permission|group|others)")]:
            mark = agent.mark()
            write_file(agent.conf, text, mode)
            agent.signal(signal.SIGHUP)
            lines = agent.wait_log(r"reload failed", mark)
            assert re.search(r"keep", lines[0]) and re.search(expect, lines[0]), \
                f"{what}: log says {lines[0]!r}; expected 'keeping the running configuration' " \
                f"and {expect!r}"
            assert agent.running(), f"{what}: the daemon exited:\n{agent.log_tail()}"
            st = agent.status()
            assert list(st) == [a.name, b.name], f"{what}: zones now {list(st)}"
            r = send_notify(agent.port, b.name, st[b.name].serial)
            assert (r.rcode, r.tsig_error) == ("NOERROR", "NOERROR"), \
                f"{what}: NOTIFY for {b.name} after the failed reload: {r}"
            assert not agent.grep(r"configuration reloaded", mark)
        write_file(agent.conf, good, 0o600)
    finally:
        rc = stop_all(agent, [])
    assert_exit_0(agent, rc)


BAD_CONFIGS = [
    # (name, text appended to a good head, line of the error within that text)
    ("unknown statement", 'frobnicate yes\n', 1),
    ("undefined key", 'zone "a.test" {\n\tprimary 127.0.0.1 key "nokey"\n}\n', 2),
    ("bad address", 'zone "a.test" {\n\tprimary 127.0.0.300\n}\n', 2),
    ("bad notify-from prefix", 'zone "a.test" {\n\tprimary 127.0.0.1\n'
     '\tnotify-from 127.0.0.1/33\n}\n', 3),
    ("bad secret", 'key "k" { algorithm hmac-sha256; secret "not base64!"; }\n', 1),
    ("unterminated zone", 'zone "a.test" {\n\tprimary 127.0.0.1\n', 1),  # where it opens
]


@pytest.mark.parametrize("name", [c[0] for c in BAD_CONFIGS])
def test_check_config_names_file_and_line(xfrsync, tmp_path, name):
    """`xfrsync run -n` on a bad configuration exits non-zero and names
    FILE:LINE of the error (and does not quote the secret)."""
    _, bad, at = next(c for c in BAD_CONFIGS if c[0] == name)
    head = f"# test\nlisten 127.0.0.1 port 5300\ncontrol \"{tmp_path}/c.sock\"\n{key_text(XFR_KEY)}"
    conf = tmp_path / "bad.conf"
    write_file(conf, head + bad)
    line = len(head.splitlines()) + at
    r = subprocess.run([str(xfrsync), "run", "-n", "-c", str(conf)], capture_output=True,
                       text=True, timeout=10)
    msg = r.stdout + r.stderr
    assert r.returncode != 0, f"{name}: exit 0: {msg}"
    assert f"{conf}:{line}:" in msg, f"{name}: message does not name {conf}:{line}: {msg!r}"
    assert dnslab.key_secret(XFR_KEY) not in msg, "a secret is quoted"


def test_check_config_ok(xfrsync, tmp_path):
    conf = tmp_path / "good.conf"
    write_file(conf, f'listen 127.0.0.1 port 5300\ncontrol "{tmp_path}/c.sock"\n'
               f'{key_text(XFR_KEY)}' + ZoneConf("a.test", [(LOCALHOST, 5301, "xfr-key")]).text())
    r = subprocess.run([str(xfrsync), "run", "-n", "-c", str(conf)], capture_output=True,
                       text=True, timeout=10)
    assert r.returncode == 0, r


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o644, 0o660])
def test_config_readable_by_others_refused(xfrsync, tmp_path, mode):
    """A configuration holding a secret that group or others can read is
    refused, by -n and by the daemon itself (which does not start)."""
    conf = tmp_path / "open.conf"
    write_file(conf, f'listen 127.0.0.1 port {dnslab.free_port()}\n'
               f'control "{tmp_path}/c.sock"\n{key_text(XFR_KEY)}'
               + ZoneConf("a.test", [(LOCALHOST, 5301, "xfr-key")]).text(), mode)
    for args in (["-n"], ["-d"]):
        r = subprocess.run([str(xfrsync), "run", *args, "-c", str(conf)], capture_output=True,
                           text=True, timeout=10)
        msg = r.stdout + r.stderr
        assert r.returncode != 0, f"run {args} with mode {mode:04o}: exit 0: {msg}"
        assert str(conf) in msg and re.search(r"permission|group|others", msg), msg
    assert not (tmp_path / "c.sock").exists()


# ------------------------------------------------------------------ 8. ctl


@pytest.mark.parametrize("cmd", ["dump", "refresh", "retransfer"])
def test_ctl_unknown_zone(lab, cmd):
    r = lab.agent.ctl(cmd, "nosuch.test")
    assert r.returncode != 0, r
    assert "no such zone" in r.stderr and "nosuch.test" in r.stderr, r
    assert r.stdout == "", r


def test_ctl_status_lines_parse(lab):
    r = lab.agent.ctl("status")
    assert r.returncode == 0, r
    lines = r.stdout.splitlines()
    zones = [ZoneStatus.parse(l) for l in lines]  # raises on a bad line
    want = [z.name for z in lab.confs]
    assert [z.name for z in zones] == want
    for z in zones:
        if z.serial is not None:
            assert z.last_refresh != "never" and z.expires != "never", z.line
            assert z.rrs > 0


def test_ctl_without_daemon(xfrsync, tmp_path):
    conf = tmp_path / "x.conf"
    write_file(conf, f'control "{tmp_path}/none.sock"\n')
    r = subprocess.run([str(xfrsync), "ctl", "-c", str(conf), "status"], capture_output=True,
                       text=True, timeout=10)
    assert r.returncode != 0 and "none.sock" in r.stderr, r


@pytest.mark.parametrize("kind", KINDS)
def test_ctl_refresh_and_retransfer(lab, kind):
    """ctl refresh with nothing new: an SOA check, no transfer; ctl
    retransfer: one AXFR of the same serial, same zone."""
    srv, agent = lab.servers[kind], lab.agent
    zone = zname(kind, BULK)
    before = agent.wait_idle(zone)
    mark = agent.mark()
    r = agent.ctl("refresh", zone)
    assert r.returncode == 0, r
    agent.wait_log(rf"zone {zone_re(zone)}: serial {before.serial} is current", mark, timeout=5)
    st = agent.wait_idle(zone)
    assert (st.serial, st.transfers) == (before.serial, before.transfers), \
        f"before: {before.line}\nafter:  {st.line}"
    r = agent.ctl("retransfer", zone)
    assert r.returncode == 0, r
    st = agent.wait_zone(zone, lambda z: z.axfr == before.axfr + 1 and z.state == "idle",
                         "retransferred")
    assert st.serial == before.serial and st.ixfr == before.ixfr, st.line
    assert agent.grep(rf"zone {zone_re(zone)}: AXFR serial {before.serial} -> {before.serial} ",
                      mark)
    assert_same_zone(agent, srv, zone)
