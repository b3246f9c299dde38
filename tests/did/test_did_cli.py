"""`fame did`: resolve, build inputs, prove and send controller actions against the deployed
registry (depth DEPTH, the tests' dev key), through the real command line on the test anvil."""

import json
import shutil
import subprocess

import pytest
from click.testing import CliRunner
from did_constants import DEPTH
from eth_account import Account

from fame.chain import dev_account
from fame.config import PROJECT_ROOT
from fame.did.document import make_did
from fame.errors import FameError
from fame.keys import sender_account
from fame.manifest import DeployedContract, Manifest, write_manifest
from stack.cli import main
from zk.snarkjs_io import write_zkey

NEW_CID = "bafkreie7q3iidccmpvszul7kudcvvuavuo7u6gzlbobczuk5nqk3b4akba"
SNARKJS = PROJECT_ROOT / "node_modules" / ".bin" / "snarkjs"
SENDER = 5  # anvil dev account used with --dev-account
PASSWORD = "correct horse"


def _deployed(name, c):
    abi = c.contract_type.model_dump(mode="json", by_alias=True)["abi"]
    return DeployedContract(name=name, address=c.address, contract_type=name, abi=abi, block=0)


@pytest.fixture(scope="module")
def env(tmp_path_factory, chain, did_registry, personas, verifier, dev_pk):
    """A deployment manifest naming the test contracts, the proving key as a .zkey, a keystore."""
    d = tmp_path_factory.mktemp("did-cli")
    m = Manifest(
        chain_id=chain.chain_id,
        network="ethereum:local:foundry",
        deployer=did_registry.owner(),
        deploy_block=0,
        contracts={
            "DIDRegistry": _deployed("DIDRegistry", did_registry),
            "PersonaRegistry": _deployed("PersonaRegistry", personas),
            "DIDVerifier": _deployed("DIDVerifier", verifier),
        },
    )
    write_manifest(m, d / "deployments")
    write_zkey(d / "did.zkey", dev_pk)
    acct = dev_account(6)
    (d / "key.json").write_text(json.dumps(Account.encrypt(acct.key, PASSWORD, kdf="scrypt", iterations=2**10)))
    (d / "password.txt").write_text(PASSWORD + "\n")
    return {"dir": d, "rpc": chain.provider.web3.provider.endpoint_uri, "keystore_address": acct.address}


def fame(env, *args):
    """Run `fame ARGS` against the test chain; returns click's Result."""
    args = [str(a) for a in args]
    if args[0] == "did" and args[1] != "keygen":
        args += ["--rpc-url", env["rpc"], "--deployments-dir", str(env["dir"] / "deployments")]
    return CliRunner().invoke(main, args, catch_exceptions=False)


def _error_line(result):
    lines = [ln for ln in result.output.splitlines() if ln.strip()]
    assert result.exit_code == 2, result.output
    assert lines and lines[-1].startswith("error:"), result.output
    return lines[-1]


@pytest.fixture
def did_of(chain):
    return lambda pid: make_did(chain.chain_id, pid)


@pytest.fixture
def ctrl_file(registered, tmp_path):
    pid, ctrl, _ = registered
    path = tmp_path / "controller.json"
    path.write_text(json.dumps({"persona_id": pid, "secret": hex(ctrl.secret), "salt": hex(ctrl.salt)}))
    return path


def test_show(env, registered, did_of, new_persona):
    pid = registered[0]
    r = fame(env, "did", "show", did_of(pid))
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert out["didDocument"]["id"] == did_of(pid)
    assert out["didDocument"]["verificationMethod"][0]["treeDepth"] == DEPTH
    assert "invalidDid" in _error_line(fame(env, "did", "show", "did:fame:x"))
    assert "notFound" in _error_line(fame(env, "did", "show", did_of(new_persona())))


def test_update_document_proves_and_sends(env, registered, did_of, ctrl_file, did_registry):
    pid = registered[0]
    r = fame(
        env,
        "did",
        "update-document",
        did_of(pid),
        "--cid",
        NEW_CID,
        "--controller",
        ctrl_file,
        "--dev-account",
        SENDER,
        "--zkey",
        env["dir"] / "did.zkey",
    )
    assert r.exit_code == 0, r.output
    assert f"document CID: {NEW_CID}" in r.output
    assert did_registry.document_cid(pid) == NEW_CID
    assert did_registry.action_nonce(pid, 1) == 1


def test_input_then_zk_prove_then_send_from_a_keystore(env, registered, did_of, ctrl_file, did_registry, tmp_path):
    pid = registered[0]
    sender = env["keystore_address"]
    inp, wtns = tmp_path / "input.json", tmp_path / "w.wtns"
    r = fame(
        env,
        "did",
        "input",
        "attest",
        did_of(pid),
        "--controller",
        ctrl_file,
        "--sender",
        sender,
        "--cid",
        NEW_CID,
        "--out",
        inp,
        "--wtns",
        wtns,
    )
    assert r.exit_code == 0, r.output
    assert set(json.loads(inp.read_text())) == {"secret", "salt", "siblings", "path_bits", "scope", "msg_hash"}
    proof, public = tmp_path / "proof.json", tmp_path / "public.json"
    r = fame(
        env, "zk", "prove", "--zkey", env["dir"] / "did.zkey", "--input", inp, "--proof", proof, "--public", public
    )
    assert r.exit_code == 0, r.output
    # another sender cannot use it: msg_hash binds the proof to `sender`
    line = _error_line(
        fame(
            env,
            "did",
            "attest",
            did_of(pid),
            "--cid",
            NEW_CID,
            "--controller",
            ctrl_file,
            "--dev-account",
            SENDER,
            "--proof",
            proof,
            "--public",
            public,
        )
    )
    assert "scope or msg_hash" in line
    r = fame(
        env,
        "did",
        "attest",
        did_of(pid),
        "--cid",
        NEW_CID,
        "--controller",
        ctrl_file,
        "--account",
        env["dir"] / "key.json",
        "--password-file",
        env["dir"] / "password.txt",
        "--proof",
        proof,
        "--public",
        public,
    )
    assert r.exit_code == 0, r.output
    assert did_registry.attestation_count(pid) == 1
    # the same proof again: the nonce moved on, so its scope is stale
    assert "scope or msg_hash" in _error_line(
        fame(
            env,
            "did",
            "attest",
            did_of(pid),
            "--cid",
            NEW_CID,
            "--controller",
            ctrl_file,
            "--account",
            env["dir"] / "key.json",
            "--password-file",
            env["dir"] / "password.txt",
            "--proof",
            proof,
            "--public",
            public,
        )
    )


@pytest.mark.skipif(not SNARKJS.exists() or shutil.which("node") is None, reason="snarkjs not installed")
def test_snarkjs_proves_from_the_witness(env, registered, did_of, ctrl_file, did_registry, tmp_path):
    pid = registered[0]
    wtns, proof, public = tmp_path / "w.wtns", tmp_path / "proof.json", tmp_path / "public.json"
    r = fame(
        env,
        "did",
        "input",
        "update-document",
        did_of(pid),
        "--controller",
        ctrl_file,
        "--sender",
        dev_account(SENDER).address,
        "--cid",
        NEW_CID,
        "--out",
        tmp_path / "input.json",
        "--wtns",
        wtns,
    )
    assert r.exit_code == 0, r.output
    subprocess.run(
        [str(SNARKJS), "groth16", "prove", str(env["dir"] / "did.zkey"), str(wtns), str(proof), str(public)],
        check=True,
        capture_output=True,
    )
    r = fame(
        env,
        "did",
        "update-document",
        did_of(pid),
        "--cid",
        NEW_CID,
        "--controller",
        ctrl_file,
        "--dev-account",
        SENDER,
        "--proof",
        proof,
        "--public",
        public,
    )
    assert r.exit_code == 0, r.output
    assert did_registry.document_cid(pid) == NEW_CID


def test_rotate_to_a_new_controller(env, registered, did_of, ctrl_file, did_registry, tmp_path):
    pid = registered[0]
    new = tmp_path / "new-controller.json"
    r = fame(env, "did", "keygen", "--out", new, "--persona-id", pid)
    assert r.exit_code == 0 and "commitment" in r.output, r.output
    assert "already exists" in _error_line(fame(env, "did", "keygen", "--out", new))
    zkey = env["dir"] / "did.zkey"
    r = fame(
        env,
        "did",
        "rotate",
        did_of(pid),
        "--new-controller",
        new,
        "--controller",
        ctrl_file,
        "--dev-account",
        SENDER,
        "--zkey",
        zkey,
    )
    assert r.exit_code == 0, r.output
    assert did_registry.controller_count(pid) == 1
    # the old controller is out of the tree; the new one acts
    line = _error_line(
        fame(
            env,
            "did",
            "update-document",
            did_of(pid),
            "--cid",
            NEW_CID,
            "--controller",
            ctrl_file,
            "--dev-account",
            SENDER,
            "--zkey",
            zkey,
        )
    )
    assert "not in persona" in line
    r = fame(
        env,
        "did",
        "update-document",
        did_of(pid),
        "--cid",
        NEW_CID,
        "--controller",
        new,
        "--dev-account",
        SENDER,
        "--zkey",
        zkey,
    )
    assert r.exit_code == 0, r.output
    assert did_registry.document_cid(pid) == NEW_CID


def test_bad_input_is_one_line_and_exit_2(env, registered, did_of, ctrl_file, tmp_path, new_persona):
    pid = registered[0]
    did = did_of(pid)
    zkey = env["dir"] / "did.zkey"
    cases = [
        (("did", "update-document", did, "--controller", ctrl_file, "--dev-account", SENDER), "--cid"),
        (
            (
                "did",
                "rotate",
                did,
                "--commitment",
                "5",
                "--new-controller",
                ctrl_file,
                "--controller",
                ctrl_file,
                "--dev-account",
                SENDER,
            ),
            "exactly one of",
        ),
        (
            ("did", "rotate", did, "--commitment", "zz", "--controller", ctrl_file, "--dev-account", SENDER),
            "not an integer",
        ),
        (("did", "update-document", did, "--cid", NEW_CID, "--controller", ctrl_file), "no sending account"),
        (
            (
                "did",
                "update-document",
                did,
                "--cid",
                NEW_CID,
                "--controller",
                tmp_path / "nope.json",
                "--dev-account",
                SENDER,
            ),
            "no controller file",
        ),
        (
            (
                "did",
                "update-document",
                did_of(new_persona()),
                "--cid",
                NEW_CID,
                "--controller",
                ctrl_file,
                "--dev-account",
                SENDER,
            ),
            "controller file of persona",
        ),
        (
            (
                "did",
                "update-document",
                "did:fame:1:1",
                "--cid",
                NEW_CID,
                "--controller",
                ctrl_file,
                "--dev-account",
                SENDER,
            ),
            "names chain 1",
        ),
        (
            (
                "did",
                "input",
                "attest",
                did,
                "--controller",
                ctrl_file,
                "--sender",
                "0x123",
                "--cid",
                NEW_CID,
                "--out",
                tmp_path / "i.json",
            ),
            "not an Ethereum address",
        ),
        (
            (
                "did",
                "update-document",
                did,
                "--cid",
                NEW_CID,
                "--controller",
                ctrl_file,
                "--dev-account",
                SENDER,
                "--zkey",
                tmp_path / "missing.zkey",
            ),
            "no proving key",
        ),
        (
            (
                "did",
                "update-document",
                did,
                "--cid",
                NEW_CID,
                "--controller",
                ctrl_file,
                "--dev-account",
                SENDER,
                "--zkey",
                zkey,
                "--proof",
                tmp_path / "p.json",
            ),
            "go together",
        ),
        (
            (
                "did",
                "update-document",
                did,
                "--cid",
                NEW_CID,
                "--controller",
                ctrl_file,
                "--account",
                env["dir"] / "key.json",
                "--password-file",
                ctrl_file,
            ),
            "wrong password",
        ),
    ]
    for args, expected in cases:
        line = _error_line(fame(env, *args))
        assert expected in line, (args, line)


def test_dev_account_only_on_the_local_chain():
    with pytest.raises(FameError, match="local dev chain"):
        sender_account(1, None, None, 0)
    assert sender_account(31337, None, None, 3).address == dev_account(3).address
