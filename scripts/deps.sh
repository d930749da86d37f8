#!/bin/sh
# Install what xfrsync needs to build and test, from Debian's archive only.
# Idempotent: does nothing when every package is already installed.
# Usage: scripts/deps.sh          (needs root, or sudo when not root)
set -eu

PKGS="make gcc musl-tools musl-dev linux-libc-dev gperf dpkg-dev
      python3 python3-kconfiglib python3-pytest python3-dnspython python3-botocore
      clang libclang-rt-14-dev libbearssl-dev libseccomp-dev
      bind9 bind9-utils bind9-dnsutils knot knot-dnsutils
      openssl ca-certificates python3-cryptography"

missing=""
for p in $PKGS; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$st" in
	*" installed") ;;
	*) missing="$missing $p" ;;
	esac
done

SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo

# Source packages (BearSSL, libseccomp are rebuilt with musl-gcc).
src=/etc/apt/sources.list.d/xfrsync-src.sources
need_update=""
if [ ! -f "$src" ]; then
	$SUDO tee "$src" >/dev/null <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
	need_update=1
fi

if [ -n "$missing" ] || [ -n "$need_update" ]; then
	echo "deps: installing:$missing"
	# Third-party sources may be unreachable here; Debian's must work.
	$SUDO apt-get update -q || echo "deps: apt-get update reported errors (continuing)"
fi
if [ -n "$missing" ]; then
	# Do not let packaged daemons (named, knotd) start as system services.
	export DEBIAN_FRONTEND=noninteractive
	$SUDO apt-get install -y -q --no-install-recommends $missing
fi
echo "deps: all packages present"
