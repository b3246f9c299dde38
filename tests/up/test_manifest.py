"""The deployment manifest is the one source of addresses and ABIs: it round-trips,
is written atomically, and a missing or broken one fails with a clear message."""

import json

import pytest

from fame.errors import FameError
from fame.manifest import DeployedContract, Manifest, find_manifest, load_manifest, manifest_path, write_manifest

ABI = [
    {
        "type": "function",
        "name": "totalSupply",
        "inputs": [],
        "outputs": [{"type": "uint256", "name": ""}],
        "stateMutability": "view",
    }
]


def sample(chain_id=31337):
    return Manifest(
        chain_id=chain_id,
        network="ethereum:local:foundry",
        deployer="0x" + "11" * 20,
        deploy_block=1,
        contracts={"FMC": DeployedContract("FMC", "0x" + "22" * 20, "FMC", ABI, block=1, tx="0x" + "33" * 32)},
        git_commit="abc",
    )


def test_round_trip(tmp_path):
    """What is written is what is read back, field for field."""
    path = write_manifest(sample(), tmp_path)
    assert path == manifest_path(31337, tmp_path)
    loaded = load_manifest(31337, tmp_path)
    assert loaded.to_json() == sample().to_json() | {"created_at": loaded.created_at}
    assert loaded.address("FMC") == "0x" + "22" * 20
    assert loaded.contract("FMC").abi == ABI


def test_write_is_atomic(tmp_path, monkeypatch):
    """A failure while writing leaves the previous manifest intact and no temporary file behind."""
    write_manifest(sample(), tmp_path)
    before = manifest_path(31337, tmp_path).read_text()

    def boom(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr("fame.manifest.os.replace", boom)
    m = sample()
    m.deploy_block = 99
    with pytest.raises(OSError):
        write_manifest(m, tmp_path)
    assert manifest_path(31337, tmp_path).read_text() == before
    assert [p.name for p in tmp_path.iterdir()] == ["31337.json"]


def test_missing_manifest_is_a_clear_error(tmp_path):
    assert find_manifest(5, tmp_path) is None
    with pytest.raises(FameError, match="no deployment for chain 5"):
        load_manifest(5, tmp_path)


def test_corrupt_manifest_is_a_clear_error(tmp_path):
    manifest_path(31337, tmp_path).write_text("{not json")
    with pytest.raises(FameError, match="not a valid deployment manifest"):
        load_manifest(31337, tmp_path)


def test_unknown_format_is_refused(tmp_path):
    data = sample().to_json() | {"format": 999}
    manifest_path(31337, tmp_path).write_text(json.dumps(data))
    with pytest.raises(FameError, match="format 999"):
        load_manifest(31337, tmp_path)


def test_unknown_contract_names_the_known_ones():
    with pytest.raises(FameError, match="has: FMC"):
        sample().contract("Governor")
