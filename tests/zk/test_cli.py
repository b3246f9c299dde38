"""The `zk` command line (click): dev setup, prove, verify, export, and the ceremony commands."""

import json

import pytest
from click.testing import CliRunner

from zk.cli import zk
from zk.snarkjs_io import load_json, read_zkey, save_json


@pytest.fixture(scope="module")
def runner():
    return CliRunner(mix_stderr=False)


@pytest.fixture(scope="module")
def dev_dir(did_input, did2, runner, tmp_path_factory):
    # (the session fixtures are requested first so that ape's chain isolation sees them early)
    d = tmp_path_factory.mktemp("zkdev")
    res = runner.invoke(zk, ["setup", str(d), "--depth", "2", "--dev", "--seed", "7"])
    assert res.exit_code == 0, res.output + res.stderr
    return d


def _input(did_input) -> dict:
    return {
        "secret": str(did_input.secret),
        "salt": hex(did_input.salt),
        "siblings": [str(s) for s in did_input.siblings],
        "path_bits": list(did_input.path_bits),
        "scope": did_input.scope,
        "msg_hash": str(did_input.msg_hash),
    }


def test_dev_setup_files(dev_dir, did2):
    for name in ("circuit.r1cs", "circuit_final.zkey", "verification_key.json", "ceremony.json"):
        assert (dev_dir / name).exists()
    assert read_zkey(dev_dir / "circuit_final.zkey").n_vars == did2.r1cs.n_wires
    assert load_json(dev_dir / "ceremony.json")["dev"] is True


def test_prove_verify_export(runner, dev_dir, did_input, tmp_path):
    save_json(tmp_path / "in.json", _input(did_input))
    res = runner.invoke(
        zk,
        [
            "prove",
            "--zkey",
            str(dev_dir / "circuit_final.zkey"),
            "--input",
            str(tmp_path / "in.json"),
            "--proof",
            str(tmp_path / "proof.json"),
            "--public",
            str(tmp_path / "public.json"),
            "--wtns",
            str(tmp_path / "w.wtns"),
        ],
    )
    assert res.exit_code == 0, res.output + res.stderr
    public = load_json(tmp_path / "public.json")
    assert [int(x) for x in public] == __import__("zk").did_public_signals(did_input)
    assert (tmp_path / "w.wtns").exists()
    args = [
        "verify",
        "--vk",
        str(dev_dir / "verification_key.json"),
        "--proof",
        str(tmp_path / "proof.json"),
        "--public",
        str(tmp_path / "public.json"),
    ]
    res = runner.invoke(zk, args)
    assert res.exit_code == 0 and "OK" in res.output
    public[3] = str(int(public[3]) + 1)
    save_json(tmp_path / "public.json", public)
    res = runner.invoke(zk, args)
    assert res.exit_code == 1 and "INVALID" in res.output
    res = runner.invoke(
        zk,
        [
            "export-verifier",
            "--vk",
            str(dev_dir / "verification_key.json"),
            "--out",
            str(tmp_path / "out" / "Verifier.vy"),
        ],
    )
    assert res.exit_code == 0
    src = (tmp_path / "out" / "Verifier.vy").read_text()
    assert "Public inputs, in order: root, nullifier, scope, msg_hash." in src


def test_prove_with_message_and_errors(runner, dev_dir, did_input, tmp_path):
    obj = _input(did_input)
    del obj["msg_hash"]
    obj["message"] = "post #42 is mine"
    save_json(tmp_path / "in.json", obj)
    zkey = str(dev_dir / "circuit_final.zkey")
    res = runner.invoke(
        zk,
        [
            "prove",
            "--zkey",
            zkey,
            "--input",
            str(tmp_path / "in.json"),
            "--proof",
            str(tmp_path / "p.json"),
            "--public",
            str(tmp_path / "pub.json"),
        ],
    )
    assert res.exit_code == 0, res.stderr
    from zk.circuits.did import msg_hash_to_field

    assert int(load_json(tmp_path / "pub.json")[3]) == msg_hash_to_field(b"post #42 is mine")
    obj["path_bits"] = [0, 0, 1]
    obj["siblings"] = obj["siblings"] + ["0"]
    save_json(tmp_path / "in3.json", obj)  # depth 3 against a depth-2 key
    res = runner.invoke(zk, ["prove", "--zkey", zkey, "--input", str(tmp_path / "in3.json")])
    assert res.exit_code == 2 and "not a key for the depth-3" in res.stderr
    obj = _input(did_input)
    obj["path_bits"] = [2, 0]
    save_json(tmp_path / "bad.json", obj)
    res = runner.invoke(zk, ["prove", "--zkey", zkey, "--input", str(tmp_path / "bad.json")])
    assert res.exit_code == 2 and "path_bits" in res.stderr


def test_ceremony_commands_refuse_dev_dirs_and_missing_dirs(runner, dev_dir, tmp_path):
    res = runner.invoke(zk, ["contribute", str(dev_dir)])
    assert res.exit_code == 2 and "dev keys" in res.stderr
    res = runner.invoke(zk, ["verify-ceremony", str(dev_dir)])
    assert res.exit_code == 2
    res = runner.invoke(zk, ["contribute", str(tmp_path)])
    assert res.exit_code == 2 and "zk setup" in res.stderr
    res = runner.invoke(zk, ["setup", str(dev_dir), "--depth", "2", "--dev"])
    assert res.exit_code == 2 and "--force" in res.stderr
    res = runner.invoke(zk, ["setup", str(tmp_path / "x"), "--depth", "2", "--power", "5"])
    assert res.exit_code == 2 and "too small" in res.stderr


@pytest.mark.deep
def test_full_ceremony_through_the_cli(runner, tmp_path, did_input):
    """Depth-1 DID circuit (power 10): contributions, beacons, verification, proof."""
    from zk.circuits.did import DIDWitnessInput, commitment
    from zk.gadgets.merkle import MerkleTree

    d = tmp_path / "cer"
    steps = [
        ["setup", str(d), "--depth", "1"],
        ["contribute", str(d), "--name", "alice"],
        ["contribute", str(d), "--name", "bob", "--entropy", "dice"],
        ["contribute", str(d), "--beacon", "0x" + "11" * 32, "--iterations-exp", "4"],
        ["contribute", str(d), "--name", "carol"],
        ["contribute", str(d), "--beacon", "0x" + "22" * 32, "--iterations-exp", "4"],
        ["verify-ceremony", str(d)],
    ]
    for args in steps:
        res = runner.invoke(zk, args)
        assert res.exit_code == 0, (args, res.output, res.stderr)
    assert "ceremony verified" in res.output
    tree = MerkleTree(1)
    i = tree.append(commitment(9, 10))
    sib, bits = tree.proof(i)
    inp = DIDWitnessInput(9, 10, sib, bits, 1, 2)
    save_json(tmp_path / "in.json", _input(inp))
    res = runner.invoke(
        zk,
        [
            "prove",
            "--zkey",
            str(d / "circuit_final.zkey"),
            "--input",
            str(tmp_path / "in.json"),
            "--proof",
            str(tmp_path / "p.json"),
            "--public",
            str(tmp_path / "pub.json"),
        ],
    )
    assert res.exit_code == 0, res.stderr
    res = runner.invoke(
        zk,
        [
            "verify",
            "--vk",
            str(d / "verification_key.json"),
            "--proof",
            str(tmp_path / "p.json"),
            "--public",
            str(tmp_path / "pub.json"),
        ],
    )
    assert res.exit_code == 0
    # tampering with an intermediate file is caught
    state = json.loads((d / "ceremony.json").read_text())
    assert state["phase"] == "done"
