"""Pieces shared by the tests that run the pushing daemon against moto.

PushAgent: an Agent whose status() also parses the push fields that
`ctl status` appends to the line of a zone that pushes to Route53:
  " r53-serial S|- last-push T|never lag SECONDS|- push-state
    idle|pushing|dirty r53-calls N r53-list N r53-change N r53-getchange N
    r53-retries N r53-throttles N"
(key/value pairs after " r53-serial "; numbers become int, "-" None).
ZoneStatus.push is that dict with the keys serial, last, lag, state,
calls, list, change, getchange, retries, throttles (None for a zone that
does not push).  wait_push()/wait_synced() poll it.

Relay: a TCP relay on a fixed port in front of moto that a test can cut
(connections refused until restore()), as a network outage would.
"""

from __future__ import annotations

import socket
import threading
import time

from agent import Agent, ZoneStatus
from dnslab import LOCALHOST, free_port

KEYS = {"r53-serial": "serial", "last-push": "last", "lag": "lag",
        "push-state": "state", "r53-calls": "calls", "r53-list": "list",
        "r53-change": "change", "r53-getchange": "getchange",
        "r53-retries": "retries", "r53-throttles": "throttles"}
TEXT = {"last", "state"}


def parse_push(suffix: str) -> dict:
    tok = suffix.split()
    if len(tok) % 2:
        raise ValueError(f"push fields do not pair up: {suffix!r}")
    out = {}
    for k, v in zip(tok[::2], tok[1::2]):
        if k not in KEYS:
            raise ValueError(f"unknown push field {k!r} in {suffix!r}")
        key = KEYS[k]
        out[key] = v if key in TEXT else (None if v == "-" else int(v))
    for need in ("serial", "last", "state", "calls", "retries"):
        if need not in out:
            raise ValueError(f"push field {need} missing in {suffix!r}")
    return out


class PushAgent(Agent):
    def status(self) -> dict[str, ZoneStatus]:
        r = self.ctl("status")
        if r.returncode != 0:
            raise RuntimeError(f"xfrsync ctl status exited {r.returncode}: {r.stderr}")
        out = {}
        for line in r.stdout.splitlines():
            i = line.find(" r53-serial ")
            z = ZoneStatus.parse(line[:i] if i >= 0 else line)
            z.line = line
            z.push = parse_push(line[i:]) if i >= 0 else None
            out[z.name] = z
        return out

    def push(self, zone: str) -> dict:
        z = self.status()[zone.rstrip(".").lower()]
        assert z.push is not None, f"no push fields in the status line: {z.line!r}"
        return z.push

    def wait_push(self, zone: str, cond, what: str, timeout: float = 30) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            p = self.push(zone)
            if cond(p):
                return p
            if not self.running():
                raise RuntimeError(f"xfrsync exited:\n{self.log_tail()}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"zone {zone}: not {what} within {timeout} s: {p}\n"
                                   f"{self.log_tail()}")
            time.sleep(0.05)

    def wait_synced(self, zone: str, serial: int, timeout: float = 30) -> dict:
        return self.wait_push(zone, lambda p: p["serial"] == serial and p["state"] == "idle",
                              f"synced at {serial}", timeout)


class Relay:
    """A TCP relay on a fixed port in front of upstream; cut() closes the
    listener and every open connection (connections are refused until
    restore())."""

    def __init__(self, upstream: int):
        self.upstream = upstream
        self.port = free_port()
        self.lsock: socket.socket | None = None
        self.conns: list[socket.socket] = []
        self.lock = threading.Lock()
        self.restore()

    def restore(self):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((LOCALHOST, self.port))
        s.listen(16)
        self.lsock = s
        threading.Thread(target=self._accept, args=(s,), daemon=True).start()

    def _accept(self, s: socket.socket):
        while True:
            try:
                c, _ = s.accept()
            except OSError:
                return
            try:
                u = socket.create_connection((LOCALHOST, self.upstream), timeout=5)
            except OSError:
                c.close()
                continue
            with self.lock:
                self.conns += [c, u]
            for a, b in ((c, u), (u, c)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(a: socket.socket, b: socket.socket):
        try:
            while data := a.recv(65536):
                b.sendall(data)
        except OSError:
            pass
        for s in (a, b):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def cut(self):
        if self.lsock is not None:
            try:  # wakes the accept() of the thread (close alone does not)
                self.lsock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            self.lsock.close()
            self.lsock = None
        with self.lock:
            for s in self.conns:
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()
            self.conns.clear()

    def close(self):
        self.cut()
