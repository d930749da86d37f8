"""Small helpers shared by the benchmarks: the versions a result table
names (first line of a tool's version output; xfrsync's build and tree)."""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def first_line(cmd: list[str], timeout: float = 30) -> str:
    """First line a command prints (stdout, else stderr), or "?"."""
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        return (r.stdout or r.stderr).strip().splitlines()[0]
    except (OSError, IndexError, subprocess.TimeoutExpired):
        return "?"


def xfrsync_version(xfrsync: Path) -> str:
    """`xfrsync --version`, the binary's size and the git tree it came from."""
    return (f"{first_line([str(xfrsync), '--version'])}, {xfrsync.stat().st_size} bytes, "
            f"tree {first_line(['git', '-C', str(ROOT), 'describe', '--always', '--dirty'])}")
