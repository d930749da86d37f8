#!/bin/sh
# Print the stripped size of ./xfrsync built for each profile in configs/.
# Each profile builds in its own directory; the work tree's .config is untouched.
set -eu
for p in defconfig tinyconfig; do
	d=build/size/$p
	mkdir -p "$d"
	make -s B="$d" KCONFIG_CONFIG="$d/.config" OUT="$d/xfrsync" "$p" >/dev/null
	make -s B="$d" KCONFIG_CONFIG="$d/.config" OUT="$d/xfrsync" "$d/xfrsync" >/dev/null
	strip -o "$d/xfrsync.stripped" "$d/xfrsync"
	printf '%-11s %8d bytes stripped\n' "$p" "$(stat -c %s "$d/xfrsync.stripped")"
done
