#!/usr/bin/python3
"""Drive kconfiglib (Debian's python3-kconfiglib) for the Makefile.

  kconfig.py defconfig FILE     .config = defaults + FILE
  kconfig.py tinyconfig FILE    .config = every bool off (allnoconfig) + FILE
  kconfig.py olddefconfig       fill new symbols of .config with defaults
  kconfig.py header OUT         write the C header for .config

The header defines, for every symbol, CFG_<NAME> (0/1 for bools, the value
for ints), CONFIG_<NAME> for enabled bools only (so #ifdef works), and
XFRSYNC_CONFIG_STRING listing the enabled options for --version.
Run it with /usr/bin/python3: another python3 may come first on PATH.
"""
import os
import sys

import kconfiglib

CONFIG = os.environ.get("KCONFIG_CONFIG", ".config")


def load(allno):
    kconf = kconfiglib.Kconfig("Kconfig", warn_to_stderr=False)
    if allno:
        for sym in kconf.unique_defined_syms:
            if sym.orig_type == kconfiglib.BOOL:
                sym.set_value(0)
    return kconf


def write_header(kconf, out):
    lines = ["/* Generated from .config by scripts/kconfig.py: do not edit. */",
             "#ifndef XFRSYNC_CONFIG_H", "#define XFRSYNC_CONFIG_H", ""]
    enabled = []
    for sym in kconf.unique_defined_syms:
        if not sym.name or sym.orig_type not in (kconfiglib.BOOL, kconfiglib.INT):
            continue
        v = sym.str_value
        if sym.orig_type == kconfiglib.BOOL:
            on = v == "y"
            lines.append("#define CFG_%s %d" % (sym.name, 1 if on else 0))
            if on:
                lines.append("#define CONFIG_%s 1" % sym.name)
                enabled.append(sym.name)
        else:
            lines.append("#define CFG_%s %s" % (sym.name, v or "0"))
            enabled.append("%s=%s" % (sym.name, v))
    lines.append("")
    lines.append('#define XFRSYNC_CONFIG_STRING "%s"' % " ".join(enabled))
    lines.append("")
    lines.append("#endif")
    text = "\n".join(lines) + "\n"
    old = None
    if os.path.exists(out):
        with open(out) as f:  # noqa
            old = f.read()
    if old != text:  # keep the timestamp when nothing changed
        os.makedirs(os.path.dirname(out) or ".", exist_ok=True)
        with open(out, "w") as f:
            f.write(text)


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    cmd = argv[1]
    if cmd in ("defconfig", "tinyconfig"):
        kconf = load(cmd == "tinyconfig")
        if len(argv) > 2:
            kconf.load_config(argv[2], replace=False)
        print(kconf.write_config(CONFIG))
    elif cmd == "olddefconfig":
        kconf = load(False)
        if os.path.exists(CONFIG):
            kconf.load_config(CONFIG)
        print(kconf.write_config(CONFIG))
    elif cmd == "header":
        kconf = load(False)
        kconf.load_config(CONFIG)
        write_header(kconf, argv[2])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
