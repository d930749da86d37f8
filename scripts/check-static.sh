#!/bin/sh
# Fail unless $1 is a fully static ELF: no program interpreter, no NEEDED.
set -eu
f=${1:?usage: check-static.sh BINARY}
if readelf -lW "$f" | grep -q 'INTERP'; then
	echo "check-static: $f has a program interpreter (dynamic)" >&2; exit 1
fi
if readelf -dW "$f" 2>/dev/null | grep -q 'NEEDED'; then
	echo "check-static: $f has NEEDED entries" >&2; exit 1
fi
