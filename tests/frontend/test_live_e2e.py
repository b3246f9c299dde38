"""A live event end to end in headless Chromium (frontend/e2e/live.mjs) with two browser
contexts against the real services: the event is scheduled on chain by the persona's event
operator; fan A buys a ticket on the persona's page (FMC permit) and joins the 3D room, fan B
without a ticket is refused with the server's reason; A asks a question and the persona
(the runtime's live host) answers with audio chunks and a caption A sees; after A stayed the
event's minimum attendance and the event ended, A claims the soulbound badge with the live
server's voucher and sees it on the persona page. The stack is `stack.web.devstack` with
live=True; screenshots go to frontend/test-results."""

from pathlib import Path

import pytest
from e2e_helpers import ARTIFACTS, build_for, run_e2e


@pytest.fixture(scope="module")
def live_build(live_stack, node_tools) -> Path:
    return build_for(live_stack)


def test_fan_buys_joins_hears_the_answer_and_claims_the_badge(live_stack, live_build):
    from fame.chain import Chain, connect

    run_e2e(
        "live.mjs",
        live_stack,
        ("live.log", "runtime.log", "social.log", "web.log"),
        timeout=540,
        HOST_WAIT_S="90",
        ANSWER_WAIT_S="120",
        EVENT_MIN_ATTENDANCE_S="10",
    )
    # the chain agrees with what the page showed: A holds a badge, locked, of the persona's event
    events = Chain(connect(live_stack.rpc_url), live_stack.manifest.parent).contract("PersonaEvents")
    alice = connect(live_stack.rpc_url).eth.accounts[1]
    assert events.functions.balanceOf(alice).call() >= 1
    assert events.functions.persona_badges(1).call() >= 1
    for shot in ("live-room", "live-refused", "live-badge"):
        assert (ARTIFACTS / f"{shot}.png").stat().st_size > 10_000, f"screenshot {shot} missing"
