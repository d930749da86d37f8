"""The daemon pushing to Route53: `xfrsync run` with an aws block, moto_server
as Route53 behind a TCP relay the test can cut, a BIND 9 primary that
notifies the daemon.

One scenario, in order (module-scoped lab, tests depend on the previous):
  1. start → the first transfer → a reconcile (listing, full diff, push):
     the boto3 listing equals the zone after normalising, the apex NS
     untouched, `ctl status` shows the synced serial;
  2. nsupdate → NOTIFY → IXFR → one incremental push: exactly one
     ChangeResourceRecordSets (moto answers INSYNC at once) after the SOA
     serial check (one ListResourceRecordSets of one set), and the listing
     converges;
  3. the relay is cut → a change cannot be pushed → the zone is dirty;
     meanwhile Route53 loses every record below the apex (deleted through boto3 behind
     the agent's back, as a restarted moto would) and a second change
     lands on the primary; the relay comes back → the back-off's reconcile
     re-creates everything: nothing is lost;
  4. the state file holds the synced serial and the hosted zone id;
  5. a restart with nothing changed costs one small listing (the SOA
     serial check: state file == Route53's SOA == the zone), no Change;
  6. a restart after the zone changed while the agent was down is a full
     reconcile;
  7. `ctl reconcile ZONE` repairs records deleted behind the agent's back
     at once; unknown zones are refused.

Credentials come from the daemon's environment (AWS_ACCESS_KEY_ID and
AWS_SECRET_ACCESS_KEY; moto accepts any).  Logs:
/tmp/pytest-of-$USER/pytest-current/push*/.
"""

from __future__ import annotations

import time

import pytest

import dnslab
from agent import ZoneConf
from dnslab import LOCALHOST
from motolab import Moto, moto_python
from pushlab import PushAgent, Relay
from test_route53 import ZONE, route53_view, zone_text, zone_view


class Lab:
    def __init__(self, agent: PushAgent, moto: Moto, primary: dnslab.Primary,
                 relay: Relay, zone_id: str):
        self.agent, self.moto, self.primary = agent, moto, primary
        self.relay, self.zone_id = relay, zone_id

    def push(self) -> dict:
        return self.agent.push(ZONE)

    def wait_push(self, cond, what: str, timeout: float = 30) -> dict:
        return self.agent.wait_push(ZONE, cond, what, timeout)

    def wait_synced(self, serial: int, timeout: float = 30) -> dict:
        return self.agent.wait_synced(ZONE, serial, timeout)

    def r53(self):
        return route53_view(self.moto.list(self.zone_id))

    def zone(self):
        return zone_view(self.primary.port)


@pytest.fixture(scope="module")
def lab(xfrsync, fake_env, tmp_path_factory):
    py = moto_python()
    if py is None:
        pytest.skip("moto_server is not installed for any python3 on PATH")
    base = tmp_path_factory.mktemp("push")
    moto = Moto(base / "moto", py)
    agent = PushAgent(xfrsync, base / "agent")
    primary = dnslab.Bind(base / "bind", {ZONE: zone_text()})
    primary.extra_notify = {ZONE: [agent.port]}
    primary.extra_options = "    max-ixfr-ratio unlimited;"
    relay = None
    try:
        moto.start()
        primary.start()
        relay = Relay(moto.port)
        zone_id = moto.create_zone(ZONE)
        agent.write_config(
            [ZoneConf(ZONE, [(LOCALHOST, primary.port, dnslab.key_name(dnslab.XFR_KEY))],
                      notify_key=dnslab.key_name(dnslab.XFR_KEY),
                      extra=[f'hosted-zone-id "/hostedzone/{zone_id}"'])],
            extra=f'aws {{\n\tcredentials-source env\n'
                  f'\tendpoint "http://{LOCALHOST}:{relay.port}"\n}}\n')
        agent.start()
        yield Lab(agent, moto, primary, relay, zone_id)
        rc = agent.stop()
        assert rc == 0, f"xfrsync exited {rc}:\n{agent.log_tail()}"
    finally:
        agent.stop()
        agent.cleanup()
        if relay is not None:
            relay.close()
        primary.stop()
        moto.stop()


def test_initial_reconcile(lab):
    """The first version is reconciled into the empty hosted zone; the apex
    NS that moto created stays as it was."""
    apex_ns = [s for s in lab.moto.list(lab.zone_id) if s["Type"] == "NS"]
    serial = lab.primary.serial(ZONE)
    p = lab.wait_synced(serial)
    assert p["last"] != "never"
    assert p["calls"] >= 2  # at least one listing and one change
    assert lab.r53() == lab.zone()
    after = lab.moto.list(lab.zone_id)
    assert [s for s in after if s["Type"] == "NS"] == apex_ns
    # the SOA carries the synced serial and keeps Route53's MNAME and RNAME
    soa = [s for s in after if s["Type"] == "SOA"]
    assert len(soa) == 1
    assert soa[0]["ResourceRecords"] == [{"Value": "ns-2048.awsdns-64.com. hostmaster.%s. "
                                          "%d 7200 900 1209600 86400" % (ZONE, serial)}]
    assert lab.agent.grep(r"zone route\.test\.?: reconcile to serial")


def test_incremental_push_is_one_call(lab):
    """nsupdate → NOTIFY → IXFR → one ChangeResourceRecordSets, no listing."""
    before = lab.wait_synced(lab.primary.serial(ZONE))
    mark = lab.agent.mark()
    lab.primary.update(ZONE, f"update delete h03.{ZONE}. A",
                       f"update add new1.{ZONE}. 600 A 192.0.2.201",
                       f"update delete h04.{ZONE}. A",
                       f"update add h04.{ZONE}. 120 A 198.51.100.5",
                       f"update add multi.{ZONE}. 300 TXT \"third\"",
                       f"update delete alias1.{ZONE}. CNAME",
                       f"update add alias1.{ZONE}. 300 A 192.0.2.99")
    serial = lab.primary.serial(ZONE)
    p = lab.wait_synced(serial)
    assert lab.agent.grep(r"IXFR serial \d+ -> %d" % serial, mark), lab.agent.log_tail()
    pushes = lab.agent.grep(r"incremental push to serial %d: \d+ changes in 1 request$"
                            % serial, mark)
    assert pushes, lab.agent.log_tail()
    assert not lab.agent.grep(r"reconcile to serial", mark), lab.agent.log_tail()
    # one ChangeResourceRecordSets, and before it the SOA serial check: one
    # ListResourceRecordSets of one set (moto answers INSYNC at once)
    assert p["change"] - before["change"] == 1, (before, p)
    assert p["list"] - before["list"] == 1, (before, p)
    assert p["getchange"] == before["getchange"], (before, p)
    assert p["lag"] == 0
    assert lab.r53() == lab.zone()


def test_outage_then_reconcile(lab):
    """Route53 unreachable → dirty; Route53 emptied behind the agent's back
    and the zone changed again meanwhile → after the outage, one reconcile
    re-creates everything."""
    lab.wait_synced(lab.primary.serial(ZONE))
    lab.relay.cut()
    mark = lab.agent.mark()
    lab.primary.update(ZONE, f"update add outage1.{ZONE}. 300 A 192.0.2.101")
    s1 = lab.primary.serial(ZONE)
    lab.agent.wait_serial(ZONE, s1)
    p = lab.wait_push(lambda p: p["state"] == "dirty", "dirty", timeout=90)
    assert p["serial"] != s1
    # the lag counts the seconds since the zone first held a version that
    # Route53 lacks, and keeps growing while the zone cannot be pushed
    p = lab.wait_push(lambda p: p["lag"] >= 1, "lagging by a second", timeout=10)
    assert p["retries"] > 0
    assert lab.agent.grep(r"push to Route53 failed: .*dirty, reconcile in", mark)
    # moto "restarted": every record is gone (but the hosted zone, its SOA
    # and apex NS); and one more change on the primary
    sets = lab.moto.list(lab.zone_id)
    # (only names below the apex: after boto3 DELETEs of the apex MX/TXT/CAA,
    # moto no longer lists them but still refuses to CREATE them again)
    doomed = [s for s in sets if s["Name"] != ZONE + "."]
    assert doomed
    lab.moto.boto("change", id=lab.zone_id,
                  changes=[{"Action": "DELETE", "ResourceRecordSet": s} for s in doomed])
    assert all(n == ZONE + "." for n, _ in lab.r53())
    lab.primary.update(ZONE, f"update add outage2.{ZONE}. 300 A 192.0.2.102",
                       f"update delete h05.{ZONE}. A")
    s2 = lab.primary.serial(ZONE)
    lab.agent.wait_serial(ZONE, s2)
    lab.relay.restore()
    lab.wait_synced(s2, timeout=90)
    assert lab.r53() == lab.zone()
    assert ("outage2." + ZONE + ".", "A") in lab.r53()
    assert ("h05." + ZONE + ".", "A") not in lab.r53()
    assert lab.agent.grep(r"reconcile to serial %d" % s2, mark)


def state_file(lab) -> dict[str, str]:
    path = lab.agent.dir / f"{ZONE}.route53"
    out = {}
    for line in path.read_text().splitlines():
        if line and not line.startswith("#"):
            k, v = line.split(" ", 1)
            out[k] = v
    return out


def test_state_file(lab):
    serial = lab.primary.serial(ZONE)
    lab.wait_synced(serial)
    st = state_file(lab)
    assert st["serial"] == str(serial)
    assert st["hosted-zone-id"].split("/")[-1] == lab.zone_id
    assert abs(int(st["synced"]) - time.time()) < 3600
    assert not (lab.agent.dir / f"{ZONE}.route53.new").exists()
    assert (lab.agent.dir / f"{ZONE}.route53").stat().st_mode & 0o077 == 0


def test_restart_costs_one_small_listing(lab):
    serial = lab.primary.serial(ZONE)
    lab.wait_synced(serial)
    assert lab.agent.stop() == 0
    mark = lab.agent.mark()
    lab.agent.start()
    p = lab.wait_synced(serial)
    assert (p["list"], p["change"], p["getchange"]) == (1, 0, 0), p
    assert lab.agent.grep(r"Route53 already at serial %d, as the state file says" % serial,
                          mark), lab.agent.log_tail()
    assert not lab.agent.grep(r"reconcile to serial", mark)
    assert lab.r53() == lab.zone()


def test_restart_after_change_while_down_reconciles(lab):
    assert lab.agent.stop() == 0
    mark = lab.agent.mark()
    lab.primary.update(ZONE, f"update add down1.{ZONE}. 300 A 192.0.2.77")
    serial = lab.primary.serial(ZONE)
    lab.agent.start()
    p = lab.wait_synced(serial)
    # the state file is older than the zone: no SOA check, one full listing;
    # the new record and the SOA (its serial) in one request
    assert (p["list"], p["change"]) == (1, 1), p
    assert lab.agent.grep(r"reconcile to serial %d: 2 changes in 1 request" % serial,
                          mark), lab.agent.log_tail()
    assert lab.r53() == lab.zone()
    assert state_file(lab)["serial"] == str(serial)


def test_ctl_reconcile(lab):
    """Route53 changed behind the agent's back (a value rewritten, a record
    added) → `ctl reconcile` puts it back at once.  (Not a deletion: moto
    refuses to CREATE a set again when the same CREATE is in its journal
    and any set sorts after it -- a moto bug, not Route53's behaviour.)"""
    serial = lab.primary.serial(ZONE)
    before = lab.wait_synced(serial)
    down1 = [s for s in lab.moto.list(lab.zone_id) if s["Name"] == f"down1.{ZONE}."]
    assert len(down1) == 1
    bogus = {"Name": f"bogus.{ZONE}.", "Type": "TXT", "TTL": 60,
             "ResourceRecords": [{"Value": '"not in the zone"'}]}
    lab.moto.boto("change", id=lab.zone_id, changes=[
        {"Action": "UPSERT", "ResourceRecordSet": {**down1[0], "ResourceRecords": [
            {"Value": "203.0.113.9"}]}},
        {"Action": "CREATE", "ResourceRecordSet": bogus}])
    assert lab.r53() != lab.zone()
    mark = lab.agent.mark()
    r = lab.agent.ctl("reconcile", ZONE)
    assert r.returncode == 0 and r.stderr.strip() == "reconcile started", r
    lab.agent.wait_log(r"reconcile to serial %d: 2 changes in 1 request" % serial, mark)
    p = lab.wait_synced(serial)
    assert p["change"] - before["change"] == 1
    assert lab.r53() == lab.zone()
    r = lab.agent.ctl("reconcile", "no-such-zone.test")
    assert r.returncode != 0 and "no such zone" in (r.stdout + r.stderr), r
