"""Reading dig-style listings (xfrsync decode's and dig's own) and comparing
them with dnspython's parse of the same wire bytes.

Every comparison returns a list of problems, one line each, naming the
message, section and RR and showing ours against the reference, so that a
failing test says exactly which lines differ.
"""

from __future__ import annotations

import collections
import dataclasses
import re
import struct
import subprocess
from pathlib import Path

import dns.flags
import dns.message
import dns.name
import dns.opcode
import dns.rcode
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import pytest

# Types whose RDATA xfrsync prints in dig's native presentation form; all
# others are printed as RFC 3597 generic data ("\# LEN HEX").
NATIVE_TYPES = frozenset(
    "A AAAA NS CNAME SOA PTR MX TXT SPF SRV NAPTR CAA DS SSHFP TLSA SVCB HTTPS".split()
)
SECTIONS = ("ANSWER", "AUTHORITY", "ADDITIONAL")
GENERIC_RE = re.compile(r"^\\# (0|[1-9][0-9]*)( [0-9A-F]+)?$")


# ----------------------------------------------------------- presentation


def tokens(line: str) -> list[str]:
    """Split on whitespace outside double quotes (backslash escapes count)."""
    out, cur, quoted, escaped, in_token = [], [], False, False, False
    for ch in line:
        if escaped:
            cur.append(ch)
            escaped = False
        elif ch == "\\":
            cur.append(ch)
            escaped = in_token = True
        elif ch == '"':
            cur.append(ch)
            quoted = not quoted
            in_token = True
        elif ch.isspace() and not quoted:
            if in_token:
                out.append("".join(cur))
                cur, in_token = [], False
        else:
            cur.append(ch)
            in_token = True
    if in_token:
        out.append("".join(cur))
    return out


def normalise(line: str) -> str:
    return " ".join(tokens(line))


# owner, TTL, class and type never contain unescaped blanks
RR_RE = re.compile(r"^(\S+)\s+(\S+)\s+(\S+)\s+(\S+)(?:\s+(.*?))?\s*$")


@dataclasses.dataclass
class RRLine:
    owner: str
    ttl: str
    rdclass: str
    rdtype: str
    rdata: str

    @classmethod
    def parse(cls, text: str) -> "RRLine":
        m = RR_RE.match(text)
        if not m:
            raise ValueError(f"not an RR line: {text!r}")
        return cls(m[1], m[2], m[3], m[4], m[5] or "")


# ------------------------------------------------------------ the listing


@dataclasses.dataclass
class Listing:
    """One message as a dig-style listing shows it."""

    number: int | None = None
    length: int | None = None
    header: tuple[str, str, int] | None = None  # opcode, status, id
    flags: list[str] = dataclasses.field(default_factory=list)
    counts: dict[str, int] = dataclasses.field(default_factory=dict)
    blocks: dict[str, list[str]] = dataclasses.field(default_factory=dict)
    stray: list[str] = dataclasses.field(default_factory=list)

    def block(self, name: str) -> list[str]:
        return self.blocks.get(name, [])


MESSAGE_RE = re.compile(r"^;; MESSAGE (\d+) \((\d+) bytes\)$")
HEADER_RE = re.compile(r"^;; ->>HEADER<<- opcode: (\S+), status: (\S+), id: (\d+)$")
FLAGS_RE = re.compile(r"^;; flags:([^;]*);(.*)$")
BLOCK_RE = re.compile(r"^;; (QUESTION|ANSWER|AUTHORITY|ADDITIONAL) SECTION:$|^;; (OPT|TSIG) PSEUDOSECTION:$")


def parse_listing(text: str) -> list[Listing]:
    """Messages of xfrsync decode's output, or of dig's output for one query
    (dig's own comment lines are kept apart in .stray)."""
    out: list[Listing] = []
    cur: Listing | None = None
    block: str | None = None
    for raw in text.splitlines():
        line = raw.rstrip()
        if not line.strip():
            continue
        if m := MESSAGE_RE.match(line):
            cur = Listing(number=int(m[1]), length=int(m[2]))
            out.append(cur)
            block = None
        elif m := HEADER_RE.match(line):
            if cur is None or cur.header is not None:
                cur = Listing()
                out.append(cur)
            cur.header = (m[1], m[2], int(m[3]))
            block = None
        elif cur is not None and (m := FLAGS_RE.match(line)):
            cur.flags = m[1].split()
            for part in m[2].split(","):
                k, _, v = part.strip().partition(": ")
                cur.counts[k] = int(v)
        elif cur is not None and (m := BLOCK_RE.match(line)):
            block = m[1] or m[2]
            cur.blocks.setdefault(block, [])
        elif cur is not None and block is not None and (
            block in ("QUESTION", "OPT") or not line.startswith(";")
        ):
            cur.blocks[block].append(line)
        elif cur is not None:
            cur.stray.append(line)
    return out


def run_decode(binary: Path, path: Path, tcp: bool) -> subprocess.CompletedProcess:
    cmd = [str(binary), "decode", *(["--tcp"] if tcp else []), str(path)]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60)


# ----------------------------------------------------- against dnspython


def _name_problems(where: str, ours: str, ref: dns.name.Name) -> list[str]:
    try:
        name = dns.name.from_text(ours)
    except Exception as e:
        return [f"{where}\n    name {ours!r} does not parse: {e}"]
    if name != ref:
        return [f"{where}\n    name differs"]
    if name.labels != ref.labels:
        return [f"{where}\n    name differs in case"]
    return []


def assert_no_problems(problems: list[str], context: object):
    if problems:
        pytest.fail(f"{context}:\n" + "\n".join(problems), pytrace=False)


def compare_rr(where: str, line: str, rrset) -> list[str]:
    """One RR line of ours against one dnspython RR (an rrset of one)."""
    try:
        rr = RRLine.parse(line)
    except ValueError as e:
        return [f"{where}: {e}"]
    ref = rrset[0]
    ref_text = f"{rrset.name} {rrset.ttl} {dns.rdataclass.to_text(rrset.rdclass)} " \
               f"{dns.rdatatype.to_text(rrset.rdtype)} {ref.to_text(relativize=False)}"
    at = f"{where}\n    ours: {line}\n    ref:  {ref_text}"
    problems = _name_problems(at, rr.owner, rrset.name)
    if line.split("\t") != [rr.owner, rr.ttl, rr.rdclass, rr.rdtype, rr.rdata]:
        problems.append(f"{at}\n    owner, TTL, class, type and rdata not TAB-separated")
    if rr.ttl != str(rrset.ttl):
        problems.append(f"{at}\n    TTL differs")
    if rr.rdclass != dns.rdataclass.to_text(rrset.rdclass):
        problems.append(f"{at}\n    class differs")
    if rr.rdtype != dns.rdatatype.to_text(rrset.rdtype):
        problems.append(f"{at}\n    type differs")
        return problems
    generic = rr.rdata.startswith("\\#")
    if rr.rdtype in NATIVE_TYPES and generic:
        problems.append(f"{at}\n    {rr.rdtype} must be printed natively, not in RFC 3597 form")
    if rr.rdtype not in NATIVE_TYPES | {"TSIG"} and not GENERIC_RE.match(rr.rdata):
        problems.append(f"{at}\n    {rr.rdtype} must be printed as '\\# LEN HEXUPPER'")
    try:
        ours = dns.rdata.from_text(rrset.rdclass, rrset.rdtype, rr.rdata, relativize=False)
    except Exception as e:
        return problems + [f"{at}\n    our rdata does not parse: {e}"]
    if ours != ref:
        problems.append(f"{at}\n    rdata differs")
    elif ours.to_wire() != ref.to_wire():
        problems.append(f"{at}\n    rdata differs in the case of a name")
    return problems


def expected_edns_line(m: dns.message.Message) -> str:
    do = " do" if m.ednsflags & dns.flags.DO else ""
    return f"; EDNS: version: {m.edns}, flags:{do}; udp: {m.payload}"


def compare_message(ours: Listing, wire: bytes, ref: dns.message.Message, n: int) -> list[str]:
    p: list[str] = []
    at = f"message {n}"
    if (ours.number, ours.length) != (n, len(wire)):
        p.append(f"{at}: ';; MESSAGE' line says {ours.number} ({ours.length} bytes), "
                 f"expected {n} ({len(wire)} bytes)")
    if ours.stray:
        p.append(f"{at}: lines outside any section: {ours.stray}")
    header = (dns.opcode.to_text(ref.opcode()), dns.rcode.to_text(ref.rcode()), ref.id)
    if ours.header != header:
        p.append(f"{at}: header ours {ours.header} vs ref {header}")
    flags = dns.flags.to_text(ref.flags).lower().split()
    if ours.flags != flags:
        p.append(f"{at}: flags ours {ours.flags} vs ref {flags}")
    qd, an, ns, ar = struct.unpack("!4H", wire[4:12])
    counts = {"QUERY": qd, "ANSWER": an, "AUTHORITY": ns, "ADDITIONAL": ar}
    if ours.counts != counts:
        p.append(f"{at}: counts ours {ours.counts} vs wire {counts}")
    if ref.edns < 0:
        if "OPT" in ours.blocks:
            p.append(f"{at}: OPT pseudosection but the message has no OPT")
    else:
        opt = ours.block("OPT")
        if not opt or normalise(opt[0]) != normalise(expected_edns_line(ref)):
            p.append(f"{at}: OPT ours {opt} vs ref {expected_edns_line(ref)!r}")
    # question
    qlines = ours.block("QUESTION")
    if len(qlines) != len(ref.question):
        p.append(f"{at}: {len(qlines)} question lines vs {len(ref.question)}")
    for i, (line, q) in enumerate(zip(qlines, ref.question)):
        t = tokens(line.lstrip(";"))
        where = f"{at} question {i}\n    ours: {line}\n    ref:  ;{q.to_text()}"
        if len(t) != 3:
            p.append(f"{where}\n    not ';name class type'")
            continue
        p += _name_problems(where, t[0], q.name)
        if t[1:] != [dns.rdataclass.to_text(q.rdclass), dns.rdatatype.to_text(q.rdtype)]:
            p.append(f"{where}\n    class or type differs")
    # answer, authority, additional
    for name, section in zip(SECTIONS, (ref.answer, ref.authority, ref.additional)):
        lines = ours.block(name)
        if len(lines) != len(section):
            p.append(f"{at} {name}: {len(lines)} RR lines vs {len(section)} in the message")
        if not section and name in ours.blocks:
            p.append(f"{at}: empty {name} section printed")
        for i, (line, rrset) in enumerate(zip(lines, section)):
            p += compare_rr(f"{at} {name} RR {i}", line, rrset)
    # TSIG
    tsig = ours.block("TSIG")
    if ref.tsig is None:
        if tsig:
            p.append(f"{at}: TSIG pseudosection but the message is not signed")
    elif len(tsig) != 1:
        p.append(f"{at}: TSIG pseudosection has {len(tsig)} lines, expected 1")
    else:
        p += compare_rr(f"{at} TSIG", tsig[0], ref.tsig)
        rr = RRLine.parse(tsig[0])
        if normalise(rr.rdata) != ref.tsig[0].to_text():
            p.append(f"{at} TSIG rdata text\n    ours: {rr.rdata}\n    ref:  {ref.tsig[0].to_text()}")
    return p


def compare_messages(ours: list[Listing], wires: list[bytes],
                     refs: list[dns.message.Message]) -> list[str]:
    p = []
    if len(ours) != len(wires):
        p.append(f"{len(ours)} messages decoded, {len(wires)} in the capture")
    for n, (listing, wire, ref) in enumerate(zip(ours, wires, refs), 1):
        p += compare_message(listing, wire, ref, n)
    return p


# ------------------------------------------------------------ against dig


def listing_rr_lines(listings: list[Listing]) -> list[str]:
    """Every RR line of every message (not TSIG), normalised, in order."""
    return [normalise(line) for m in listings for s in SECTIONS for line in m.block(s)]


def dig_rr_lines(plain: str, unknown: str) -> list[str]:
    """RR lines of a dig transfer listing, as xfrsync prints them: native types
    from `dig +nosplit`, the others from `dig +nosplit +unknownformat` (whose
    CLASS1/TYPEnn columns are given back their mnemonics).  TSIG excluded."""
    def rr_lines(text):
        return [tokens(l) for l in text.splitlines() if l.strip() and not l.startswith(";")]

    out = [" ".join(t) for t in rr_lines(plain) if t[3] in NATIVE_TYPES]
    for t in rr_lines(unknown):
        rdclass = dns.rdataclass.to_text(dns.rdataclass.from_text(t[2]))
        rdtype = dns.rdatatype.to_text(dns.rdatatype.from_text(t[3]))
        if rdtype not in NATIVE_TYPES and rdtype != "TSIG":
            out.append(" ".join([t[0], t[1], rdclass, rdtype, *t[4:]]))
    return out


def compare_line_multisets(ours: list[str], ref: list[str], what: str) -> list[str]:
    a, b = collections.Counter(ours), collections.Counter(ref)
    width = max(len("ours"), len(what))
    p = [f"only in {'ours':{width}}: {line}" for line in sorted((a - b).elements())]
    p += [f"only in {what:{width}}: {line}" for line in sorted((b - a).elements())]
    return p


def compare_listing_text(ours: Listing, dig: Listing) -> list[str]:
    """Everything dig prints about a message against xfrsync's listing."""
    p = []
    for field in ("header", "flags", "counts"):
        if getattr(ours, field) != getattr(dig, field):
            p.append(f"{field}: ours {getattr(ours, field)} vs dig {getattr(dig, field)}")
    for block in ("OPT", "QUESTION", *SECTIONS, "TSIG"):
        a = [normalise(l) for l in ours.block(block)]
        b = [normalise(l) for l in dig.block(block)]
        if a != b:
            p.append(f"{block}:\n    ours: {a}\n    dig:  {b}")
    return p
