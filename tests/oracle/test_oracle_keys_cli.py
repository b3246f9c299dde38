"""Keystores (never keys in code or logs), the dev-key setup step and the `oracle` CLI."""

import json

import pytest
from click.testing import CliRunner

from fame.errors import FameError
from oracle.cli import oracle as oracle_cli
from oracle.keys import (
    DEV_PASSWORD,
    dev_committee,
    dev_signer,
    dev_transmitter,
    load_key,
    read_password,
    resolve_key_file,
    write_dev_keystores,
)


def test_dev_keystores_roundtrip(tmp_path):
    files = write_dev_keystores(tmp_path, 4)
    assert [f.index for f in files] == [0, 1, 2, 3]
    assert load_key(files[2].signer, DEV_PASSWORD).address == dev_signer(2).address
    assert load_key(files[3].transmitter, DEV_PASSWORD).address == dev_transmitter(3).address
    assert read_password(files[0].password_file, None) == DEV_PASSWORD
    assert (files[0].signer.stat().st_mode & 0o777) == 0o600
    keystore = json.loads(files[0].signer.read_text())
    assert dev_signer(0).key.hex().removeprefix("0x") not in json.dumps(keystore)
    # A second run keeps the existing files.
    before = files[0].signer.read_text()
    write_dev_keystores(tmp_path, 4)
    assert files[0].signer.read_text() == before
    signers, transmitters = dev_committee(4)
    assert len(set(signers + transmitters)) == 8


def test_key_errors_are_clear_and_secret_free(tmp_path):
    files = write_dev_keystores(tmp_path, 4)
    with pytest.raises(FameError, match="wrong password") as err:
        load_key(files[0].signer, "not-the-password")
    assert "not-the-password" not in str(err.value)
    with pytest.raises(FameError, match="does not exist"):
        resolve_key_file(tmp_path / "missing.json")
    bogus = tmp_path / "bogus.json"
    bogus.write_text("{}")
    with pytest.raises(FameError, match="not a valid keystore"):
        load_key(bogus, "x")
    with pytest.raises(FameError, match="no keystore password"):
        read_password(None, None)
    assert read_password(None, "from-env") == "from-env"


def test_ape_account_alias(tmp_path, monkeypatch):
    files = write_dev_keystores(tmp_path / "state", 4)
    accounts = tmp_path / "ape" / "accounts"
    accounts.mkdir(parents=True)
    (accounts / "op0.json").write_text(files[0].signer.read_text())
    monkeypatch.setenv("APE_DATA_FOLDER", str(tmp_path / "ape"))
    assert load_key("ape:op0", DEV_PASSWORD).address == dev_signer(0).address
    with pytest.raises(FameError, match="no ape account 'nobody'"):
        resolve_key_file("ape:nobody")


def test_cli_dev_keys_and_layout(tmp_path):
    runner = CliRunner()
    result = runner.invoke(oracle_cli, ["dev-keys", "--n", "4", "--state-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert dev_signer(1).address in result.output and dev_transmitter(1).address in result.output
    assert dev_signer(1).key.hex().removeprefix("0x") not in result.output
    layout = runner.invoke(oracle_cli, ["report-layout"])
    assert "bits 223..176  views" in layout.output


def test_cli_run_refuses_bad_keys(tmp_path):
    runner = CliRunner()
    result = runner.invoke(
        oracle_cli,
        [
            "run",
            "--operator-index",
            "0",
            "--key-file",
            str(tmp_path / "none.json"),
            "--password-file",
            str(tmp_path / "pw"),
        ],
    )
    assert result.exit_code == 2 and "cannot read the password file" in result.output
    (tmp_path / "pw").write_text("secret\n")
    result = runner.invoke(
        oracle_cli,
        [
            "run",
            "--operator-index",
            "0",
            "--key-file",
            str(tmp_path / "none.json"),
            "--password-file",
            str(tmp_path / "pw"),
        ],
    )
    assert result.exit_code == 2 and "does not exist" in result.output
    result = runner.invoke(oracle_cli, ["run", "--operator-index", "99", "--key-file", "x"])
    assert result.exit_code == 2 and "operator-index" in result.output
