"""Route53 faults: the pushing daemon behind a fault-injecting proxy.

(Scenario tests follow below the proxy's own tests.)
"""

from __future__ import annotations

import http.client
import json
import subprocess
import xml.etree.ElementTree as ET

import pytest

from motolab import FAKE_ENV, Moto, moto_python
from r53proxy import Fault, R53Proxy

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
