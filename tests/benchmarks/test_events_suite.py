"""The live events suite's own logic: its registration, the goal wording of the badge row, and the
voucher it signs (the typed data of docs/live.md). No chain is started and no figure is checked."""

from eth_account import Account
from eth_account.messages import encode_typed_data

from benchmarks import SUITES
from benchmarks.context import dev_accounts
from benchmarks.suites import load_all
from benchmarks.suites.events import EIP712_NAME, attendance_message, goal_word


def test_the_suite_is_registered_with_its_notes():
    load_all()
    assert SUITES["events"].title == "Live events"
    assert "OZBadge721.sol" in SUITES["events"].doc and "ecrecover" in SUITES["events"].doc


def test_goal_words():
    assert goal_word(73_000, 73_705) == "met"
    assert goal_word(73_705, 73_705) == "met"  # "at or under"
    assert goal_word(92_982, 73_705) == "not met, +19,277 gas"
    assert goal_word(None, 73_705) == "not measured"


def test_the_voucher_is_the_documented_typed_data_and_recovers_to_its_signer():
    signer, fan = dev_accounts(2)
    contract = "0x5FbDB2315678afecb367f032d93F642f64180aa3"
    message = attendance_message(31337, contract, 7, fan.address, 600, 2_000_000_000)
    assert message["domain"] == {"name": EIP712_NAME, "version": "1", "chainId": 31337, "verifyingContract": contract}
    assert [f["name"] for f in message["types"]["Attendance"]] == ["eventId", "attendee", "attended", "deadline"]
    signed = signer.sign_typed_data(message)
    assert len(signed.signature) == 65
    assert (
        Account.recover_message(encode_typed_data(full_message=message), signature=signed.signature) == signer.address
    )
