"""moto_server as Route53 for the system tests.

moto is installed for another Python than the one running pytest (the
pyenv `python3` on PATH, or $MOTO_PYTHON): the server runs as a child
process of that Python on 127.0.0.1 and a free port, and is stopped by its
PID.  Hosted zones are created and listed with boto3 from the same Python,
in a small script run as a subprocess (the answers come back as JSON).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

from dnslab import LOCALHOST, free_port

FAKE_ENV = {"AWS_ACCESS_KEY_ID": "AKIDMOTOTESTING00000",
            "AWS_SECRET_ACCESS_KEY": "motosecretmotosecretmotosecret00000000",
            "AWS_DEFAULT_REGION": "us-east-1"}


@contextlib.contextmanager
def fake_aws_env():
    """FAKE_ENV in os.environ while the block runs (a daemon started in it
    takes its credentials from there: credentials-source env), then the
    environment as it was."""
    saved = {k: os.environ.get(k) for k in FAKE_ENV}
    os.environ.update(FAKE_ENV)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def moto_python() -> str | None:
    """A Python that can import moto and boto3, or None."""
    candidates = [os.environ.get("MOTO_PYTHON"), shutil.which("python3"),
                  os.path.expanduser("~/.pyenv/shims/python3")]
    for py in candidates:
        if not py:
            continue
        r = subprocess.run([py, "-c", "import moto.server, boto3"],
                           capture_output=True, timeout=60)
        if r.returncode == 0:
            return py
    return None


BOTO = r"""
import json, sys, boto3
url, op, arg = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
r53 = boto3.client("route53", endpoint_url=url, region_name="us-east-1")
if op == "create":
    z = r53.create_hosted_zone(Name=arg["name"], CallerReference=arg["ref"])
    zid = z["HostedZone"]["Id"].split("/")[-1]
    if arg["soa"]:
        name = arg["name"].rstrip(".") + "."
        r53.change_resource_record_sets(HostedZoneId=zid, ChangeBatch={"Changes": [
            {"Action": "UPSERT", "ResourceRecordSet": {
                "Name": name, "Type": "SOA", "TTL": 900, "ResourceRecords": [
                    {"Value": "ns-2048.awsdns-64.com. hostmaster." + name +
                              " 1 7200 900 1209600 86400"}]}}]})
    print(json.dumps(zid))
elif op == "list":
    out, kw = [], {"HostedZoneId": arg["id"]}
    while True:
        p = r53.list_resource_record_sets(**kw)
        out += p["ResourceRecordSets"]
        if not p["IsTruncated"]:
            break
        kw["StartRecordName"] = p["NextRecordName"]
        kw["StartRecordType"] = p["NextRecordType"]
    print(json.dumps(out))
elif op == "change":
    r = r53.change_resource_record_sets(HostedZoneId=arg["id"],
                                        ChangeBatch={"Changes": arg["changes"]})
    print(json.dumps(r["ChangeInfo"]["Status"]))
"""


class Moto:
    def __init__(self, workdir: Path, python: str):
        self.dir = workdir
        self.dir.mkdir(parents=True, exist_ok=True)
        self.py = python
        self.port = 0
        self.proc: subprocess.Popen | None = None
        self.log = self.dir / "moto.log"

    @property
    def url(self) -> str:
        return f"http://{LOCALHOST}:{self.port}"

    def start(self, timeout: float = 60):
        self.port = free_port()
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                [self.py, "-m", "moto.server", "-H", LOCALHOST, "-p", str(self.port)],
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                env={**os.environ, **FAKE_ENV})
        deadline = time.monotonic() + timeout
        while True:
            try:
                urllib.request.urlopen(self.url + "/moto-api/", timeout=1).read()
                return
            except OSError:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"moto_server exited {self.proc.returncode}: "
                                       f"{self.log.read_text()[-2000:]}")
                if time.monotonic() > deadline:
                    raise TimeoutError("moto_server does not answer")
                time.sleep(0.2)

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)

    def reset(self):
        req = urllib.request.Request(self.url + "/moto-api/reset", data=b"", method="POST")
        urllib.request.urlopen(req, timeout=10).read()

    def boto(self, op: str, **arg):
        r = subprocess.run([self.py, "-c", BOTO, self.url, op, json.dumps(arg)],
                           capture_output=True, text=True, timeout=60,
                           env={**os.environ, **FAKE_ENV})
        if r.returncode != 0:
            raise RuntimeError(f"boto3 {op} failed: {r.stderr[-2000:]}")
        return json.loads(r.stdout)

    def create_zone(self, name: str, soa: bool = True) -> str:
        """A hosted zone as Route53 creates it.  moto lists the SOA of a new
        zone as the repr of a Python dict ("{'Value': 'ns-2048...'}"), which
        no client can read; with soa (the default) it is rewritten at once
        with the value real Route53 holds (ns-2048.awsdns-64.com.
        hostmaster.NAME 1 7200 900 1209600 86400, TTL 900)."""
        return self.boto("create", name=name, ref=f"{name}-{time.time_ns()}", soa=soa)

    def list(self, zone_id: str) -> list[dict]:
        return self.boto("list", id=zone_id)
