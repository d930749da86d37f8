#!/bin/sh
# Rebuild BearSSL and libseccomp from Debian's source packages with musl-gcc.
# Debian's own .a files are built against glibc with fortify and cannot be
# linked into a musl binary.  Result (reused by later builds):
#   $OUT/lib/libbearssl.a  $OUT/lib/libseccomp.a  $OUT/include/...
# Usage: scripts/build-libs.sh OUTDIR
set -eu
OUT=${1:?usage: build-libs.sh OUTDIR}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
CC=${MUSL_CC:-musl-gcc}
[ -f "$OUT/lib/libbearssl.a" ] && [ -f "$OUT/lib/libseccomp.a" ] && exit 0

src="$OUT/src"
rm -rf "$src"
mkdir -p "$src" "$OUT/lib" "$OUT/include"
cd "$src"
# apt-get source refuses to drop privileges to _apt as root in some setups;
# it only warns, so keep its output short.
apt-get source -q bearssl libseccomp >"$src/apt-source.log" 2>&1 || {
	cat "$src/apt-source.log" >&2
	echo "build-libs: apt-get source failed (is the deb-src entry present? run scripts/deps.sh)" >&2
	exit 1
}

# musl-gcc uses -nostdinc: expose the kernel UAPI headers seccomp.h needs.
ln -sfn /usr/include/linux "$OUT/include/linux"
ln -sfn /usr/include/x86_64-linux-gnu/asm "$OUT/include/asm"
ln -sfn /usr/include/asm-generic "$OUT/include/asm-generic"

# BearSSL: plain Makefile, static library only.
b=$(find "$src" -maxdepth 1 -type d -name 'bearssl-*' | head -n 1)
make -C "$b" -s CC="$CC" LD="$CC" LDDLL="$CC" AR=ar \
	CFLAGS="-W -Wall -Os -fPIC -ffunction-sections -fdata-sections" \
	build/libbearssl.a >"$src/bearssl-build.log" 2>&1 || {
	tail -n 30 "$src/bearssl-build.log" >&2; exit 1; }
cp "$b/build/libbearssl.a" "$OUT/lib/"
cp "$b"/inc/*.h "$OUT/include/"

# libseccomp: autotools, static only.
s=$(find "$src" -maxdepth 1 -type d -name 'libseccomp-*' | head -n 1)
(
	cd "$s"
	./configure -q CC="$CC" CFLAGS="-Os -ffunction-sections -fdata-sections -I$OUT/include" \
		--enable-static --disable-shared --disable-python \
		--prefix="$OUT/seccomp-install"
	make -s -C src libseccomp.la
) >"$src/seccomp-build.log" 2>&1 || { tail -n 30 "$src/seccomp-build.log" >&2; exit 1; }
cp "$s/src/.libs/libseccomp.a" "$OUT/lib/"
cp "$s/include/seccomp.h" "$s/include/seccomp-syscalls.h" "$OUT/include/"
rm -rf "$src"
echo "build-libs: BearSSL and libseccomp built with $CC in $OUT"
