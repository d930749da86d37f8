#!/bin/sh
# The dependency rules of ARCHITECTURE.md, checked from #include lines:
#   net/ knows nothing of AWS, TLS or the agent; sigv4/ nothing of sockets;
#   tls/ only net/; nobody outside agent/ includes agent/ headers.
set -eu
bad=0
check() { # dir pattern message
	if grep -nE "$2" $(find "$1" -name '*.[ch]' 2>/dev/null) /dev/null; then
		echo "layering: $3" >&2; bad=1
	fi
}
check net '#include *"(agent|tls|sigv4)/' "net/ may depend only on libc and BearSSL"
check net '#include *<(sys/socket|seccomp)' "net/ engines do no I/O of their own"
check sigv4 '#include *["<](agent|net|tls)/|#include *<(sys/socket|time)\.h>' "sigv4/ is pure: no sockets, no clock"
check tls '#include *"(agent|sigv4)/' "tls/ may depend only on net/ and BearSSL"
check tests/fuzz '#include *"agent/' "fuzz targets test net/ only"
[ $bad = 0 ] && echo "layering: ok"
exit $bad
