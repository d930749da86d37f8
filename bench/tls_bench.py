#!/usr/bin/python3
"""TLS benchmark: handshake + one request, full vs resumed; binary sizes.

  /usr/bin/python3 bench/tls_bench.py [-n ITERATIONS] [--no-sizes] [--no-time]

Timing: builds bench/tls_bench.c static with musl-gcc, -Os and the
product's BearSSL (.deps), generates a CA and two server certificates
(ECDSA P-256, RSA 2048 — Route53 presents RSA 2048), starts
`openssl s_server -WWW` on a free loopback port for each, and runs N
full handshakes (empty session cache each time) and N resumed ones, each
with `GET /r.xml` (a 512-byte answer, HTTP/1.0, connection closed).
Medians and 90th percentiles of wall time and of the client's CPU time.

Sizes: builds ./xfrsync three ways (TLS off; TLS with Route53's roots;
TLS with Debian's whole bundle) in build/bench-tls/*, each from defconfig,
as scripts/size.sh does, and prints the stripped sizes and differences.
Prints Markdown tables for bench/README.md.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "system"))
import tlslab  # noqa: E402

SOURCES = ["bench/tls_bench.c", "tls/tls.c", "tls/cafile.c", "net/http.c",
           "net/http_req.c", "net/stream_plain.c"]


def build_bench(out: Path) -> Path:
    exe = out / "tls_bench"
    cmd = ["musl-gcc", "-std=c11", "-D_DEFAULT_SOURCE", "-Os",
           "-ffunction-sections", "-fdata-sections", "-I.", "-isystem",
           ".deps/include", "-static", "-Wl,--gc-sections", "-o", str(exe),
           *SOURCES, ".deps/lib/libbearssl.a"]
    subprocess.run(cmd, cwd=ROOT, check=True)
    return exe


def run_timing(n: int) -> list[tuple[str, str, dict]]:
    rows = []
    with tempfile.TemporaryDirectory(prefix="tls-bench-") as d:
        d = Path(d)
        exe = build_bench(d)
        pki = tlslab.Pki(d / "pki")
        for kind in ("ec", "rsa"):
            issued = pki.issue("bench-" + kind, ["bench.test"], kind=kind)
            srv_dir = d / ("srv-" + kind)
            srv_dir.mkdir()
            (srv_dir / "r.xml").write_bytes(b"<x>" + b"a" * 505 + b"</x>\n")
            srv = tlslab.SServer(issued, srv_dir, "WWW")
            try:
                r = subprocess.run([str(exe), "bench.test", str(srv.port),
                                    str(pki.root_pem), "/r.xml", str(n)],
                                   capture_output=True, text=True, timeout=3600)
            finally:
                srv.stop()
            if r.returncode != 0:
                sys.exit("tls_bench failed:\n" + r.stdout + r.stderr)
            suite = re.search(r"^suite (\S+)", r.stdout, re.M).group(1)
            for line in r.stdout.splitlines():
                m = re.match(r"(full|resumed) (.*)", line)
                if m:
                    vals = dict(kv.split("=") for kv in m.group(2).split())
                    rows.append((suite, m.group(1), vals))
    return rows


def config_for(name: str, d: Path) -> None:
    frag = d / "frag"
    frag.write_text({
        "tls-off": "# CONFIG_TLS is not set\n",
        "tls-route53": "CONFIG_TLS=y\nCONFIG_TLS_ANCHORS_ROUTE53=y\n",
        "tls-bundle": "CONFIG_TLS=y\nCONFIG_TLS_ANCHORS_BUNDLE=y\n",
    }[name])
    env = dict(os.environ, KCONFIG_CONFIG=str(d / ".config"))
    subprocess.run(["/usr/bin/python3", "scripts/kconfig.py", "defconfig",
                    "configs/defconfig"], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    # defconfig + the fragment, then fill in the rest.
    with open(d / ".config", "a") as f:
        f.write(frag.read_text())
    subprocess.run(["/usr/bin/python3", "scripts/kconfig.py", "olddefconfig"],
                   cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def run_sizes() -> list[tuple[str, int]]:
    out = []
    for name in ("tls-off", "tls-route53", "tls-bundle"):
        d = ROOT / "build" / "bench-tls" / name
        d.mkdir(parents=True, exist_ok=True)
        config_for(name, d)
        rel = d.relative_to(ROOT)
        subprocess.run(["make", "-s", f"B={rel}", f"KCONFIG_CONFIG={rel}/.config",
                        f"OUT={rel}/xfrsync", f"{rel}/xfrsync"], cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL)
        subprocess.run(["strip", "-o", str(d / "xfrsync.stripped"), str(d / "xfrsync")],
                       check=True)
        # The file grows in 4 KiB steps (segment alignment): text+data
        # from size(1) shows the bytes themselves.
        berkeley = subprocess.run(["size", str(d / "xfrsync.stripped")],
                                  capture_output=True, text=True, check=True)
        text, data = map(int, berkeley.stdout.splitlines()[1].split()[:2])
        out.append((name, (d / "xfrsync.stripped").stat().st_size, text + data))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-n", type=int, default=500, help="iterations per mode")
    ap.add_argument("--no-sizes", action="store_true")
    ap.add_argument("--no-time", action="store_true")
    a = ap.parse_args()
    if not a.no_time:
        rows = run_timing(a.n)
        print(f"Handshake + GET of 512 bytes, {a.n} iterations per row "
              f"(openssl s_server -WWW on loopback, {os.cpu_count()} CPUs):\n")
        print("| server key / suite | handshake | wall median | wall p90 "
              "| client CPU median | client CPU p90 |")
        print("|---|---|---:|---:|---:|---:|")
        for suite, mode, v in rows:
            print("| %s | %s | %.2f ms | %.2f ms | %.2f ms | %.2f ms |" % (
                suite, mode, int(v["wall_median_us"]) / 1000,
                int(v["wall_p90_us"]) / 1000, int(v["cpu_median_us"]) / 1000,
                int(v["cpu_p90_us"]) / 1000))
        print()
    if not a.no_sizes:
        sizes = run_sizes()
        base, tbase = sizes[0][1], sizes[0][2]
        print("Stripped static ./xfrsync (defconfig otherwise):\n")
        print("| configuration | file bytes | vs TLS off | text+data | vs TLS off |")
        print("|---|---:|---:|---:|---:|")
        for name, size, td in sizes:
            print("| %s | %d | %+d | %d | %+d |" % (name, size, size - base, td,
                                                  td - tbase))
        print()


if __name__ == "__main__":
    main()
