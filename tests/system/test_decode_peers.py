"""`xfrsync decode` against the real thing: messages captured from BIND and
Knot, compared with dnspython's parse of the same bytes and with dig."""

from __future__ import annotations

import dns.flags
import dns.opcode
import dns.rdatatype
import pytest

from listing import (
    assert_no_problems,
    compare_line_multisets,
    compare_listing_text,
    compare_messages,
    dig_rr_lines,
    listing_rr_lines,
    parse_listing,
    run_decode,
)

ALL = ["soa_udp", "soa_tsig", "axfr", "notify", "ixfr", "axfr_bulk"]
TRANSFERS = ["axfr", "ixfr", "axfr_bulk"]


def answer_rrs(msgs):
    return [rr for m in msgs for rr in m.answer]


def test_captures_are_what_they_say(primary, captures):
    """The harness itself: signed where it should be, real incremental IXFR,
    NOTIFY over the transport each server uses."""
    refs = {name: cap.reference() for name, cap in captures.items()}  # verifies TSIG
    assert refs["soa_udp"][0].tsig is None
    assert refs["soa_tsig"][0].tsig is not None
    assert all(m.tsig is not None for name in ("notify", *TRANSFERS) for m in refs[name])

    for name in ("axfr", "axfr_bulk"):
        axfr = answer_rrs(refs[name])
        assert axfr[0].rdtype == axfr[-1].rdtype == dns.rdatatype.SOA
    assert len(refs["axfr_bulk"]) > 3  # several messages, each signed
    assert len(answer_rrs(refs["axfr_bulk"])) == 2 + 2 + 2 * 400
    ixfr = answer_rrs(refs["ixfr"])
    kinds = [dns.rdatatype.to_text(rr.rdtype) for rr in ixfr]
    # SOA(new) SOA(old) -A SOA(new) +A +TXT SOA(new): the incremental form
    assert kinds[:2] == ["SOA", "SOA"] and kinds[-1] == "SOA", kinds
    assert ixfr[1][0].serial < ixfr[0][0].serial == ixfr[-1][0].serial
    middle = kinds.index("SOA", 2)
    deleted = [rr.to_text() for rr in ixfr[2:middle]]
    added = sorted(rr.to_text() for rr in ixfr[middle + 1:-1])
    assert deleted == ["old.example.test. 300 IN A 192.0.2.99"]
    assert added == ['new.example.test. 300 IN TXT "added by the test" ""',
                     "www.example.test. 300 IN A 192.0.2.81"]

    notify = refs["notify"][0]
    assert notify.opcode() == dns.opcode.NOTIFY and not notify.flags & dns.flags.QR
    assert captures["notify"].transport == {"bind": "udp", "knot": "tcp"}[primary.name]


@pytest.mark.parametrize("name", ALL)
def test_decode_matches_dnspython(captures, decode, name):
    """Header, question and every RR of every section, field by field."""
    cap = captures[name]
    problems = compare_messages(decode(cap), cap.messages, cap.reference())
    assert_no_problems(problems, cap.path)


@pytest.mark.parametrize("name", ["soa_udp", "soa_tsig"])
def test_decode_matches_dig_on_same_bytes(captures, decode, name):
    """dig rendered exactly these bytes (through a recording relay): every
    line it prints about the message must be ours too."""
    cap = captures[name]
    [dig] = parse_listing(cap.dig["same-bytes"])
    [ours] = decode(cap)
    problems = compare_listing_text(ours, dig)
    assert_no_problems(problems, cap.path)


@pytest.mark.parametrize("name", TRANSFERS)
def test_transfer_rr_lines_match_dig(captures, decode, name):
    """Every RR line of the transfer as dig +nosplit prints the same transfer
    (TSIG aside: it differs from one transfer to the next); for IXFR, where
    order is meaning, in the same order."""
    cap = captures[name]
    ours = listing_rr_lines(decode(cap))
    ref = dig_rr_lines(cap.dig["plain"], cap.dig["unknown"])
    problems = compare_line_multisets(ours, ref, "dig")
    assert_no_problems(problems, cap.path)
    if name == "ixfr":
        assert ours == ref, "same RR lines as dig, in another order"


def _with_ancount_plus_one(wire: bytes) -> bytes:
    return wire[:6] + (int.from_bytes(wire[6:8], "big") + 1).to_bytes(2, "big") + wire[8:]


MALFORMED = {
    # name: (capture, --tcp, how to spoil its bytes)
    "stream cut inside the last message": ("axfr", True, lambda b: b[:-1]),
    "one byte of a next length prefix": ("axfr", True, lambda b: b + b"\x00"),
    "message cut inside the answer RR": ("soa_udp", False, lambda b: b[:40]),
    "ANCOUNT one more than present": ("soa_udp", False, _with_ancount_plus_one),
    "header cut short": ("soa_udp", False, lambda b: b[:11]),
}


@pytest.mark.parametrize("case", MALFORMED)
def test_malformed_input_is_rejected(captures, xfrsync, tmp_path, case):
    """Spoiled captures are an error with a message, not a partial success."""
    name, tcp, spoil = MALFORMED[case]
    bad = tmp_path / "bad.bin"
    bad.write_bytes(spoil(captures[name].path.read_bytes()))
    r = run_decode(xfrsync, bad, tcp=tcp)
    assert r.returncode != 0, f"exit 0 for {case}; stdout:\n{r.stdout}"
    assert r.stderr.strip(), "no error message on stderr"
