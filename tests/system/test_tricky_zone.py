"""data/tricky.zone transferred from BIND: every RDATA type xfrsync knows,
the ones it prints generically, and owner names / strings easy to get wrong.
xfrsync decode's listing of the raw AXFR must say what dig says."""

from __future__ import annotations

import dns.rdatatype

from listing import (
    assert_no_problems,
    NATIVE_TYPES,
    compare_line_multisets,
    compare_messages,
    dig_rr_lines,
    listing_rr_lines,
)

GENERIC_TYPES = {"DNSKEY", "RRSIG", "NSEC", "TYPE65534"}


def test_zone_has_what_it_claims(tricky_axfr):
    """dnspython's parse of the transfer: every type, the 255-octet name, the
    63-octet label and the other tricky owners are really there."""
    rrs = [rr for m in tricky_axfr.reference() for rr in m.answer]
    types = {dns.rdatatype.to_text(rr.rdtype) for rr in rrs}
    assert NATIVE_TYPES | GENERIC_TYPES <= types, (NATIVE_TYPES | GENERIC_TYPES) - types
    owners = {rr.name for rr in rrs}
    assert any(len(name.to_wire()) == 255 for name in owners)
    assert any(len(label) == 63 for name in owners for label in name.labels)
    labels = {label for name in owners for label in name.labels}
    assert {b"*", b"UPPER", b"MixedCase", b"sp ace", b"hi\xffgh", b"dot.in.label"} <= labels
    txt = [s for rr in rrs if rr.rdtype == dns.rdatatype.TXT for s in rr[0].strings]
    assert b"" in txt and any(len(s) == 255 for s in txt)
    assert b'quote " and backslash \\ inside' in txt


def test_decode_matches_dnspython(tricky_axfr, decode):
    problems = compare_messages(decode(tricky_axfr), tricky_axfr.messages, tricky_axfr.reference())
    assert_no_problems(problems, tricky_axfr.path)


def test_decode_matches_dig(tricky_axfr, decode):
    """The set of RR lines equals dig +nosplit's (natively printed types) and
    dig +nosplit +unknownformat's (the others), whitespace normalised."""
    ours = listing_rr_lines(decode(tricky_axfr))
    ref = dig_rr_lines(tricky_axfr.dig["plain"], tricky_axfr.dig["unknown"])
    assert len(ref) == sum(len(m.answer) for m in tricky_axfr.reference())
    problems = compare_line_multisets(ours, ref, "dig")
    assert_no_problems(problems, tricky_axfr.path)
