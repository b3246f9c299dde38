"""Starting and stopping the local stack's processes.

Each child runs in its own session (process group), so stopping it also stops whatever
it spawned; the supervisor stops children in reverse start order, first politely
(SIGTERM), then firmly (SIGKILL), and never leaves one behind on Ctrl-C.
"""

from __future__ import annotations

import os
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


def free_port(host: str = "127.0.0.1") -> int:
    """A port the OS reports free right now (tests and benchmarks use it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


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
            hint = f"; see {log}" if log else ""
            raise FameError(f"{what} exited with status {proc.returncode} while starting{hint}")
        try:
            if check():
                return
        except Exception:  # noqa: BLE001 - any failure means "not ready yet"
            pass
        time.sleep(0.1)
    hint = f"; see {log}" if log else ""
    raise FameError(f"{what} did not become ready within {timeout:.0f}s{hint}")


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
