"""The frontend's tests run the real thing: a seeded anvil behind the web service
(stack.web.devstack), the frontend built against its manifest, Node and headless Chromium.

The stack is a module fixture of processes of its own; it never touches the chain that
ape's test provider runs, so ape's snapshot isolation has nothing of it to revert."""

import shutil
from pathlib import Path

import pytest

from fame.config import PROJECT_ROOT
from fame.procs import Supervisor

FRONTEND = PROJECT_ROOT / "frontend"
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="module")
def web_stack(tmp_path_factory):
    from stack.web.devstack import start

    root: Path = tmp_path_factory.mktemp("frontend-stack")
    sup = Supervisor()
    try:
        yield start(root, sup, dist=root / "dist")
    finally:
        sup.stop()


@pytest.fixture(scope="module")
def node_tools():
    """npm and the frontend's own packages (installed by `make test` / `make install`)."""
    npm = shutil.which("npm")
    if npm is None:
        pytest.fail("npm is not installed: the frontend needs Node.js 20+ and npm")
    if not (FRONTEND / "node_modules" / ".bin" / "vite").exists():
        pytest.fail("frontend/node_modules is missing: run `make install` (it runs `npm ci` in frontend/)")
    return npm


@pytest.fixture(scope="module")
def fan_stack(tmp_path_factory):
    """The stack with the fans' whole loop: the social service, the persona runtime with its
    language model, and the oracle operators reading the native source (devstack fans=True)."""
    from stack.web.devstack import start

    root: Path = tmp_path_factory.mktemp("fan-stack")
    sup = Supervisor()
    try:
        yield start(root, sup, dist=root / "dist", fans=True)
    finally:
        sup.stop()


@pytest.fixture(scope="module")
def media_stack(tmp_path_factory):
    """The stack with the AI worker (dev account 7) and the social service, so that a request
    made in the web app is fulfilled for real and lands in the persona's feed (devstack worker=True)."""
    from stack.web.devstack import start

    root: Path = tmp_path_factory.mktemp("media-stack")
    sup = Supervisor()
    try:
        yield start(root, sup, dist=root / "dist", worker=True)
    finally:
        sup.stop()


@pytest.fixture(scope="module")
def live_stack(tmp_path_factory):
    """The stack with the live server behind the web app's /live/, the social service for the
    fans' sign-in and the persona runtime hosting the persona's events (devstack live=True)."""
    from stack.web.devstack import start

    root: Path = tmp_path_factory.mktemp("live-stack")
    sup = Supervisor()
    try:
        yield start(root, sup, dist=root / "dist", live=True)
    finally:
        sup.stop()
