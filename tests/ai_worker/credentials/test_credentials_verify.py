"""verify() and the `verify` command: a watermarked, signed picture or video passes every
check; one changed byte fails the signature check and the command exits 1 naming it."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from click.testing import CliRunner
from credentials_media import audio, mp4, persona_image, png
from PIL import Image

from ai_worker.credentials import watermark as wm
from ai_worker.credentials.cli import make_verify_command
from ai_worker.credentials.sign import anchor_hash, sign
from ai_worker.credentials.verify import verify


@pytest.fixture(scope="module")
def signed_png(creds):
    """A watermarked persona picture, signed: what the pipeline publishes for an image request."""
    from ai_worker.credentials.claim import CredentialClaim
    from ai_worker.model_info import ModelInfo

    payload = wm.Payload.for_request(7, 1_234_567)
    claim = CredentialClaim(7, 1_234_567, "Nova Lux", [ModelInfo("m", "1", "k")], "joy", watermark=payload.hex)
    marked = wm.embed(Image.fromarray(persona_image(5)), payload)
    return sign(png(np.asarray(marked)), "image/png", claim, creds)


def test_all_checks_pass(signed_png, creds, worker_account):
    report = verify(signed_png, anchor_hash(signed_png), creds.root_pem, expected_worker=worker_account.address)
    assert report.ok, report.checks
    assert [c.status for c in report.checks] == ["pass"] * 6
    assert report.content["watermark"]["payload"] == wm.Payload.for_request(7, 1_234_567).hex


def test_cid_anchor_and_the_files_own_attested_root(signed_png, worker_account):
    from fame.ipfs import compute_cid

    report = verify(signed_png, str(compute_cid(signed_png)), None, expected_worker=worker_account.address)
    assert report.ok and report.get("trust").status == "pass"
    without = verify(signed_png)
    assert without.get("trust").status == "skipped" and without.get("anchor").status == "skipped"
    stranger = verify(signed_png, expected_worker="0x" + "11" * 20)
    assert set(stranger.failed) == {"trust", "worker"}


def test_one_changed_byte_fails_the_signature(signed_png, creds, tmp_path):
    idat = signed_png.index(b"IDAT") + 200
    tampered = bytearray(signed_png)
    tampered[idat] ^= 0x01
    report = verify(bytes(tampered), anchor_hash(signed_png), creds.root_pem)
    assert "signature" in report.failed and "anchor" in report.failed
    assert "mismatch" in report.get("signature").reason

    path = tmp_path / "tampered.png"
    path.write_bytes(bytes(tampered))
    root = tmp_path / "root.pem"
    root.write_bytes(creds.root_pem)
    result = CliRunner().invoke(make_verify_command(), [str(path), "--trust-root", str(root)])
    assert result.exit_code == 1 and "FAILED: signature" in result.output


def test_cli_passes_files_and_fetched_cids(signed_png, creds, tmp_path):
    root = tmp_path / "root.pem"
    root.write_bytes(creds.root_pem)
    good = tmp_path / "good.png"
    good.write_bytes(signed_png)
    anchor = "0x" + anchor_hash(signed_png).hex()
    result = CliRunner().invoke(make_verify_command(), [str(good), "--trust-root", str(root), "--anchor", anchor])
    assert result.exit_code == 0 and "all checks pass" in result.output, result.output
    fetched = make_verify_command(fetch=lambda cid: signed_png)
    result = CliRunner().invoke(fetched, ["QmSomeCid", "--trust-root", str(root), "--json"])
    assert result.exit_code == 0 and '"ok": true' in result.output
    result = CliRunner().invoke(make_verify_command(), ["QmSomeCid"])
    assert result.exit_code == 2 and "not a file" in result.output


def test_unwatermarked_signed_picture_fails_the_watermark_check(creds, claim):
    signed = sign(png(persona_image(6)), "image/png", claim, creds)
    report = verify(signed, None, creds.root_pem)
    assert report.failed == ["watermark"]


def test_video_frames_are_sampled(creds, claim):
    payload = wm.Payload.for_request(claim.persona_id, claim.request_id)
    frames = [wm.embed(persona_image(10 + i % 2), payload) for i in range(8)]
    signed = sign(mp4(frames), "video/mp4", dataclasses.replace(claim, watermark=payload.hex), creds)
    report = verify(signed, anchor_hash(signed), creds.root_pem)
    assert report.media_type == "video/mp4" and report.ok, report.checks
    assert report.get("watermark").status == "pass"


def test_audio_has_no_watermark_check(creds, claim):
    signed = sign(audio("wav", "pcm_s16le"), "audio/wav", claim, creds)
    report = verify(signed, anchor_hash(signed), creds.root_pem)
    assert report.media_type == "audio/wav" and report.ok
    assert report.get("watermark").status == "skipped"
