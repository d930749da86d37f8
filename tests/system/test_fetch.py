"""`xfrsync fetch` against real primaries: BIND 9 and Knot, TSIG required
for transfers, zones changed with nsupdate / knsupdate so that the servers
answer IXFR from their journals.

What fetch prints is compared with what dig prints for the same transfer:
AXFR as the same RR lines (in the same order where dig's rendering allows
it), IXFR RR for RR in order.  Each test records the serial it starts from,
so the tests do not depend on each other's changes.

The servers here are this module's own (not the session's `bind` and
`knot`): they serve zones no other test touches, BIND with
max-ixfr-ratio unlimited so that it answers small zones incrementally too.
"""

from __future__ import annotations

import collections
import re
from pathlib import Path

import pytest

import dnslab
from dnslab import XFR_KEY, key_name, key_secret
from listing import (
    NATIVE_TYPES,
    assert_no_problems,
    compare_line_multisets,
    dig_rr_lines,
    tokens,
)

DYN = "fetch.test"     # changed by the IXFR tests (starts at serial 100)
WRAP = "wrap.test"     # its serial crosses 2^32
BULK = "bulk.test"     # static, several messages
TRICKY = "tricky.test"  # static, every type (BIND only: Knot lowercases owners)
START_SERIAL = 100

# the form line fetch writes on stderr
AXFR_FORM = re.compile(r"^;; AXFR\b")
AXFR_STYLE = re.compile(r"^;; IXFR answered AXFR-style\b")
INCREMENTAL = re.compile(r"^;; IXFR: incremental, (\d+) diffs?\b")
UP_TO_DATE = re.compile(r"^;; IXFR: up to date\b")
FALLBACK = ";; falling back to AXFR"


def diffs(r) -> int:
    """N of the ';; IXFR: incremental, N diffs' line."""
    [n] = [int(m[1]) for m in map(INCREMENTAL.search, r.notes) if m]
    return n


def _zones(cls) -> dict[str, str]:
    example = dnslab.zone_text("example.zone")
    with_serial = lambda s: re.sub(r"(hostmaster) 1 ", rf"\g<1> {s} ", example, count=1)  # noqa: E731
    zones = {DYN: with_serial(START_SERIAL), WRAP: with_serial(4294967000),
             BULK: dnslab.bulk_zone(BULK)}
    if cls is dnslab.Bind:
        zones[TRICKY] = dnslab.zone_text("tricky.zone")
    return zones


@pytest.fixture(scope="module", params=["bind", "knot"])
def server(request, tmp_path_factory):
    cls = {"bind": dnslab.Bind, "knot": dnslab.Knot}[request.param]
    srv = cls(tmp_path_factory.mktemp(f"fetch-{cls.name}"), _zones(cls))
    if cls is dnslab.Bind:
        srv.extra_options = "    max-ixfr-ratio unlimited;"
    try:
        srv.start()
        yield srv
    finally:
        srv.stop()


# ------------------------------------------------------------- helpers


def dig_rrs(text: str) -> list[str]:
    """The RR lines of a dig +nosplit transfer listing, normalised, in
    order, TSIG left out.  Only for zones of natively printed types."""
    out = []
    for line in text.splitlines():
        if not line.strip() or line.startswith(";"):
            continue
        t = tokens(line)
        if t[3] == "TSIG":
            continue
        assert t[3] in NATIVE_TYPES, f"dig's rendering of {t[3]} is not ours: {line}"
        out.append(" ".join(t))
    return out


def dig_xfr(server, zone: str, qtype: str) -> list[str]:
    return dig_rrs(dnslab.dig(server.port, zone, qtype, key=XFR_KEY))


def ok(r: dnslab.Fetched, form: re.Pattern) -> list[str]:
    """Assert a successful fetch with this form line; its RR lines."""
    assert r.returncode == 0, f"fetch failed:\n{r}"
    lines = r.stderr.splitlines()
    reasons = {lines[i - 1] for i, l in enumerate(lines) if l == FALLBACK and i > 0}
    assert not [c for c in r.causes if c not in reasons], \
        f"exit 0 but an error on stderr (other than the reason for a fallback):\n{r}"
    forms = [n for n in r.notes if n.startswith((";; AXFR", ";; IXFR"))]
    assert len(forms) == 1 and form.search(forms[0]), f"expected a form line /{form.pattern}/:\n{r}"
    assert not r.format_problems(), \
        f"lines not 'owner<TAB>ttl<TAB>class<TAB>type<TAB>rdata': {r.format_problems()}\n{r}"
    return r.rr_lines()


def failed(r: dnslab.Fetched, cause: str) -> str:
    """Assert exit 1 with a one-line cause matching the regex cause."""
    assert r.returncode == 1, f"expected exit 1 ({cause}):\n{r}"
    assert len(r.causes) == 1, f"expected one line of cause:\n{r}"
    assert re.search(cause, r.cause), f"cause does not match /{cause}/:\n{r}"
    return r.cause


def same_sequence(ours: list[str], ref: list[str], what: str, r: dnslab.Fetched):
    if ours == ref:
        return
    problems = compare_line_multisets(ours, ref, what)
    if not problems:
        problems = ["same RR lines in another order:"] + [
            f"  {i}: ours {a!r}\n  {i}: {what}  {b!r}"
            for i, (a, b) in enumerate(zip(ours, ref)) if a != b][:10]
    assert_no_problems(problems, f"fetch vs {what}\n{r}")


def apply_ixfr(old_axfr: list[str], ixfr: list[str]) -> set[str]:
    """The zone (set of RR lines, one SOA) an incremental IXFR listing makes
    of a full one: SOA(new) [SOA(from) -RR... SOA(to) +RR...]... SOA(new)."""
    zone = set(old_axfr)
    soa = lambda line: line.split()[3] == "SOA"  # noqa: E731
    assert soa(ixfr[0]) and ixfr[-1] == ixfr[0] and soa(ixfr[1]), ixfr
    adding = True  # the first SOA, SOA(from), starts the deletions
    for line in ixfr[1:-1]:
        if soa(line):
            adding = not adding
        if adding:
            assert line not in zone or soa(line), f"IXFR adds a present RR: {line}"
            zone.add(line)
        else:
            assert line in zone, f"IXFR deletes a missing RR: {line}"
            zone.remove(line)
    return zone


def serial_of(lines: list[str]) -> int:
    return int(lines[0].split()[6])


# ---------------------------------------------------------------- AXFR


@pytest.mark.parametrize("zone", [DYN, BULK])
def test_axfr_equals_dig(server, fetch, zone):
    """The whole zone, opening and closing SOA included, line for line as
    `dig AXFR` prints it (bulk.test: several messages, each signed)."""
    args = ["--axfr"] if zone == BULK else []  # AXFR is also the default
    r = fetch(server.port, zone, *args)
    ours = ok(r, AXFR_FORM)
    ref = dig_xfr(server, zone, "AXFR")
    same_sequence(ours, ref, "dig", r)
    assert ours[0].split()[3] == "SOA" and ours[-1] == ours[0]
    if zone == BULK:
        assert len(ours) == 2 + 2 + 2 * 400


def test_axfr_tricky_zone_equals_dig(server, fetch):
    """Every RDATA type, generic ones included, owners whose case BIND keeps:
    the same multiset of RR lines as dig (+unknownformat for the types
    xfrsync prints in RFC 3597 form)."""
    if server.name != "bind":
        pytest.skip("tricky.test is served by BIND only (Knot lowercases owners)")
    r = fetch(server.port, TRICKY)
    ours = ok(r, AXFR_FORM)
    ref = dig_rr_lines(dnslab.dig(server.port, TRICKY, "AXFR", key=XFR_KEY),
                       dnslab.dig(server.port, TRICKY, "AXFR", "+unknownformat", key=XFR_KEY))
    assert_no_problems(compare_line_multisets(ours, ref, "dig"), f"fetch vs dig\n{r}")


# ---------------------------------------------------------------- IXFR


def test_ixfr_one_update(server, fetch):
    """One update (a deletion, an addition to an RRset, a new name): the
    incremental answer, RR for RR and in order, as `dig IXFR=old` shows it."""
    old = server.serial(DYN)
    server.update(DYN, *dnslab.update_commands(DYN))
    new = server.serial(DYN)
    r = fetch(server.port, DYN, "--ixfr", str(old))
    ours = ok(r, INCREMENTAL)
    assert diffs(r) == 1, r
    same_sequence(ours, dig_xfr(server, DYN, f"IXFR={old}"), "dig", r)
    assert serial_of(ours) == new and int(ours[1].split()[6]) == old


def test_ixfr_chain_of_updates(server, fetch):
    """Several updates in a row -- delete and re-add in one update, a
    multi-value RRset losing one value, a TTL change -- then IXFR from the
    first serial: one diff per update, as dig shows it; and the diffs,
    applied to the zone fetched before, give the zone fetched after."""
    before = ok(fetch(server.port, DYN), AXFR_FORM)
    first = serial_of(before)
    updates = [
        [f"update add multi.{DYN}. 300 A 192.0.2.1", f"update add multi.{DYN}. 300 A 192.0.2.2",
         f"update add multi.{DYN}. 300 A 192.0.2.3"],
        [f"update delete mail.{DYN}. A", f"update add mail.{DYN}. 300 A 192.0.2.26"],
        [f"update delete multi.{DYN}. A 192.0.2.2"],
        [f"update delete www.{DYN}. AAAA", f"update add www.{DYN}. 600 AAAA 2001:db8::80"],
        [f'update add {DYN}. 300 TXT "second"', f"update delete ns1.{DYN}. A 192.0.2.53",
         f"update add ns1.{DYN}. 300 A 192.0.2.54"],
    ]
    serials = [first]
    for commands in updates:
        server.update(DYN, *commands)
        serials.append(server.serial(DYN))
    assert len(set(serials)) == len(serials), serials

    for start in (serials[0], serials[2]):
        r = fetch(server.port, DYN, "--ixfr", str(start))
        ours = ok(r, INCREMENTAL)
        n = diffs(r)
        assert n == len(serials) - 1 - serials.index(start), r
        same_sequence(ours, dig_xfr(server, DYN, f"IXFR={start}"), "dig", r)
        # the 'from' serial of each diff, in order
        froms = [int(l.split()[6]) for i, l in enumerate(ours) if l.split()[3] == "SOA"][1:-1:2]
        assert froms == serials[serials.index(start):-1], (froms, r)

    r = fetch(server.port, DYN, "--ixfr", str(first))
    after = ok(fetch(server.port, DYN), AXFR_FORM)
    assert apply_ixfr(before[:-1], r.rr_lines()) == set(after[:-1])
    assert "multi.fetch.test. 300 IN A 192.0.2.2" not in after
    assert {"multi.fetch.test. 300 IN A 192.0.2.1", "multi.fetch.test. 300 IN A 192.0.2.3",
            "www.fetch.test. 600 IN AAAA 2001:db8::80"} <= set(after)


def test_ixfr_across_serial_wrap(server, fetch):
    """An SOA update sets the serial to 2^32 - 6, then updates step it past
    2^32 - 1 (BIND: ... 4294967295, 1, 2; Knot: ... 4294967295, 0, 1): IXFR
    from before, at and right after the wrap, as dig shows them."""
    start = server.serial(WRAP)
    if start < 4294967290:  # first run on this server
        server.update(WRAP, f"update add {WRAP}. 300 SOA ns1.{WRAP}. hostmaster.{WRAP}. "
                      "4294967290 3600 600 86400 60")
        assert server.serial(WRAP) == 4294967290
        for i in range(7):
            server.update(WRAP, f"update add w{i}.{WRAP}. 300 A 192.0.2.{i + 1}")
    now = server.serial(WRAP)
    assert now < 10, f"serial {now} did not wrap"
    for old, n in ((4294967290, 7), (4294967294, 3), (4294967295, 2)):
        r = fetch(server.port, WRAP, "--ixfr", str(old))
        ours = ok(r, INCREMENTAL)
        assert diffs(r) == n, r
        same_sequence(ours, dig_xfr(server, WRAP, f"IXFR={old}"), "dig", r)
        assert serial_of(ours) == now
    r = fetch(server.port, WRAP, "--ixfr", str(now))
    ok(r, UP_TO_DATE)
    r = fetch(server.port, WRAP)
    same_sequence(ok(r, AXFR_FORM), dig_xfr(server, WRAP, "AXFR"), "dig", r)


@pytest.mark.parametrize("ahead", [0, 1], ids=["current", "newer"])
def test_ixfr_up_to_date(server, fetch, ahead):
    """--ixfr with the server's serial (or a newer one): the server answers
    a single SOA; fetch prints it, as dig does, and says "up to date"."""
    current = server.serial(DYN)
    ours_serial = (current + ahead) % 2**32
    r = fetch(server.port, DYN, "--ixfr", str(ours_serial))
    ours = ok(r, UP_TO_DATE)
    same_sequence(ours, dig_xfr(server, DYN, f"IXFR={ours_serial}"), "dig", r)
    assert len(ours) == 1 and serial_of(ours) == current


def test_ixfr_from_serial_without_journal(server, fetch):
    """A serial the server has no journal for (older than the zone file's):
    an AXFR-style answer, or a fallback to AXFR -- the zone printed equals
    `dig AXFR`, closing SOA included."""
    server.update(DYN, f"update add nojournal.{DYN}. 300 A 192.0.2.7")  # a journal exists
    r = fetch(server.port, DYN, "--ixfr", str(START_SERIAL - 50))
    assert r.returncode == 0, r
    if FALLBACK in r.notes:
        ours = ok(r, AXFR_FORM)
    else:
        ours = ok(r, AXFR_STYLE)
    ref = dig_xfr(server, DYN, "AXFR")
    assert_no_problems(compare_line_multisets(ours, ref, "dig AXFR"), f"fetch vs dig AXFR\n{r}")
    assert ours[0].split()[3] == "SOA" and ours[-1] == ours[0]


# ---------------------------------------------------------------- keys


WRONG_SECRET = "d3Jvbmctc2VjcmV0LW9mLTMyLWJ5dGVzLWxlbmd0aCE="


@pytest.mark.parametrize("kind", ["axfr", "ixfr"])
def test_wrong_secret(server, fetch, kind):
    """The right key name with a wrong secret: the server says NOTAUTH +
    BADSIG; fetch fails with that, and an IXFR does not fall back."""
    args = ["--ixfr", "1"] if kind == "ixfr" else []
    r = fetch(server.port, DYN, "-y", f"hmac-sha256:{key_name(XFR_KEY)}:{WRONG_SECRET}",
              *args, key=None)
    failed(r, r"BADSIG|NOTAUTH")
    assert FALLBACK not in r.notes, r


@pytest.mark.parametrize("kind", ["axfr", "ixfr"])
def test_unknown_key(server, fetch, kind):
    args = ["--ixfr", "1"] if kind == "ixfr" else []
    r = fetch(server.port, DYN, "-y", f"hmac-sha256:no-such-key:{key_secret(XFR_KEY)}",
              *args, key=None)
    failed(r, r"BADKEY")
    assert FALLBACK not in r.notes, r


@pytest.mark.parametrize("kind", ["axfr", "ixfr"])
def test_no_key(server, fetch, kind):
    """Transfers need the key: BIND answers REFUSED, Knot NOTAUTH."""
    args = ["--ixfr", "1"] if kind == "ixfr" else []
    r = fetch(server.port, DYN, *args, key=None)
    failed(r, {"bind": r"\bREFUSED\b", "knot": r"\bNOTAUTH\b"}[server.name])
    assert FALLBACK not in r.notes, r


def test_connection_refused(fetch):
    port = dnslab.free_port()  # nothing listens there
    r = fetch(port, DYN)
    failed(r, r"Connection refused")


def test_key_file(server, fetch, tmp_path: Path):
    """-k: a BIND-style key file, as dig -k and named.conf read it."""
    keyfile = tmp_path / "xfr.key"
    keyfile.write_text(f'key "{key_name(XFR_KEY)}" {{\n\talgorithm hmac-sha256;\n'
                       f'\tsecret "{key_secret(XFR_KEY)}";\n}};\n')
    keyfile.chmod(0o600)
    r = fetch(server.port, DYN, "-k", str(keyfile), key=None)
    same_sequence(ok(r, AXFR_FORM), dig_xfr(server, DYN, "AXFR"), "dig", r)


def test_y_without_algorithm(server, fetch):
    """-y NAME:SECRET: hmac-sha256, as in dig."""
    r = fetch(server.port, DYN, "-y", f"{key_name(XFR_KEY)}:{key_secret(XFR_KEY)}", key=None)
    same_sequence(ok(r, AXFR_FORM), dig_xfr(server, DYN, "AXFR"), "dig", r)


def test_form_lines_are_distinct():
    """(The harness) the form patterns do not overlap."""
    samples = collections.OrderedDict([
        (";; AXFR: full zone", AXFR_FORM), (";; IXFR answered AXFR-style", AXFR_STYLE),
        (";; IXFR: incremental, 3 diffs", INCREMENTAL), (";; IXFR: up to date", UP_TO_DATE)])
    for text, pattern in samples.items():
        assert [p for p in samples.values() if p.search(text)] == [pattern]
