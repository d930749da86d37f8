#!/usr/bin/python3
"""Write tests/unit/tsig_vectors.h: TSIG known answers made by dnspython.

    /usr/bin/python3 tests/unit/gen_tsig_vectors.py > tests/unit/tsig_vectors.h

Run it with Debian's /usr/bin/python3 (python3-dnspython); another python3
may come first on PATH.  Every message is rendered and signed by dnspython
with fixed times, IDs and secrets, so the output is the same on every run.
dnspython reads the clock itself; time.time is patched around each call.
Each vector is also read back by dnspython, which must accept it (or raise
the expected error), so the C tests compare against a second opinion.
"""
import hashlib
import struct
import sys
from unittest import mock

import dns.flags
import dns.message
import dns.name
import dns.opcode
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.rdtypes.ANY.TSIG
import dns.renderer
import dns.rrset
import dns.tsig
import dns.version

ZONE = "example."
T0 = 1700000000          # query time of the per-algorithm vectors
T_AXFR = 1700001000      # AXFR query time
T_NOTIFY = 1700002000    # NOTIFY request time
FUDGE = 300
BADKEY, BADSIG, BADTIME = 17, 16, 18

ALGS = [  # (enum name, dnspython name, secret length)
    ("TSIG_HMAC_SHA256", "hmac-sha256", 32),
    ("TSIG_HMAC_SHA512", "hmac-sha512", 128),
    ("TSIG_HMAC_SHA384", "hmac-sha384", 48),
    ("TSIG_HMAC_SHA224", "hmac-sha224", 28),
    ("TSIG_HMAC_SHA1", "hmac-sha1", 80),   # longer than a block: hashed
]


def secret(label, n):
    return hashlib.shake_256(b"xfrsync tsig test " + label.encode()).digest(n)


def mkkey(name, alg, n):
    return dns.tsig.Key(name, secret(name + alg, n), alg)


def at(t):
    """Patch dnspython's clock."""
    return mock.patch("time.time", return_value=float(t))


def soa(serial):
    return dns.rrset.from_text(ZONE, 3600, "IN", "SOA",
                               "ns1.example. hostmaster.example. "
                               "%d 7200 3600 1209600 300" % serial)


def a_rrs(first, count):
    return [dns.rrset.from_text("h%d.example." % i, 300, "IN", "A",
                                "192.0.2.%d" % (i % 250 + 1))
            for i in range(first, first + count)]


def query(key, qid, t, rdtype="SOA", edns=False):
    """(unsigned wire, signed wire, mac) of a query signed at t."""
    q = dns.message.make_query(ZONE, rdtype, use_edns=0 if edns else None)
    q.id = qid
    plain = q.to_wire()
    q.use_tsig(key)
    with at(t):
        wire = q.to_wire()
    return plain, wire, q.mac


def parse(wire, key, t, request_mac=b"", **kw):
    with at(t):
        return dns.message.from_wire(wire, keyring=key,
                                     request_mac=request_mac, **kw)


def tsig_rdata(key, t, mac, orig_id, error, other=b""):
    return dns.rdtypes.ANY.TSIG.TSIG(dns.rdataclass.ANY, dns.rdatatype.TSIG,
                                     key.algorithm, t, FUDGE, mac, orig_id,
                                     error, other)


def render_with_tsig(msg, keyname, rd):
    """msg (its TSIG left out) followed by the TSIG RR rd, as is."""
    r = dns.renderer.Renderer(msg.id, msg.flags, 65535, None)
    for rrset in msg.question:
        r.add_question(rrset.name, rrset.rdtype, rrset.rdclass)
    for sec, rrsets in ((dns.renderer.ANSWER, msg.answer),
                        (dns.renderer.AUTHORITY, msg.authority)):
        for rrset in rrsets:
            r.add_rrset(sec, rrset)
    r.write_header()
    r._write_tsig(rd, dns.name.from_text(keyname))
    return r.get_wire()


def expect_raise(exc, fn):
    try:
        fn()
    except exc:
        return
    raise AssertionError("dnspython did not raise %s" % exc.__name__)


# ---- per algorithm: query, reply -----------------------------------------
def alg_vectors():
    out = []
    for i, (enum, alg, n) in enumerate(ALGS):
        key = mkkey("xfrsync-%s." % alg, alg, n)
        qid = 0x1000 + i
        t = T0 + 100 * i
        plain, qwire, qmac = query(key, qid, t, edns=(i % 2 == 0))
        q = parse(qwire, key, t)
        r = dns.message.make_response(q)
        r.flags |= dns.flags.AA
        r.answer.append(soa(2024010100 + i))
        with at(t + 1):
            reply = r.to_wire()
        parse(reply, key, t + 1, qmac)
        out.append(dict(enum=enum, key=key, id=qid, t=t, plain=plain,
                        query=qwire, reply=reply, t_reply=t + 1))
    return out


# ---- hmac-sha256 extras: truncation, server errors, case + compression ----
def extras(v):
    key, t = v["key"], v["t"]
    q = parse(v["query"], key, t)
    qmac = q.mac
    out = {}

    # The good reply with its MAC cut to 16 bytes (still "hmac-sha256").
    good = parse(v["reply"], key, v["t_reply"], qmac)
    rd = good.tsig[0].replace(mac=good.tsig[0].mac[:16])
    good.tsig = None
    out["trunc"] = render_with_tsig(good, "xfrsync-hmac-sha256.", rd)
    expect_raise(dns.tsig.BadSignature,
                 lambda: parse(out["trunc"], key, v["t_reply"], qmac))

    # Unsigned complaints, as BIND sends them: NOTAUTH, empty MAC.
    def complaint(error, other=b""):
        r = dns.message.make_response(q)
        r.tsig = None
        r.set_rcode(dns.rcode.NOTAUTH)
        return render_with_tsig(r, "xfrsync-hmac-sha256.",
                                tsig_rdata(key, t + 1, b"", q.id, error,
                                           other))

    server_now = t + 1000
    other = struct.pack("!HI", server_now >> 32, server_now & 0xffffffff)
    out["badkey"] = complaint(BADKEY)
    out["badsig"] = complaint(BADSIG)
    out["badtime"] = complaint(BADTIME, other)
    expect_raise(dns.tsig.PeerBadKey,
                 lambda: parse(out["badkey"], key, t + 1, qmac))
    expect_raise(dns.tsig.PeerBadSignature,
                 lambda: parse(out["badsig"], key, t + 1, qmac))
    expect_raise(dns.tsig.PeerBadTime,
                 lambda: parse(out["badtime"], key, t + 1, qmac))

    # A signed BADTIME, the way BIND does it: time signed = the request's,
    # the server's clock in Other Data.
    r = dns.message.make_response(q)
    r.set_rcode(dns.rcode.NOTAUTH)
    r.use_tsig(key, tsig_error=BADTIME, other_data=other)
    r.request_mac = qmac
    with at(t):
        out["badtime_signed"] = r.to_wire()
    out["server_now"] = server_now
    expect_raise(dns.tsig.PeerBadTime,
                 lambda: parse(out["badtime_signed"], key, t + 1, qmac))

    # Key name in mixed case under the zone: dnspython compresses the
    # TSIG owner name against the question.
    ckey = dns.tsig.Key("TSIG.Example.", secret("case", 32), "hmac-sha256")
    plain, cq, cmac = query(ckey, 0x2222, t)
    assert cq[-len(plain):] != plain and b"\x04TSIG\xc0\x0c" in cq
    r = dns.message.make_response(parse(cq, ckey, t))
    r.answer.append(soa(7))
    with at(t + 2):
        out["case_query_plain"] = plain
        out["case_query"] = cq
        out["case_reply"] = r.to_wire()
    parse(out["case_reply"], ckey, t + 2, cmac)
    out["case_secret"] = ckey.secret
    return out


# ---- AXFR: multi-message answers ------------------------------------------
def axfr(key):
    plain, qwire, qmac = query(key, 0x4242, T_AXFR, "AXFR")
    q = parse(qwire, key, T_AXFR)

    def msg(n, body, first=False, last=False, serial=2024020200):
        r = dns.message.make_response(q)
        if not first:
            r.question = []
        if first:
            r.answer.append(soa(serial))
        r.answer.extend(a_rrs(n * 10, body))
        if last:
            r.answer.append(soa(serial))
        return r

    def sign_seq(plan):
        """plan: list of (time or None for unsigned, first, last).  Every
        unsigned message of a plan with more than 9 carries the same RRs."""
        ctx, wires = None, []
        for n, (t, first, last) in enumerate(plan):
            m = msg(n if len(plan) < 10 or t else 1, 3, first, last)
            if t is None:
                m.tsig = None
                w = m.to_wire()
                ctx.update(w)      # what a signer does with unsigned ones
            else:
                with at(t):
                    w = m.to_wire(multi=True, tsig_ctx=ctx)
                ctx = m.tsig_ctx
            wires.append((w, t is not None))
        return wires

    def check_seq(wires, times):
        ctx = None
        for (w, _), t in zip(wires, times):
            m = parse(w, key, t, qmac, xfr=True, multi=True, tsig_ctx=ctx)
            ctx = m.tsig_ctx

    t = T_AXFR
    allsig = sign_seq([(t + 1, True, False), (t + 1, False, False),
                       (t + 2, False, False), (t + 2, False, False),
                       (t + 3, False, True)])
    check_seq(allsig, [t + 1, t + 1, t + 2, t + 2, t + 3])
    sparse = sign_seq([(t + 1, True, False), (None, False, False),
                       (None, False, False), (t + 2, False, False),
                       (None, False, False), (t + 3, False, True)])
    check_seq(sparse, [t + 1, t + 1, t + 1, t + 2, t + 2, t + 3])
    # 99 unsigned in a row (all the same bytes), then a signed one.
    longrun = sign_seq([(t + 1, True, False)] +
                       [(None, False, False)] * 99 +
                       [(t + 4, False, True)])
    assert len({w for w, _ in longrun[1:100]}) == 1
    check_seq(longrun, [t + 1] * 100 + [t + 4])
    # Time signed going backwards within the fudge: dnspython accepts it.
    back = sign_seq([(t + 5, True, False), (t + 4, False, True)])
    check_seq(back, [t + 5, t + 5])
    return dict(plain=plain, query=qwire, id=0x4242, t=T_AXFR, all=allsig,
                sparse=sparse, long_first=longrun[0][0],
                long_unsigned=longrun[1][0], long_last=longrun[100][0],
                back=back)


# ---- server side: a NOTIFY and our replies --------------------------------
def notify(key):
    t = T_NOTIFY
    q = dns.message.make_query(ZONE, "SOA", flags=dns.flags.AA)
    q.set_opcode(dns.opcode.NOTIFY)
    q.id = 0x7777
    q.answer.append(soa(2024030300))
    unsigned = q.to_wire()
    q.use_tsig(key)
    with at(t):
        req = q.to_wire()
    p = parse(req, key, t)

    def reply(rcode=dns.rcode.NOERROR):
        r = dns.message.make_response(p)
        r.flags |= dns.flags.AA
        r.set_rcode(rcode)
        return r

    out = dict(t=t, unsigned=unsigned, req=req)
    # NOERROR, signed at t + 1.
    r = reply()
    with at(t + 1):
        out["reply"] = r.to_wire()
    r.tsig = None
    out["reply_plain"] = r.to_wire()
    parse(out["reply"], key, t + 1, p.mac)
    # Our clock says t + 1000: BADTIME, signed with the request's time.
    now = t + 1000
    r = reply(dns.rcode.NOTAUTH)
    r.use_tsig(key, tsig_error=BADTIME,
               other_data=struct.pack("!HI", now >> 32, now & 0xffffffff))
    r.request_mac = p.mac
    with at(t):
        out["badtime"] = r.to_wire()
    r.tsig = None
    out["badtime_plain"] = r.to_wire()
    expect_raise(dns.tsig.PeerBadTime,
                 lambda: parse(out["badtime"], key, t, p.mac))
    # BADSIG: unsigned, our time, empty MAC.
    r = reply(dns.rcode.NOTAUTH)
    r.tsig = None
    out["badsig_plain"] = r.to_wire()
    out["badsig"] = render_with_tsig(
        r, key.name.to_text(), tsig_rdata(key, t + 1, b"", p.id, BADSIG))
    expect_raise(dns.tsig.PeerBadSignature,
                 lambda: parse(out["badsig"], key, t + 1, p.mac))
    return out


# ---- C output ---------------------------------------------------------------
class Out:
    def __init__(self):
        self.lines = []

    def w(self, s=""):
        self.lines.append(s)

    def arr(self, name, data):
        self.w("static const uint8_t %s[%d] = {" % (name, len(data)))
        for i in range(0, len(data), 12):
            self.w("\t" + " ".join("0x%02x," % b for b in data[i:i + 12]))
        self.w("};")


def cstr(s):
    return '"%s"' % s


def b64(b):
    import base64
    return base64.b64encode(b).decode()


def main():
    algs = alg_vectors()
    ext = extras(algs[0])
    ax = axfr(algs[0]["key"])
    nt = notify(algs[0]["key"])

    o = Out()
    o.w("/*")
    o.w(" * tsig_vectors.h — TSIG known answers signed by dnspython %s."
        % dns.version.version)
    o.w(" * Generated: do not edit.  Regenerate with")
    o.w(" *   /usr/bin/python3 tests/unit/gen_tsig_vectors.py > "
        "tests/unit/tsig_vectors.h")
    o.w(" */")
    o.w("#ifndef XFRSYNC_TESTS_TSIG_VECTORS_H")
    o.w("#define XFRSYNC_TESTS_TSIG_VECTORS_H")
    o.w("")
    o.w("/* Include after net/tsig.h (enum tsig_alg). */")
    o.w("#include <stddef.h>")
    o.w("#include <stdint.h>")
    o.w("")
    o.w("struct tv_msg { const uint8_t *p; size_t n; int sig; };")
    o.w("#define TV(a, s) { a, sizeof a, s }")
    o.w("struct tv_key { const char *alg, *name, *secret; };")
    o.w("struct tv_alg {")
    o.w("\tint alg;                  /* enum tsig_alg */")
    o.w("\tstruct tv_key key;")
    o.w("\tuint16_t id;")
    o.w("\tuint64_t t, t_reply;")
    o.w("\tstruct tv_msg plain, query, reply;")
    o.w("};")
    o.w("")
    o.w("#define TV_FUDGE %d" % FUDGE)
    o.w("")

    o.w("/* Per algorithm: an SOA query (with EDNS for every other one), "
        "signed at t,")
    o.w(" * and the answer, signed at t_reply.  Key names lowercase. */")
    for i, v in enumerate(algs):
        o.arr("tv_alg%d_plain" % i, v["plain"])
        o.arr("tv_alg%d_query" % i, v["query"])
        o.arr("tv_alg%d_reply" % i, v["reply"])
    o.w("static const struct tv_alg tv_algs[] = {")
    for i, v in enumerate(algs):
        k = v["key"]
        o.w("\t{ %s, { %s, %s," % (v["enum"],
                                   cstr(k.algorithm.to_text(True)),
                                   cstr(k.name.to_text())))
        sec = b64(k.secret)
        for j in range(0, len(sec), 64):
            o.w("\t    \"%s\"%s" % (sec[j:j + 64],
                                    " }," if j + 64 >= len(sec) else ""))
        o.w("\t    0x%04x, %d, %d," % (v["id"], v["t"], v["t_reply"]))
        o.w("\t    TV(tv_alg%d_plain, 0), TV(tv_alg%d_query, 1), "
            "TV(tv_alg%d_reply, 1) }," % (i, i, i))
    o.w("};")
    o.w("")

    o.w("/* Answers to tv_algs[0]'s query: MAC cut to 16 bytes; unsigned "
        "BADKEY,")
    o.w(" * BADSIG, BADTIME complaints (NOTAUTH, empty MAC, server clock "
        "in Other);")
    o.w(" * a signed BADTIME (time signed = the query's). */")
    o.arr("tv_trunc", ext["trunc"])
    o.arr("tv_badkey", ext["badkey"])
    o.arr("tv_badsig", ext["badsig"])
    o.arr("tv_badtime", ext["badtime"])
    o.arr("tv_badtime_signed", ext["badtime_signed"])
    o.w("#define TV_SERVER_NOW %d" % ext["server_now"])
    o.w("")
    o.w("/* Key \"TSIG.Example.\": dnspython keeps the case and "
        "compresses the")
    o.w(" * owner against the question.  Query at tv_algs[0].t, reply 2 s "
        "later. */")
    o.w("static const struct tv_key tv_case_key = { \"hmac-sha256\", "
        "\"TSIG.Example.\",")
    o.w("\t%s };" % cstr(b64(ext["case_secret"])))
    o.arr("tv_case_plain", ext["case_query_plain"])
    o.arr("tv_case_query", ext["case_query"])
    o.arr("tv_case_reply", ext["case_reply"])
    o.w("#define TV_CASE_ID 0x2222")
    o.w("")

    o.w("/* AXFR with tv_algs[0]'s key: query id 0x%04x at %d; answers "
        "signed at" % (ax["id"], ax["t"]))
    o.w(" * t+1, t+1, t+2, t+2, t+3 (all), S U U S U S (sparse), S then "
        "99 x the")
    o.w(" * same unsigned message then S at t+4 (long), t+5 then t+4 "
        "(back). */")
    o.w("#define TV_AXFR_ID 0x%04x" % ax["id"])
    o.w("#define TV_AXFR_T %d" % ax["t"])
    o.arr("tv_axfr_plain", ax["plain"])
    o.arr("tv_axfr_query", ax["query"])
    for name in ("all", "sparse", "back"):
        for i, (w, _) in enumerate(ax[name]):
            o.arr("tv_axfr_%s%d" % (name, i), w)
        o.w("static const struct tv_msg tv_axfr_%s[] = {" % name)
        for i, (_, sig) in enumerate(ax[name]):
            o.w("\tTV(tv_axfr_%s%d, %d)," % (name, i, int(sig)))
        o.w("};")
    o.arr("tv_axfr_long_first", ax["long_first"])
    o.arr("tv_axfr_long_unsigned", ax["long_unsigned"])
    o.arr("tv_axfr_long_last", ax["long_last"])
    o.w("")

    o.w("/* NOTIFY signed with tv_algs[0]'s key at %d; replies that "
        "dnspython" % nt["t"])
    o.w(" * makes for it: NOERROR signed at t+1; BADTIME for a clock at "
        "t+1000")
    o.w(" * (signed, time = the request's); BADSIG at t+1 (unsigned).  "
        "*_plain:")
    o.w(" * the same replies before the TSIG is added. */")
    o.w("#define TV_NOTIFY_T %d" % nt["t"])
    for name in ("unsigned", "req", "reply", "reply_plain", "badtime",
                 "badtime_plain", "badsig", "badsig_plain"):
        o.arr("tv_notify_%s" % name, nt[name])
    o.w("")
    o.w("#endif")
    sys.stdout.write("\n".join(o.lines) + "\n")


if __name__ == "__main__":
    main()
