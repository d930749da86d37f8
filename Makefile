# xfrsync — see README.md.  Plain GNU make; no autotools.
#
#   make                 static musl ./xfrsync for the current .config
#   make check           unit tests (ASan/UBSan), fuzz replay, system tests
#   make fuzz            libFuzzer targets, FUZZ_SECONDS each (default 60)
#   make size            stripped size for defconfig and tinyconfig
#   make defconfig | tinyconfig | olddefconfig | menuconfig
#   make deps            install prerequisites (Debian packages, musl libs)

SHELL       := /bin/bash
VERSION     := 0.1.0
KCONFIG_CONFIG ?= .config
export KCONFIG_CONFIG
OUT         ?= xfrsync
PY          := /usr/bin/python3
B           ?= build
DEPS_DIR    ?= .deps
MUSL_CC     ?= musl-gcc
HOST_CC     ?= gcc
CLANG       ?= clang
FUZZ_SECONDS ?= 60
V           ?= 0
Q           := $(if $(filter 1,$(V)),,@)

WARN := -Wall -Wextra -Werror -Wshadow -Wpointer-arith -Wcast-align -Wcast-qual \
	-Wwrite-strings -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 \
	-Wundef -Wvla -Wnull-dereference -Wimplicit-fallthrough
BASE_CFLAGS := -std=c11 -D_DEFAULT_SOURCE -I$(B) -I. $(WARN) \
	-DXFRSYNC_VERSION='"$(VERSION)"' -ffile-prefix-map=$(CURDIR)/=
PROD_CFLAGS := -Os -ffunction-sections -fdata-sections -fstack-protector-strong \
	-D_FORTIFY_SOURCE=2 -isystem $(DEPS_DIR)/include
PROD_LDFLAGS := -static -Wl,--gc-sections -Wl,-z,relro,-z,now -Wl,--build-id=none
SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
# Debian's libbearssl-dev keeps its headers in /usr/include/bearssl.
HOST_CFLAGS := -O1 -g $(SAN) -isystem /usr/include/bearssl

-include $(KCONFIG_CONFIG)

# ---- sources -------------------------------------------------------------
# net/: the DNS codec, always built.
obj-y := net/err.o net/wire.o net/text.o net/name.o net/rrtype.o net/rdata.o \
	net/rdata_text.o net/svcb.o net/base64.o net/msg.o net/msg_text.o \
	net/zonetext.o net/serial.o net/frame.o net/xfr.o net/soaq.o \
	net/notify.o net/stub.o
# TSIG code is always built; CONFIG_TSIG and its algorithm options decide
# what it accepts (with none, every key is refused).
obj-y += net/tsig.o
# agent/: the command line and the daemon.
obj-y += agent/main.o agent/decode.o agent/zone.o agent/conf.o agent/fetch.o \
	agent/log.o agent/loop.o agent/xfrjob.o agent/soacheck.o agent/zones.o \
	agent/notifyd.o agent/ctl.o agent/ctlclient.o agent/daemon.o agent/keyfile.o \
	agent/resolve.o agent/resolvecmd.o agent/cred_parse.o
# Route53 sync and the AWS side (CONFIG_ROUTE53); cred_parse stays for the
# configuration's aws block.
obj-$(CONFIG_ROUTE53) += net/xml.o agent/route53_map.o agent/route53_batch.o \
	agent/route53_xml.o agent/httpjob.o agent/cred.o agent/cred_file.o \
	agent/credcmd.o agent/route53.o agent/plan.o agent/push.o agent/r53state.o
obj-$(CONFIG_SECCOMP) += agent/sandbox.o
# AWS transport (issue 4): each line is owned by the module it names.
SIGV4_OBJS := sigv4/canon.o sigv4/sigv4.o agent/sigv4cmd.o
HTTP_OBJS := net/stream_plain.o net/http.o net/http_req.o agent/httpcmd.o
TLS_OBJS := tls/tls.o tls/cafile.o $(B)/tls_anchors.o
# The compiled-in trust anchors: C generated from Debian's ca-certificates
# (a pattern rule, so it never becomes the default goal).
%/tls_anchors.c: scripts/gen-anchors.py %/xfrsync_config.h $(wildcard /usr/share/ca-certificates/mozilla)
	$(PY) scripts/gen-anchors.py -o $@ \
		--set $(if $(filter y,$(CONFIG_TLS_ANCHORS_BUNDLE)),bundle,route53)
	@touch $@ # the script keeps an unchanged file's time; make must not
obj-$(CONFIG_ROUTE53) += $(SIGV4_OBJS) $(HTTP_OBJS)
obj-$(CONFIG_TLS) += $(TLS_OBJS)

NET_OBJS := $(filter net/%,$(obj-y))
# agent/ modules also unit-tested on the host (they own no sockets).
AGENT_HOST := agent/zone.o agent/conf.o agent/keyfile.o agent/route53_map.o \
	agent/route53_batch.o agent/route53_xml.o agent/cred_file.o \
	agent/cred_parse.o agent/r53state.o
# sigv4/ is pure: unit-tested on the host with the rest.
AGENT_HOST += $(SIGV4_OBJS)
LIBS-y :=
LIBS-$(CONFIG_SECCOMP) += $(DEPS_DIR)/lib/libseccomp.a
LIBS-y += $(DEPS_DIR)/lib/libbearssl.a

CFG_H := $(B)/xfrsync_config.h
DEPS_STAMP := $(B)/.deps-ok

ifeq ($(CONFIG_SANITIZE),y)
PROD_CC := $(HOST_CC)
PROD_CFLAGS := $(HOST_CFLAGS)
PROD_LDFLAGS := $(SAN)
LIBS-y := $(if $(CONFIG_SECCOMP),-lseccomp) -lbearssl
else
PROD_CC := $(MUSL_CC)
endif

.PHONY: all deps demo check unit fuzz-replay systest systest-asan fuzz size clean \
	distclean \
	defconfig tinyconfig olddefconfig menuconfig layering
all: $(OUT)

# Keep intermediate objects (fuzz targets, replay runner) between runs.
.SECONDARY:

# ---- prerequisites ---------------------------------------------------------
deps:
	scripts/deps.sh
	scripts/build-libs.sh $(DEPS_DIR)

$(DEPS_STAMP):
	@command -v $(MUSL_CC) >/dev/null && [ -f $(DEPS_DIR)/lib/libbearssl.a ] \
		&& [ -f $(DEPS_DIR)/lib/libseccomp.a ] && $(PY) -c 'import kconfiglib' 2>/dev/null \
		|| $(MAKE) deps
	@mkdir -p $(B) && touch $@

# ---- configuration -----------------------------------------------------------
# A new Kconfig brings an existing .config up to date (new symbols take
# their defaults), so the Makefile and the header never disagree.
$(KCONFIG_CONFIG): Kconfig
	@if [ -f $@ ]; then $(PY) scripts/kconfig.py olddefconfig; \
	else $(PY) scripts/kconfig.py defconfig configs/defconfig; fi
defconfig: $(DEPS_STAMP)
	$(PY) scripts/kconfig.py defconfig configs/defconfig
tinyconfig: $(DEPS_STAMP)
	$(PY) scripts/kconfig.py tinyconfig configs/tinyconfig
olddefconfig: $(DEPS_STAMP)
	$(PY) scripts/kconfig.py olddefconfig
menuconfig: $(DEPS_STAMP)
	MENUCONFIG_STYLE=aquatic $(PY) -m menuconfig Kconfig

$(CFG_H): $(KCONFIG_CONFIG) Kconfig scripts/kconfig.py | $(DEPS_STAMP)
	$(PY) scripts/kconfig.py header $@

# ---- product: static musl binary --------------------------------------------
PROD_OBJS := $(addprefix $(B)/prod/,$(obj-y))
$(B)/prod/%.o: %.c $(CFG_H) | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(PROD_CC) $(BASE_CFLAGS) $(PROD_CFLAGS) -MMD -MP -c $< -o $@

$(OUT): $(PROD_OBJS) $(DEPS_STAMP)
	@echo "  LD      $@"
	$(Q)$(PROD_CC) $(PROD_CFLAGS) $(PROD_LDFLAGS) -o $@ $(PROD_OBJS) $(LIBS-y)
ifneq ($(CONFIG_SANITIZE),y)
	@scripts/check-static.sh $@
endif

-include $(PROD_OBJS:.o=.d)

# ---- host builds: unit tests and fuzz replay under ASan/UBSan ----------------
HOST_NET := $(addprefix $(B)/host/,$(NET_OBJS))
HOST_AGENT := $(addprefix $(B)/host/,$(AGENT_HOST))
$(B)/host/%.o: %.c $(CFG_H)
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $<"
	$(Q)$(HOST_CC) $(BASE_CFLAGS) $(HOST_CFLAGS) -MMD -MP -c $< -o $@
-include $(HOST_NET:.o=.d) $(HOST_AGENT:.o=.d)

UNIT_SRCS := $(sort $(wildcard tests/unit/*.c))
UNIT_OBJS := $(addprefix $(B)/host/,$(UNIT_SRCS:.c=.o))
HOST_LIBS := -lbearssl
$(B)/unit: $(UNIT_OBJS) $(HOST_NET) $(HOST_AGENT)
	@echo "  LD      $@"
	$(Q)$(HOST_CC) $(SAN) -o $@ $^ $(HOST_LIBS)
-include $(UNIT_OBJS:.o=.d)

FUZZ_SRCS := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_NAMES := $(notdir $(FUZZ_SRCS:.c=))
REPLAY := $(addprefix $(B)/replay/,$(FUZZ_NAMES))
$(B)/replay/%: $(B)/host/tests/fuzz/%.o $(B)/host/tests/fuzz/replay.o $(HOST_NET)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(HOST_CC) $(SAN) -o $@ $^ $(HOST_LIBS)

unit: $(B)/unit
	$(B)/unit

fuzz-replay: $(REPLAY)
	@for t in $(FUZZ_NAMES); do \
		$(B)/replay/$$t tests/fuzz/corpus/$$t tests/fuzz/crashes/$$t || exit 1; \
	done

systest: $(OUT)
	$(PY) -m pytest -q tests/system

check: unit fuzz-replay layering systest systest-asan

# BIND + moto_server on loopback, the agent between them (README, issue 5).
demo: $(OUT)
	$(PY) scripts/demo.py $(OUT)

# The same system tests against a sanitizer build of the product
# (CONFIG_SANITIZE: host compiler, ASan + UBSan, leak checks at exit).
ASAN_B := $(B)/asan
$(ASAN_B)/.config: $(KCONFIG_CONFIG)
	@mkdir -p $(ASAN_B)
	sed 's/^# CONFIG_SANITIZE is not set/CONFIG_SANITIZE=y/' $< > $@

systest-asan: $(ASAN_B)/.config
	$(MAKE) -s B=$(ASAN_B) KCONFIG_CONFIG=$(ASAN_B)/.config \
		OUT=$(ASAN_B)/xfrsync $(ASAN_B)/xfrsync
	XFRSYNC=$(CURDIR)/$(ASAN_B)/xfrsync $(PY) -m pytest -q tests/system/test_daemon.py \
		tests/system/test_fetch.py tests/system/test_badprimary.py \
		tests/system/test_decode_peers.py tests/system/test_tls.py \
		tests/system/test_resolve.py tests/system/test_cred.py \
		tests/system/test_route53.py tests/system/test_push.py \
		tests/system/test_push_changes.py tests/system/test_route53_canned.py \
		tests/system/test_push_faults.py

# Dependency rules of ARCHITECTURE.md, read from the #include lines.
layering:
	@scripts/check-layering.sh

# ---- libFuzzer (clang) ----------------------------------------------------------
FUZZ_FLAGS := -g -O1 -fsanitize=fuzzer,address,undefined
$(B)/fuzz/%: tests/fuzz/%.c $(NET_OBJS:.o=.c) $(CFG_H)
	@mkdir -p $(dir $@)
	@echo "  FUZZ    $@"
	$(Q)$(CLANG) $(BASE_CFLAGS) -isystem /usr/include/bearssl $(FUZZ_FLAGS) -o $@ $< $(NET_OBJS:.o=.c) $(HOST_LIBS)

fuzz: $(addprefix $(B)/fuzz/,$(FUZZ_NAMES))
	@for t in $(FUZZ_NAMES); do \
		mkdir -p $(B)/fuzz-corpus/$$t tests/fuzz/crashes/$$t; \
		echo "== $$t ($(FUZZ_SECONDS) s)"; \
		$(B)/fuzz/$$t -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
			-artifact_prefix=tests/fuzz/crashes/$$t/ \
			$(B)/fuzz-corpus/$$t tests/fuzz/corpus/$$t 2>&1 \
			| grep -E '^(stat::number_of_executed_units|stat::average_exec_per_sec|==[0-9]+==ERROR|SUMMARY)' ; \
		[ $${PIPESTATUS[0]:-0} = 0 ] || exit 1; \
	done

# ---- size report ------------------------------------------------------------------
size: $(DEPS_STAMP)
	@scripts/size.sh

clean:
	rm -rf $(B) xfrsync
distclean: clean
	rm -rf $(DEPS_DIR) .config .config.old
