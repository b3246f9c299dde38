"""The worker's C2PA signing certificates: a project root CA and a signing leaf, kept in the
worker's state directory and made on first use.

C2PA readers check an X.509 chain, not an Ethereum key, so a worker needs a certificate to
sign content credentials. The leaf's subject names the worker's Ethereum address (common
name and a SubjectAlternativeName URI `ethereum:<address>`), which lets a reader link the
C2PA signer to the worker that fulfilled the request on chain. Each worker is its own CA
(there is no central issuer in a permissionless market), so `attestation` is what makes its
root worth trusting: the worker account's EIP-191 signature over the root's SHA-256
fingerprint. A verifier that reads the worker's address from the chain can accept a root
this address vouched for, and nobody can mint a root in another worker's name.

What c2pa insists on (it rejects the leaf with "the certificate is invalid" otherwise):
ES256 (P-256) keys, a CA with basicConstraints CA=true and keyCertSign, a leaf with
digitalSignature, extendedKeyUsage emailProtection, SubjectKeyIdentifier and
AuthorityKeyIdentifier, and the private key as PKCS#8 PEM.

Files (directory 0700, keys 0600, each written atomically):
    root-ca.pem  root-ca.key  worker.pem  worker.key  root.attestation
Existing files are reused; a leaf that expires within RENEW_BEFORE, or that names another
address, is replaced by a new one under the same root (verifiers keep trusting it). An
expired root, or a file that does not parse, is a CredentialsError naming the file, never
a silent replacement: replacing the root would make every verifier's copy of it stale.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from .errors import CredentialsError

ROOT_DAYS = 3650
LEAF_DAYS = 365
RENEW_BEFORE = timedelta(days=7)
ORG = "FameEngine"
ROOT_CN = "FameEngine content credentials root CA"
LEAF_CN_PREFIX = "FameEngine AI worker "
ATTESTATION_PREFIX = b"fameengine:c2pa-root:"

FILES = ("root-ca.pem", "root-ca.key", "worker.pem", "worker.key", "root.attestation")


@dataclass(frozen=True)
class WorkerCredentials:
    """The PEM material c2pa's signer wants, plus the worker address the leaf names."""

    root_pem: bytes
    leaf_pem: bytes
    key_pem: bytes
    address: str
    attestation: str | None = None
    folder: Path | None = None

    @property
    def chain_pem(self) -> bytes:
        """Leaf first, then the root: the order c2pa's signer expects."""
        return self.leaf_pem + self.root_pem

    @property
    def leaf(self) -> x509.Certificate:
        return x509.load_pem_x509_certificate(self.leaf_pem)

    @property
    def root_fingerprint(self) -> bytes:
        return fingerprint(x509.load_pem_x509_certificate(self.root_pem))


def fingerprint(cert: x509.Certificate) -> bytes:
    """SHA-256 of the certificate's DER (for the root: the value the worker's attestation signs)."""
    return hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).digest()


def address_of(cert: x509.Certificate) -> str | None:
    """The Ethereum address a worker leaf names (its SAN URI ethereum:<address>), or None."""
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return None
    for uri in san.get_values_for_type(x509.UniformResourceIdentifier):
        if uri.startswith("ethereum:"):
            return uri.removeprefix("ethereum:")
    return None


def credentials_dir(state_dir: Path) -> Path:
    return Path(state_dir) / "credentials"


def ensure_credentials(state_dir: Path, account: Any, *, now: datetime | None = None) -> WorkerCredentials:
    """The worker's credentials under <state_dir>/credentials, made or renewed as needed.

    account: the worker's eth_account LocalAccount (its address goes into the leaf and it
    signs the root's fingerprint); anything with .address and .sign_message will do.
    """
    now = now or datetime.now(UTC)
    folder = credentials_dir(state_dir)
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    address = str(account.address)

    root_cert, root_key = _load_or_make_root(folder, now)
    leaf_path, key_path = folder / "worker.pem", folder / "worker.key"
    leaf = _load_cert(leaf_path) if leaf_path.exists() else None
    if leaf is not None:
        _load_key(key_path)  # a corrupt or missing key is an error, not a reason to re-key
    if leaf is None or _needs_new_leaf(leaf, root_cert, address, now):
        leaf_key = ec.generate_private_key(ec.SECP256R1())
        leaf = _make_leaf(leaf_key, root_cert, root_key, address, now)
        _write(key_path, _pkcs8(leaf_key), secret=True)
        _write(leaf_path, leaf.public_bytes(serialization.Encoding.PEM))
    attestation = _load_or_make_attestation(folder / "root.attestation", root_cert, account)
    return WorkerCredentials(
        root_pem=root_cert.public_bytes(serialization.Encoding.PEM),
        leaf_pem=leaf.public_bytes(serialization.Encoding.PEM),
        key_pem=key_path.read_bytes(),
        address=address,
        attestation=attestation,
        folder=folder,
    )


def attestation_message(fingerprint: bytes) -> bytes:
    return ATTESTATION_PREFIX + fingerprint.hex().encode()


def recover_attester(fingerprint: bytes, signature: str) -> str:
    """The address whose key signed this root fingerprint (CredentialsError when unreadable)."""
    from eth_account import Account
    from eth_account.messages import encode_defunct

    try:
        return Account.recover_message(encode_defunct(primitive=attestation_message(fingerprint)), signature=signature)
    except Exception as err:  # malformed hex or signature bytes
        raise CredentialsError(f"the worker attestation cannot be read: {err}") from None


# ---------------------------------------------------------------------------- internals


def _load_or_make_root(folder: Path, now: datetime) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    cert_path, key_path = folder / "root-ca.pem", folder / "root-ca.key"
    if cert_path.exists() or key_path.exists():
        cert, key = _load_cert(cert_path), _load_key(key_path)
        if cert.not_valid_after_utc <= now:
            raise CredentialsError(
                f"the content-credentials root CA {cert_path} expired on {cert.not_valid_after_utc:%Y-%m-%d}: "
                "move the credentials folder away to make a new root, and give verifiers the new root-ca.pem"
            )
        if _spki(cert.public_key()) != _spki(key.public_key()):
            raise CredentialsError(f"{key_path} is not the key of {cert_path}: restore the pair or remove both")
        return cert, key
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [x509.NameAttribute(NameOID.ORGANIZATION_NAME, ORG), x509.NameAttribute(NameOID.COMMON_NAME, ROOT_CN)]
    )
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=ROOT_DAYS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(cert_sign=True), critical=True)
        .add_extension(ski, critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski), critical=False)
        .sign(key, hashes.SHA256())
    )
    _write(key_path, _pkcs8(key), secret=True)
    _write(cert_path, cert.public_bytes(serialization.Encoding.PEM))
    return cert, key


def _make_leaf(
    key: ec.EllipticCurvePrivateKey,
    root: x509.Certificate,
    root_key: ec.EllipticCurvePrivateKey,
    address: str,
    now: datetime,
) -> x509.Certificate:
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, ORG),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "AI workers"),
            x509.NameAttribute(NameOID.COMMON_NAME, LEAF_CN_PREFIX + address),
        ]
    )
    root_ski = root.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(root.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(min(now + timedelta(days=LEAF_DAYS), root.not_valid_after_utc))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(cert_sign=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(root_ski), critical=False)
        .add_extension(x509.SubjectAlternativeName([x509.UniformResourceIdentifier(f"ethereum:{address}")]), False)
        .sign(root_key, hashes.SHA256())
    )


def _key_usage(*, cert_sign: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not cert_sign,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=cert_sign,
        crl_sign=cert_sign,
        encipher_only=False,
        decipher_only=False,
    )


def _needs_new_leaf(leaf: x509.Certificate, root: x509.Certificate, address: str, now: datetime) -> bool:
    if leaf.not_valid_after_utc - RENEW_BEFORE <= now:
        return True
    if leaf.issuer != root.subject:
        return True
    try:
        leaf.verify_directly_issued_by(root)
    except Exception:  # signed by an older root: re-issue under the current one
        return True
    named = address_of(leaf)
    return named is None or named.lower() != address.lower()


def _load_or_make_attestation(path: Path, root: x509.Certificate, account: Any) -> str | None:
    digest = fingerprint(root)
    if path.exists():
        text = path.read_text().strip()
        try:
            if recover_attester(digest, text).lower() == str(account.address).lower():
                return text
        except CredentialsError:
            pass  # unreadable: sign again below
    if not hasattr(account, "sign_message"):
        return None
    from eth_account.messages import encode_defunct

    signed = account.sign_message(encode_defunct(primitive=attestation_message(digest)))
    text = "0x" + bytes(signed.signature).hex()
    _write(path, text.encode())
    return text


def _spki(public_key: Any) -> bytes:
    return bytes(public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo))


def _pkcs8(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _load_cert(path: Path) -> x509.Certificate:
    try:
        return x509.load_pem_x509_certificate(path.read_bytes())
    except FileNotFoundError:
        raise CredentialsError(f"{path} is missing while its key exists: restore it or remove the pair") from None
    except ValueError as err:
        raise CredentialsError(f"{path} is not a PEM certificate ({err}): restore it or remove it") from None


def _load_key(path: Path) -> ec.EllipticCurvePrivateKey:
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except FileNotFoundError:
        raise CredentialsError(f"{path} is missing while its certificate exists: restore or remove both") from None
    except (ValueError, TypeError) as err:
        raise CredentialsError(f"{path} is not an unencrypted PKCS#8 PEM key ({err}): restore or remove it") from None
    if not isinstance(key, ec.EllipticCurvePrivateKey) or not isinstance(key.curve, ec.SECP256R1):
        raise CredentialsError(f"{path} is not a P-256 key (ES256 needs one)")
    return key


def _write(path: Path, data: bytes, *, secret: bool = False) -> None:
    """Atomic write: a temporary file in the same folder (created with the final mode, so a
    key is never readable by others even for a moment), then rename over the target."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600 if secret else 0o644)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
