#!/usr/bin/python3
"""Compile trust anchors into C for BearSSL (like `brssl ta`, without it).

  gen-anchors.py --set route53|bundle [--dir DIR] -o OUT.c

Reads Debian's ca-certificates (DIR, default /usr/share/ca-certificates/
mozilla: the packaged roots only, never /etc/ssl/certs, which can hold
local additions) and writes C defining tls_anchors_builtin() (tls/tls.h)
over a static const br_x509_trust_anchor array.

--set route53 keeps the roots Route53's endpoints chain to (Amazon Root
CA 1-4, Starfield Services Root Certificate Authority - G2) and fails if
one is missing; --set bundle keeps them all.  Each certificate is parsed
with a minimal DER reader: the subject DN (raw, as BearSSL hashes it),
the RSA modulus and exponent or the EC curve and point, and the CA flag
from basicConstraints.  The output depends only on the input files (sorted
by name), and OUT is rewritten only when it changes.
"""
import argparse
import base64
import glob
import os
import re
import sys

ROUTE53_ROOTS = [
    "Amazon Root CA 1",
    "Amazon Root CA 2",
    "Amazon Root CA 3",
    "Amazon Root CA 4",
    "Starfield Services Root Certificate Authority - G2",
]

OID_RSA = "1.2.840.113549.1.1.1"
OID_EC = "1.2.840.10045.2.1"
OID_CN = "2.5.4.3"
OID_BASIC_CONSTRAINTS = "2.5.29.19"
CURVES = {  # named curve OID -> BearSSL curve ID
    "1.2.840.10045.3.1.7": "BR_EC_secp256r1",
    "1.3.132.0.34": "BR_EC_secp384r1",
    "1.3.132.0.35": "BR_EC_secp521r1",
}


class DerError(Exception):
    pass


def tlv(b, i, end):
    """(tag, header start, content start, content end) of the TLV at i."""
    if i + 2 > end:
        raise DerError("truncated")
    start = i
    tag = b[i]
    if tag & 0x1F == 0x1F:
        raise DerError("high tag number")
    n = b[i + 1]
    i += 2
    if n & 0x80:
        k = n & 0x7F
        if k == 0 or k > 4 or i + k > end:
            raise DerError("bad length")
        n = int.from_bytes(b[i:i + k], "big")
        i += k
    if i + n > end:
        raise DerError("length beyond the end")
    return tag, start, i, i + n


def children(b, s, e):
    out = []
    while s < e:
        t = tlv(b, s, e)
        out.append(t)
        s = t[3]
    return out


def oid(b, s, e):
    v = b[s:e]
    if not v:
        raise DerError("empty OID")
    parts = [v[0] // 40, v[0] % 40] if v[0] < 80 else [2, v[0] - 80]
    x = 0
    for c in v[1:]:
        x = x << 7 | (c & 0x7F)
        if not c & 0x80:
            parts.append(x)
            x = 0
    return ".".join(map(str, parts))


def strip0(v):
    v = bytes(v)
    while len(v) > 1 and v[0] == 0:
        v = v[1:]
    return v


def parse_cert(der):
    """Return dict(dn, cn, ca, key=("RSA", n, e) | ("EC", curve, q))."""
    tag, _, s, e = tlv(der, 0, len(der))
    if tag != 0x30:
        raise DerError("not a SEQUENCE")
    tbs = children(der, s, e)[0]
    if tbs[0] != 0x30:
        raise DerError("no tbsCertificate")
    f = children(der, tbs[2], tbs[3])
    k = 1 if f[0][0] == 0xA0 else 0  # optional [0] version
    # serial, signature, issuer, validity, subject, subjectPublicKeyInfo
    subject, spki = f[k + 4], f[k + 5]
    dn = der[subject[1]:subject[3]]
    cn = None
    for rdn in children(der, subject[2], subject[3]):
        for atv in children(der, rdn[2], rdn[3]):
            a = children(der, atv[2], atv[3])
            if oid(der, a[0][2], a[0][3]) == OID_CN:
                cn = der[a[1][2]:a[1][3]].decode("utf-8", "replace")
    alg, bits = children(der, spki[2], spki[3])
    algs = children(der, alg[2], alg[3])
    alg_oid = oid(der, algs[0][2], algs[0][3])
    if bits[0] != 0x03 or der[bits[2]] != 0:
        raise DerError("bad subjectPublicKey")
    key_bytes = der[bits[2] + 1:bits[3]]
    if alg_oid == OID_RSA:
        seq = tlv(key_bytes, 0, len(key_bytes))
        n, ex = children(key_bytes, seq[2], seq[3])
        key = ("RSA", strip0(key_bytes[n[2]:n[3]]),
               strip0(key_bytes[ex[2]:ex[3]]))
    elif alg_oid == OID_EC:
        curve = oid(der, algs[1][2], algs[1][3])
        if curve not in CURVES:
            raise DerError("unsupported curve " + curve)
        key = ("EC", CURVES[curve], bytes(key_bytes))
    else:
        raise DerError("unsupported key algorithm " + alg_oid)
    ca = False
    for x in f[k + 6:]:
        if x[0] != 0xA3:
            continue
        exts = children(der, x[2], x[3])[0]
        for ext in children(der, exts[2], exts[3]):
            parts = children(der, ext[2], ext[3])
            if oid(der, parts[0][2], parts[0][3]) != OID_BASIC_CONSTRAINTS:
                continue
            val = parts[-1]  # OCTET STRING
            bc = tlv(der, val[2], val[3])
            inner = children(der, bc[2], bc[3])
            if inner and inner[0][0] == 0x01:
                ca = der[inner[0][2]] != 0
    return {"dn": bytes(dn), "cn": cn, "ca": ca, "key": key}


PEM_RE = re.compile(
    r"-----BEGIN CERTIFICATE-----\s*(.*?)-----END CERTIFICATE-----", re.S)


def read_pem(path):
    with open(path, encoding="ascii", errors="replace") as f:
        text = f.read()
    return [base64.b64decode("".join(m.split())) for m in PEM_RE.findall(text)]


def c_bytes(name, data):
    lines = ["static const unsigned char %s[%d] = {" % (name, len(data))]
    for i in range(0, len(data), 12):
        lines.append("\t" + ", ".join("0x%02x" % c for c in data[i:i + 12])
                     + ",")
    lines.append("};")
    return "\n".join(lines)


def emit(certs, which, src):
    out = ["/* Generated by scripts/gen-anchors.py --set %s from %s:"
           % (which, src),
           " * do not edit, do not commit. */",
           "#include <stdint.h>", "", "#include \"tls/tls.h\"", "",
           "/* BearSSL's structures are not const-qualified: the cast goes",
           " * through uintptr_t so the data stays read-only. */",
           "#define TA_P(a) ((unsigned char *)(uintptr_t)(a))", ""]
    tas = []
    for i, (fname, c) in enumerate(certs):
        out.append("/* %s (%s) */" % (c["cn"] or "?", fname))
        out.append(c_bytes("TA%d_DN" % i, c["dn"]))
        if c["key"][0] == "RSA":
            out.append(c_bytes("TA%d_N" % i, c["key"][1]))
            out.append(c_bytes("TA%d_E" % i, c["key"][2]))
            key = ("{ BR_KEYTYPE_RSA, { .rsa = { TA_P(TA{0}_N), "
                   "sizeof TA{0}_N, TA_P(TA{0}_E), sizeof TA{0}_E } } }")
        else:
            out.append(c_bytes("TA%d_Q" % i, c["key"][2]))
            key = ("{ BR_KEYTYPE_EC, { .ec = { %s, TA_P(TA{0}_Q), "
                   "sizeof TA{0}_Q } } }" % c["key"][1])
        tas.append("\t{ { TA_P(TA{0}_DN), sizeof TA{0}_DN }, %s,\n\t    %s },"
                   .replace("{0}", "%d" % i)
                   % ("BR_X509_TA_CA" if c["ca"] else "0",
                      key.replace("{0}", "%d" % i)))
        out.append("")
    out.append("static const br_x509_trust_anchor TLS_TA[%d] = {" % len(tas))
    out.extend(tas)
    out.append("};")
    out.append("")
    out.append("void\ntls_anchors_builtin(struct tls_anchors *a)\n{")
    out.append("\ta->ta = TLS_TA;")
    out.append("\ta->n = %d;" % len(tas))
    out.append("}")
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--set", choices=["route53", "bundle"], required=True)
    ap.add_argument("--dir", default="/usr/share/ca-certificates/mozilla")
    ap.add_argument("-o", "--output", required=True)
    a = ap.parse_args()

    files = sorted(glob.glob(os.path.join(a.dir, "*.crt")))
    if not files:
        sys.exit("gen-anchors: no *.crt in %s (install ca-certificates)"
                 % a.dir)
    certs = []
    for path in files:
        for der in read_pem(path):
            try:
                c = parse_cert(der)
            except (DerError, IndexError, ValueError) as e:
                sys.exit("gen-anchors: %s: %s" % (path, e))
            certs.append((os.path.basename(path), c))
    if a.set == "route53":
        by_cn = {c["cn"]: (f, c) for f, c in certs}
        missing = [n for n in ROUTE53_ROOTS if n not in by_cn]
        if missing:
            sys.exit("gen-anchors: missing from %s: %s"
                     % (a.dir, ", ".join(missing)))
        certs = [by_cn[n] for n in ROUTE53_ROOTS]
    text = emit(certs, a.set, a.dir)
    old = None
    if os.path.exists(a.output):
        with open(a.output) as f:
            old = f.read()
    if old != text:
        os.makedirs(os.path.dirname(a.output) or ".", exist_ok=True)
        tmp = a.output + ".tmp"
        with open(tmp, "w") as f:
            f.write(text)
        os.replace(tmp, a.output)
    print("gen-anchors: %d anchors (%s) in %s" % (len(certs), a.set,
                                                 a.output))


if __name__ == "__main__":
    main()
