"""Fixtures of the system tests: real BIND and Knot primaries on loopback,
the raw messages captured from them, and xfrsync's decoding of those.

Run with Debian's Python (pytest, dnspython):  make systest, or
    /usr/bin/python3 -m pytest tests/system
Needs the Debian packages bind9 bind9-utils bind9-dnsutils knot knot-dnsutils
python3-pytest python3-dnspython.  Captures and server logs are left in
pytest's tmp dir (/tmp/pytest-of-$USER/pytest-current/{bind,knot}current/).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import dnslab
from listing import Listing, parse_listing, run_decode
from motolab import fake_aws_env

# One line per test file at the end of the run (tests/system/summary.py).
pytest_plugins = ["summary"]

ROOT = Path(__file__).resolve().parents[2]
# $XFRSYNC may name another build (a sanitizer build, a wrapper) to test.
XFRSYNC = Path(os.environ.get("XFRSYNC") or ROOT / "xfrsync")


def _zones(cls) -> dict[str, str]:
    zones = {
        "example.test": dnslab.zone_text("example.zone"),  # dynamic: NOTIFY, IXFR
        "bulk.test": dnslab.bulk_zone("bulk.test"),  # multi-message AXFR
    }
    if cls is dnslab.Bind:  # BIND keeps owner case (Knot lowercases)
        zones["tricky.test"] = dnslab.zone_text("tricky.zone")
    return zones


def _serve(cls, tmp_path_factory):
    server = cls(tmp_path_factory.mktemp(cls.name), _zones(cls))
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def bind(tmp_path_factory):
    yield from _serve(dnslab.Bind, tmp_path_factory)


@pytest.fixture(scope="session")
def knot(tmp_path_factory):
    yield from _serve(dnslab.Knot, tmp_path_factory)


@pytest.fixture(scope="session", params=["bind", "knot"])
def primary(request):
    return request.getfixturevalue(request.param)


@pytest.fixture(scope="session")
def captures(primary) -> dict[str, dnslab.Capture]:
    """Captures from one primary, saved under its directory (regenerated on
    every run): soa_udp, soa_tsig, axfr, notify, ixfr of example.test, and
    axfr_bulk, the multi-message AXFR of bulk.test."""
    caps = dnslab.capture_dynamic_zone(primary, "example.test")
    caps.append(dnslab.capture_transfer(primary, "bulk.test", "AXFR", "axfr_bulk"))
    return {c.name: c.save(primary.dir / "captures") for c in caps}


@pytest.fixture(scope="session")
def tricky_axfr(bind) -> dnslab.Capture:
    cap = dnslab.capture_transfer(bind, "tricky.test", "AXFR", "tricky_axfr")
    return cap.save(bind.dir / "captures")


@pytest.fixture(scope="session")
def xfrsync() -> Path:
    if not os.access(XFRSYNC, os.X_OK):
        pytest.fail(f"{XFRSYNC} is not built (run make)")
    return XFRSYNC


@pytest.fixture(scope="session")
def decode(xfrsync):
    """decode(capture) -> xfrsync decode's listing of it; must exit 0."""
    cache: dict[Path, list[Listing]] = {}

    def run(cap: dnslab.Capture) -> list[Listing]:
        if cap.path not in cache:
            r = run_decode(xfrsync, cap.path, cap.tcp)
            assert r.returncode == 0, f"xfrsync decode {cap.path} exited {r.returncode}: {r.stderr}"
            cache[cap.path] = parse_listing(r.stdout)
        return cache[cap.path]

    return run


@pytest.fixture(scope="session")
def fetch(xfrsync):
    """fetch(port, zone, *args, key=XFR_KEY, host=LOCALHOST) -> dnslab.Fetched:
    one run of `xfrsync fetch` (-y KEY unless key=None)."""
    def run(port: int, zone: str, *args: str, **kw) -> dnslab.Fetched:
        return dnslab.run_fetch(xfrsync, port, zone, *args, **kw)

    return run


@pytest.fixture(scope="module")
def fake_env():
    """Fake AWS credentials in our environment for the module's daemons
    (credentials-source env; moto accepts any)."""
    with fake_aws_env():
        yield
