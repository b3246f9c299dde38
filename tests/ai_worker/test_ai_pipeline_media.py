"""The content pipeline with the worker's credentials: the persona's picture drawn by its
avatar rig and its voice messages, each signed with C2PA and (pictures) watermarked, checked
with independent readers: c2pa's own reader through verify(), ffprobe for the audio, the
watermark decoder after JPEG re-encoding; the JSON manifest names the signed bytes."""

from __future__ import annotations

import hashlib
import io
import json
import subprocess

import pytest
from PIL import Image

from ai_worker.avatar.generator import AvatarImageGenerator
from ai_worker.credentials.verify import verify
from ai_worker.credentials.watermark import decode
from ai_worker.manifest import publish, verify_manifest
from ai_worker.pipeline import ContentPipeline


@pytest.fixture(scope="module")
def creds(tmp_path_factory, worker_account):
    from ai_worker.credentials.certs import ensure_credentials

    return ensure_credentials(tmp_path_factory.mktemp("worker-state"), worker_account)


@pytest.fixture(scope="module")
def pipe(worker_account, creds):
    return ContentPipeline(worker_account, generator=AvatarImageGenerator(size=512), credentials=creds)


def test_picture_is_the_persona_signed_and_watermarked(pipe, creds, spec, backend, worker_account):
    item = pipe.make(persona_id=7, request_id=12, spec=spec, brief="our rooftop garden", emotion="joy")
    m = item.manifest
    assert verify_manifest(m, expected_signer=worker_account.address, content=item.content)
    # the JSON manifest is built around the signed file: its sha256 is what the chain's CID names
    assert m["content"]["sha256"] == hashlib.sha256(item.content).hexdigest()
    assert m["credentials"]["c2pa"] is True and m["credentials"]["signer"] == worker_account.address
    image = Image.open(io.BytesIO(item.content))
    assert image.size == (512, 512)

    cids = publish(item, backend)
    report = verify(backend.read(cids.content_cid), cids.content_cid, creds.root_pem, expected_worker=creds.address)
    assert report.ok, report.to_json()
    assert report.content["persona"] == {"id": 7, "name": "Nova Lux"} and report.content["requestId"] == 12

    # the pixels still name persona and request after a JPEG q75 re-encode
    buf = io.BytesIO()
    image.convert("RGB").save(buf, format="JPEG", quality=75)
    reading = decode(Image.open(buf))
    assert reading.found and reading.payload.matches(7, 12)


def test_a_changed_byte_breaks_the_named_checks(pipe, creds, spec):
    item = pipe.make(persona_id=7, request_id=13, spec=spec, emotion="sadness")
    data = bytearray(item.content)
    data[len(data) // 2] ^= 0xFF  # inside the image data: the C2PA hash no longer matches
    report = verify(bytes(data), item.manifest["content"]["cid"], creds.root_pem)
    assert not report.ok and "anchor" in report.failed and "signature" in report.failed


def test_the_same_persona_looks_the_same_in_every_request(pipe, spec):
    a = Image.open(io.BytesIO(pipe.make(7, 20, spec, emotion="joy").content)).convert("RGB")
    b = Image.open(io.BytesIO(pipe.make(7, 21, spec, emotion="joy").content)).convert("RGB")
    other = dict(spec, name="Rex Stone", handle="rexstone")
    c = Image.open(io.BytesIO(pipe.make(8, 22, other, emotion="joy").content)).convert("RGB")

    def diff(x: Image.Image, y: Image.Image) -> float:
        import numpy as np

        return float(np.abs(np.asarray(x, dtype=float) - np.asarray(y, dtype=float)).mean())

    assert diff(a, b) < diff(a, c)  # two poses of one face are closer than two faces


def test_voice_message_is_signed_aac_with_subtitles(pipe, creds, spec, backend, tmp_path):
    item = pipe.make_voice(persona_id=7, request_id=30, spec=spec, brief="good morning, crew", emotion="joy")
    m = item.manifest
    assert m["content"]["mediaType"] == "audio/mp4" and item.filename == "voice.m4a"
    assert [x["role"] for x in m["models"]] == ["voice", "script"]
    cids = publish(item, backend)
    vtt = backend.read(m["attachments"]["subtitles"]["cid"]).decode()
    assert vtt.startswith("WEBVTT") and "-->" in vtt

    path = tmp_path / "voice.m4a"
    path.write_bytes(backend.read(cids.content_cid))
    probe = json.loads(
        subprocess.run(
            ["ffprobe", "-v", "error", "-print_format", "json", "-show_streams", "-show_format", str(path)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )
    (stream,) = probe["streams"]
    assert stream["codec_type"] == "audio" and stream["codec_name"] == "aac"
    assert abs(float(probe["format"]["duration"]) * 1000 - m["durationMs"]) < 100

    report = verify(path, cids.content_cid, creds.root_pem, expected_worker=creds.address)
    assert report.ok, report.to_json()
    assert report.get("watermark").status == "skipped"  # audio carries no pixels to mark


def test_video_is_signed_watermarked_mp4_with_subtitles_and_poster(pipe, creds, spec, backend, tmp_path):
    item = pipe.make_video(
        persona_id=7, request_id=40, spec=spec, brief="a hello from the roof", emotion="joy", size=(640, 360), fps=12
    )
    m = item.manifest
    assert m["content"]["mediaType"] == "video/mp4" and m["video"] == {"width": 640, "height": 360, "fps": 12}
    assert {"script", "voice", "avatar"} <= {x["role"] for x in m["models"]}
    cids = publish(item, backend)
    files = m["attachments"]
    assert backend.read(files["subtitles"]["cid"]).decode().startswith("WEBVTT")
    assert Image.open(io.BytesIO(backend.read(files["poster"]["cid"]))).size[0] > 0

    path = tmp_path / "video.mp4"
    path.write_bytes(backend.read(cids.content_cid))
    probe = json.loads(
        subprocess.run(
            ["ffprobe", "-v", "error", "-print_format", "json", "-show_streams", str(path)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )
    kinds = {s["codec_type"]: s for s in probe["streams"]}
    assert kinds["video"]["codec_name"] == "h264" and kinds["audio"]["codec_name"] == "aac"
    drift = abs(float(kinds["video"]["duration"]) - float(kinds["audio"]["duration"]))
    assert drift < 0.040, f"audio and video differ by {drift * 1000:.0f} ms"

    report = verify(path, cids.content_cid, creds.root_pem, expected_worker=creds.address)
    assert report.ok, [c.to_json() for c in report.checks if c.status != "pass"]
    assert report.get("watermark").status == "pass"  # read back from decoded frames


class _Captioner:
    """Writes the texts it is given, one per call (the last one again when they run out)."""

    def __init__(self, *texts: str) -> None:
        from ai_worker.model_info import ModelInfo

        self.texts, self.calls = list(texts), 0
        self.info = ModelInfo("test/captioner", "1", "fixed texts")

    def caption(self, profile, emotion, seed, brief):
        self.calls += 1
        return self.texts[min(self.calls - 1, len(self.texts) - 1)]


def test_flagged_text_is_written_again_then_held(worker_account, spec):
    from ai_worker.pipeline import MODERATION_TRIES, HeldByModeration

    gen = AvatarImageGenerator(size=64)
    # a word on the list first, then a clean caption: the clean one is published
    cap = _Captioner("what a shitty rooftop", "What a lovely rooftop garden!")
    item = ContentPipeline(worker_account, generator=gen, captioner=cap).make(1, 2, spec, emotion="joy")
    assert item.manifest["caption"] == "What a lovely rooftop garden!" and cap.calls == 2

    # in a joyful request, hateful text is off character: held like a fan's comment would be
    cap = _Captioner("I hate you all, you are disgusting, horrible and worthless")
    with pytest.raises(HeldByModeration, match="very negative") as held:
        ContentPipeline(worker_account, generator=gen, captioner=cap).make(1, 3, spec, emotion="joy")
    assert cap.calls == MODERATION_TRIES and "disgusting" in held.value.text

    # a sad persona may say sad things; profanity is held in every emotion
    sad = "I feel so sad and lonely tonight, everything is terrible and hopeless"
    assert ContentPipeline(worker_account, generator=gen, captioner=_Captioner(sad)).make(1, 4, spec, emotion="sadness")
    with pytest.raises(HeldByModeration, match="profanity"):
        ContentPipeline(worker_account, generator=gen, captioner=_Captioner("damn this shit")).make_voice(
            1, 5, spec, emotion="sadness"
        )
