"""Signing, read back with c2pa's own Reader (independent of our verify): the AI-disclosure
action, our assertion, a chain trusted under our root and untrusted without it, per format."""

from __future__ import annotations

import hashlib
import io

import c2pa
import pytest
from credentials_media import audio, mp4, persona_image, png

from ai_worker.credentials.claim import CONTENT_LABEL, IPTC_TRAINED
from ai_worker.credentials.errors import CredentialsError
from ai_worker.credentials.sign import anchor_hash, sign, sign_with_manifest


def read(data: bytes, media_type: str, root: bytes | None = None) -> c2pa.Reader:
    """c2pa's Reader with our root as its trust anchor, or with its defaults (no anchors)."""
    if root is None:
        return c2pa.Reader(media_type, io.BytesIO(data))
    config = {"verify": {"verify_trust": True}, "trust": {"trust_anchors": root.decode()}}
    return c2pa.Reader(media_type, io.BytesIO(data), context=c2pa.Context.from_dict(config))


def assertion(reader: c2pa.Reader, label: str) -> dict:
    return next(a["data"] for a in reader.get_active_manifest()["assertions"] if a["label"] == label)


def test_png_carries_the_disclosure_and_is_trusted_only_under_our_root(creds, claim, worker_account):
    signed = sign(png(persona_image(1, 256)), "image/png", claim, creds)
    trusted = read(signed, "image/png", creds.root_pem)
    assert trusted.get_validation_state() == "Trusted"
    actions = assertion(trusted, "c2pa.actions.v2")["actions"]
    assert actions[0]["action"] == "c2pa.created" and actions[0]["digitalSourceType"] == IPTC_TRAINED
    content = assertion(trusted, CONTENT_LABEL)
    assert content["persona"] == {"id": 7, "name": "Nova Lux"} and content["requestId"] == 1_234_567
    assert content["models"][0] == {
        "name": "fameengine/emotion-unet",
        "version": "1",
        "kind": "diffusers-unet2d-ddim",
        "role": "image",
    }
    assert content["emotion"] == "joy" and "virtual influencer Nova Lux" in content["disclosure"]
    assert content["worker"]["address"] == worker_account.address
    assert worker_account.address in trusted.get_active_manifest()["signature_info"]["common_name"]

    untrusted = read(signed, "image/png")
    codes = [f["code"] for f in untrusted.get_validation_results()["activeManifest"]["failure"]]
    assert codes == ["signingCredential.untrusted"]
    assert read(signed, "image/png", _other_root()).get_validation_state() != "Trusted"


def test_anchor_is_the_sha256_of_the_signed_bytes(creds, claim):
    signed, manifest = sign_with_manifest(png(persona_image(2, 256)), "image/png", claim, creds)
    assert anchor_hash(signed) == hashlib.sha256(signed).digest() and len(anchor_hash(signed)) == 32
    assert manifest and manifest not in (b"",) and len(signed) > len(manifest)


def test_jpeg(creds, claim):
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(persona_image(3, 256)).save(buf, format="JPEG", quality=90)
    signed = sign(buf.getvalue(), "image/jpeg", claim, creds)
    assert read(signed, "image/jpeg", creds.root_pem).get_validation_state() == "Trusted"


def test_mp4_video_signed_still_plays(creds, claim):
    import av

    video = mp4([persona_image(i, 256) for i in range(6)])
    signed = sign(video, "video/mp4", claim, creds)
    reader = read(signed, "video/mp4", creds.root_pem)
    assert reader.get_validation_state() == "Trusted"
    assert assertion(reader, CONTENT_LABEL)["requestId"] == 1_234_567
    with av.open(io.BytesIO(signed)) as container:
        assert sum(1 for _ in container.decode(video=0)) == 6


@pytest.mark.parametrize(
    "media_type, fmt, codec",
    [("audio/wav", "wav", "pcm_s16le"), ("audio/mp4", "ipod", "aac"), ("audio/mpeg", "mp3", "libmp3lame")],
)
def test_audio_formats(creds, claim, media_type, fmt, codec):
    signed = sign(audio(fmt, codec), media_type, claim, creds)
    assert read(signed, media_type, creds.root_pem).get_validation_state() == "Trusted"


def test_ogg_opus_is_refused_with_the_formats_that_work(creds, claim):
    with pytest.raises(CredentialsError, match=r"Ogg \(Opus/Vorbis\).*encode voice as WAV or M4A"):
        sign(audio("ogg", "libopus", 48000), "audio/ogg", claim, creds)


def _other_root() -> bytes:
    import tempfile
    from pathlib import Path

    from eth_account import Account

    from ai_worker.credentials.certs import ensure_credentials

    return ensure_credentials(Path(tempfile.mkdtemp()), Account.from_key("0x" + "6d" * 32)).root_pem
