"""Worker certificates: what c2pa needs in them, made once, reused, renewed, refused when broken."""

from __future__ import annotations

import stat
from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID

from ai_worker.credentials.certs import address_of, ensure_credentials, fingerprint, recover_attester
from ai_worker.credentials.errors import CredentialsError


def test_chain_has_what_c2pa_requires_and_names_the_worker(tmp_path, worker_account):
    creds = ensure_credentials(tmp_path, worker_account)
    root = x509.load_pem_x509_certificate(creds.root_pem)
    leaf = creds.leaf
    assert root.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert root.extensions.get_extension_for_class(x509.KeyUsage).value.key_cert_sign
    assert not leaf.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    eku = leaf.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert ExtendedKeyUsageOID.EMAIL_PROTECTION in eku
    leaf.extensions.get_extension_for_class(x509.SubjectKeyIdentifier)
    leaf.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier)
    leaf.verify_directly_issued_by(root)
    assert worker_account.address in leaf.subject.rfc4514_string()
    assert address_of(leaf) == worker_account.address
    assert creds.key_pem.startswith(b"-----BEGIN PRIVATE KEY-----")  # PKCS#8
    assert recover_attester(fingerprint(root), creds.attestation) == worker_account.address


def test_files_are_private(tmp_path, worker_account):
    creds = ensure_credentials(tmp_path, worker_account)
    assert stat.S_IMODE(creds.folder.stat().st_mode) == 0o700
    for name in ("root-ca.key", "worker.key"):
        assert stat.S_IMODE((creds.folder / name).stat().st_mode) == 0o600


def test_idempotent_and_renewed_when_due(tmp_path, worker_account):
    first = ensure_credentials(tmp_path, worker_account)
    again = ensure_credentials(tmp_path, worker_account)
    assert again == first
    later = datetime.now(UTC) + timedelta(days=362)  # inside the renewal margin of a 365-day leaf
    renewed = ensure_credentials(tmp_path, worker_account, now=later)
    assert renewed.root_pem == first.root_pem and renewed.leaf_pem != first.leaf_pem
    assert renewed.attestation == first.attestation  # the attestation covers the root, which stays


def test_another_account_gets_its_own_leaf(tmp_path, worker_account):
    from eth_account import Account

    ensure_credentials(tmp_path, worker_account)
    other = Account.from_key("0x" + "5e" * 32)
    creds = ensure_credentials(tmp_path, other)
    assert address_of(creds.leaf) == other.address


def test_corrupt_files_are_named_not_replaced(tmp_path, worker_account):
    creds = ensure_credentials(tmp_path, worker_account)
    (creds.folder / "worker.pem").write_text("not a certificate")
    with pytest.raises(CredentialsError, match="worker.pem is not a PEM certificate"):
        ensure_credentials(tmp_path, worker_account)
    (creds.folder / "worker.pem").write_bytes(creds.leaf_pem)
    (creds.folder / "root-ca.key").write_text("garbage")
    with pytest.raises(CredentialsError, match="root-ca.key is not an unencrypted PKCS#8"):
        ensure_credentials(tmp_path, worker_account)


def test_expired_root_is_an_error(tmp_path, worker_account):
    ensure_credentials(tmp_path, worker_account)
    with pytest.raises(CredentialsError, match="root CA .* expired"):
        ensure_credentials(tmp_path, worker_account, now=datetime.now(UTC) + timedelta(days=3700))
