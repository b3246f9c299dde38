"""Starting and stopping the local stack's processes.

Each child runs in its own session (process group), so stopping it also stops whatever
it spawned; the supervisor stops children in reverse start order, first politely
(SIGTERM), then firmly (SIGKILL), and never leaves one behind on Ctrl-C.
"""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import FameError


def port_in_use(host: str, port: int) -> bool:
    """True when something already listens on host:port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def _client_port_floor() -> int:
    """The lowest port the OS hands to outgoing connections (Linux: ip_local_port_range)."""
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


# Ports this process has handed out already: two picks in a row never name the same port.
_handed_out: set[int] = set()


def free_port_block(count: int, host: str = "127.0.0.1", tries: int = 200) -> int:
    """The first of `count` consecutive ports that are free right now (tests, benchmarks, the
    dev stack's oracle committee: operator i listens on base + i).

    Chosen below the range the OS takes client ports from: a port from bind(0) comes from that
    range, so between choosing it and a server binding it, one of the stack's own outgoing
    connections can take it (a server that then fails to start for a reason no log explains).
    """
    floor = _client_port_floor()
    low = 10_000 if floor > 12_000 else 1024
    rng = random.SystemRandom()
    for _ in range(tries):
        base = rng.randrange(low, max(low + 1, floor - count))
        ports = range(base, base + count)
        if any(port in _handed_out for port in ports) or base + count > 65536:
            continue
        socks: list[socket.socket] = []
        try:
            for port in ports:
                sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                socks.append(sock)
                sock.bind((host, port))
        except OSError:
            continue
        finally:
            for sock in socks:
                sock.close()
        _handed_out.update(ports)
        return base
    raise FameError(f"no {count} consecutive free ports on {host} below {floor}")


def free_port(host: str = "127.0.0.1") -> int:
    """A port that is free right now, outside the OS's client-port range (see free_port_block)."""
    return free_port_block(1, host)


def wait_until(
    check: Callable[[], bool],
    timeout: float,
    what: str,
    proc: subprocess.Popen[Any] | None = None,
    log: Path | None = None,
) -> None:
    """Poll `check` until it is true; a FameError naming `what` (and the log) otherwise."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            hint = f"; see {log}{_last_lines(log)}" if log else ""
            raise FameError(f"{what} exited with status {proc.returncode} while starting{hint}")
        try:
            if check():
                return
        except Exception:  # noqa: BLE001 - any failure means "not ready yet"
            pass
        time.sleep(0.1)
    hint = f"; see {log}" if log else ""
    raise FameError(f"{what} did not become ready within {timeout:.0f}s{hint}")


def _last_lines(log: Path, count: int = 3) -> str:
    """The end of a child's log, so a failed start says why without opening the file."""
    try:
        lines = [line.strip() for line in log.read_text(errors="replace").splitlines() if line.strip()]
    except OSError:
        return ""
    return f" (it ends: {' | '.join(lines[-count:])[-600:]})" if lines else ""


@dataclass
class Child:
    name: str
    proc: subprocess.Popen[bytes]
    log: Path | None


class Supervisor:
    """Owns the processes of one stack or one test; `stop()` ends all of them."""

    def __init__(self) -> None:
        self.children: list[Child] = []

    def start(
        self,
        name: str,
        argv: Sequence[str],
        log: Path | None = None,
        env: dict[str, str] | None = None,
        cwd: Path | None = None,
    ) -> subprocess.Popen[bytes]:
        out = None
        if log is not None:
            log.parent.mkdir(parents=True, exist_ok=True)
            out = open(log, "ab")  # noqa: SIM115 - handed to the child, closed in stop()
        try:
            proc = subprocess.Popen(
                list(argv),
                stdin=subprocess.DEVNULL,
                stdout=out if out else subprocess.DEVNULL,
                stderr=subprocess.STDOUT if out else subprocess.DEVNULL,
                env={**os.environ, **(env or {})},
                cwd=cwd,
                start_new_session=True,
            )
        except FileNotFoundError:
            raise FameError(f"cannot start {name}: {argv[0]} not found; run `make up` to install it") from None
        finally:
            if out is not None:
                out.close()  # the child holds its own descriptor
        self.children.append(Child(name, proc, log))
        return proc

    def stop(self, grace: float = 5.0) -> None:
        """Stop every child (reverse order): SIGTERM to its group, then SIGKILL after `grace`."""
        for child in reversed(self.children):
            _signal_group(child.proc, signal.SIGTERM)
        deadline = time.monotonic() + grace
        for child in reversed(self.children):
            remaining = max(0.0, deadline - time.monotonic())
            try:
                child.proc.wait(timeout=remaining)
            except subprocess.TimeoutExpired:
                _signal_group(child.proc, signal.SIGKILL)
                child.proc.wait(timeout=5)
            # The child's own children share its process group: make sure none survive.
            _signal_group(child.proc, signal.SIGKILL)
        self.children.clear()

    def __enter__(self) -> Supervisor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _signal_group(proc: subprocess.Popen[bytes], sig: int) -> None:
    try:
        os.killpg(proc.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass
