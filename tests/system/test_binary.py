"""The shipped binary itself: fully static, reports its options, decodes.

Run with Debian's /usr/bin/python3 (pytest, dnspython).
"""
import os
import re
import subprocess

import dns.message
import dns.rdata
import dns.rrset

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.join(ROOT, "xfrsync")


def run(*args, **kw):
    return subprocess.run([BIN, *args], capture_output=True, text=True, **kw)


def test_static_elf_without_interpreter():
    prog = subprocess.run(["readelf", "-lW", BIN], capture_output=True, text=True, check=True)
    assert "INTERP" not in prog.stdout
    assert "Requesting program interpreter" not in prog.stdout
    dyn = subprocess.run(["readelf", "-dW", BIN], capture_output=True, text=True, check=True)
    assert "NEEDED" not in dyn.stdout


def test_version_lists_enabled_options():
    out = run("--version")
    assert out.returncode == 0
    lines = out.stdout.splitlines()
    assert re.fullmatch(r"xfrsync \d+\.\d+\.\d+", lines[0])
    config = open(os.environ.get("KCONFIG_CONFIG", os.path.join(ROOT, ".config"))).read()
    enabled = set(re.findall(r"^CONFIG_(\w+)=y$", config, re.M))
    listed = set(w for w in lines[1].split()[1:] if "=" not in w)
    assert listed == enabled


def test_decode_matches_dnspython(tmp_path):
    msg = dns.message.make_query("Example.COM.", "SOA", use_edns=0, payload=1232)
    msg.flags |= dns.flags.QR | dns.flags.AA
    records = [
        ("example.com.", "TXT", '"a b" "" "q\\"\\\\\\255"'),
        ("example.com.", "HTTPS", "1 . alpn=h2,h3 port=443 ipv4hint=192.0.2.1"),
        ("_sip._udp.example.com.", "SRV", "0 5 5060 sip.example.com."),
        ("x.example.com.", "TYPE65534", r"\# 4 0a0b0c0d"),
        ("example.com.", "AAAA", "::ffff:192.0.2.1"),
    ]
    for owner, rtype, text in records:
        msg.answer.append(dns.rrset.from_text(owner, 300, "IN", rtype, text))
    path = tmp_path / "m.bin"
    path.write_bytes(msg.to_wire())
    out = run("decode", str(path))
    assert out.returncode == 0, out.stderr
    assert f"id: {msg.id}" in out.stdout
    assert ";Example.COM.\t\tIN\tSOA" in out.stdout
    rr_lines = [l for l in out.stdout.splitlines() if l and not l.startswith(";")]
    assert len(rr_lines) == len(records)
    for line, (owner, rtype, text) in zip(rr_lines, records):
        f = line.split("\t")
        # dnspython compresses against the question, whose case differs.
        assert f[0].lower() == owner and f[1] == "300" and f[2] == "IN" and f[3] == rtype
        ours = dns.rdata.from_text("IN", rtype, f[4])
        assert ours == dns.rdata.from_text("IN", rtype, text)


def test_decode_rejects_truncated_message(tmp_path):
    msg = dns.message.make_query("example.com.", "SOA")
    wire = msg.to_wire()
    for cut in range(len(wire)):
        path = tmp_path / "t.bin"
        path.write_bytes(wire[:cut])
        out = run("decode", str(path))
        assert out.returncode == 1
        assert "malformed:" in out.stderr and "in message 1 at offset" in out.stderr
