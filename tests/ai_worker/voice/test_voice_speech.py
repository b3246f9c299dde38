"""The neural voice end to end: audio, phoneme/word/viseme times and subtitles that agree with
each other and with the audio, and files that an independent reader (ffprobe) accepts."""

from __future__ import annotations

import re

import numpy as np
import pytest
from voice_media import ffprobe, ffprobe_packets, needs_ffprobe, parse_vtt

from ai_worker.voice import VISEMES, VoiceError, VoiceProfile, encode, measure_rtf, speak

TEXT = "Hello everyone, I am Nova Lux. Tonight we test 3 new gadgets, and Bob picks the best one!"


@pytest.fixture(scope="module")
def speech(neural):
    return speak(TEXT, VoiceProfile(), "joy", engine=neural)


def _words(text: str) -> list[str]:
    return [w for w in (t.strip(".,!?;:") for t in text.split()) if w]


def _rms(pcm: np.ndarray, rate: int, start: float, end: float) -> float:
    seg = pcm[int(start * rate) : max(int(start * rate) + 1, int(end * rate))]
    return float(np.sqrt(np.mean(seg.astype(np.float64) ** 2)))


def test_audio_and_model(speech):
    assert speech.model.name == "piper/en_US-joe-medium" and not speech.fallback
    assert speech.model.sha256 and len(speech.model.sha256) == 64
    assert speech.exact_timings  # durations from the model's own alignment output
    assert speech.sample_rate == 22050 and speech.pcm.dtype == np.float32 and speech.pcm.ndim == 1
    assert 3.0 < speech.duration < 10.0
    assert float(np.abs(speech.pcm).max()) <= 1.0


def test_phoneme_timings_tile_the_audio(speech):
    t = speech.timings
    assert t[0].start == pytest.approx(0.0, abs=1e-6)
    assert t[-1].end == pytest.approx(speech.duration, abs=2 / speech.sample_rate)
    for a, b in zip(t, t[1:], strict=False):
        assert b.start == pytest.approx(a.end, abs=1e-6) and b.end >= b.start
    sounds = [p for p in t if p.sound]
    assert len(sounds) > 40
    assert all(not any(ch in "ˈˌː" for ch in p.phoneme[1:]) or p.sound for p in t)  # marks folded into sounds


def test_word_timings_follow_the_text_and_the_audio(speech):
    ws = speech.words
    assert [w.word for w in ws] == _words(TEXT)
    assert [w.sentence for w in ws] == [0] * 6 + [1] * 12
    for a, b in zip(ws, ws[1:], strict=False):
        assert a.start < a.end <= b.start + 1e-9
    assert ws[-1].end <= speech.duration
    # words are where the sound is: louder than the pause between the two sentences
    pause = max((p for p in speech.timings if p.phoneme in ("_", "$", ".")), key=lambda p: p.end - p.start)
    quiet = _rms(speech.pcm, speech.sample_rate, pause.start, pause.end)
    assert all(_rms(speech.pcm, speech.sample_rate, w.start, w.end) > 4 * quiet for w in ws)


def test_visemes_cover_the_speech_in_order(speech):
    v = speech.visemes
    assert v[0].start == 0.0 and v[-1].end == pytest.approx(speech.duration)
    for a, b in zip(v, v[1:], strict=False):
        assert b.start == pytest.approx(a.end) and a.viseme != b.viseme and a.end > a.start
    assert {c.viseme for c in v} <= set(VISEMES)
    assert {"rest", "AI", "E", "O", "MBP", "L", "etc"} <= {c.viseme for c in v}
    for w in speech.words:  # every word moves the mouth
        assert any(c.viseme != "rest" and c.start < w.end and c.end > w.start for c in v), w
    bob = next(w for w in speech.words if w.word == "Bob")  # lips close on its b
    assert any(c.viseme == "MBP" and c.start < bob.start + 0.08 and c.end > bob.start for c in v)


def test_webvtt_is_valid_and_aligned(speech, tmp_path):
    cues = parse_vtt(speech.vtt)
    assert len(cues) >= 3
    assert [c.ident for c in cues] == [str(i) for i in range(1, len(cues) + 1)]
    for a, b in zip(cues, cues[1:], strict=False):
        assert a.start < a.end <= b.start
    assert cues[-1].end <= speech.duration + 0.001
    assert _words(" ".join(c.text for c in cues)) == _words(TEXT)
    assert all(len(c.text) <= 42 for c in cues)
    # each cue starts with its first word and ends with its last
    words = iter(speech.words)
    for c in cues:
        n = len(_words(c.text))
        group = [next(words) for _ in range(n)]
        assert c.start == pytest.approx(group[0].start, abs=0.0015)
        assert c.end == pytest.approx(group[-1].end, abs=0.0015)


@needs_ffprobe
def test_webvtt_reads_back_in_ffprobe(speech, tmp_path):
    path = tmp_path / "speech.vtt"
    path.write_text(speech.vtt, encoding="utf-8")
    packets = ffprobe_packets(path)
    cues = parse_vtt(speech.vtt)
    assert [round(p[0], 3) for p in packets] == [round(c.start, 3) for c in cues]
    assert [round(p[1], 3) for p in packets] == [round(c.end - c.start, 3) for c in cues]


@needs_ffprobe
@pytest.mark.parametrize(
    "fmt, codec, rate, suffix",
    [("opus", "opus", 48000, ".ogg"), ("aac", "aac", 48000, ".m4a"), ("wav", "pcm_s16le", 22050, ".wav")],
)
def test_encoded_files_read_back(speech, tmp_path, fmt, codec, rate, suffix):
    path = tmp_path / f"speech{suffix}"
    path.write_bytes(encode(speech, fmt))
    info = ffprobe(path)
    (stream,) = info["streams"]
    assert stream["codec_name"] == codec
    assert int(stream["sample_rate"]) == rate and stream["channels"] == 1
    assert abs(float(info["format"]["duration"]) - speech.duration) < 0.040
    if fmt == "aac":
        assert "mp4" in info["format"]["format_name"]
    if fmt == "opus":
        assert info["format"]["format_name"] == "ogg"


def test_opus_at_another_rate_and_bad_format(speech):
    assert encode(speech, "opus", sample_rate=24000)[:4] == b"OggS"
    with pytest.raises(VoiceError, match="Opus cannot run"):
        encode(speech, "opus", sample_rate=22050)
    with pytest.raises(VoiceError, match="unknown audio format"):
        encode(speech, "mp3")  # type: ignore[arg-type]


def test_to_json_is_plain_data(speech):
    import json

    data = json.loads(json.dumps(speech.to_json()))
    assert data["model"]["name"] == "piper/en_US-joe-medium" and data["exactTimings"] is True
    assert len(data["words"]) == len(speech.words) and data["visemes"][0]["viseme"] == "rest"


def test_empty_text_is_refused(neural):
    with pytest.raises(VoiceError, match="no words"):
        speak(" ... ", engine=neural)


def test_real_time_factor(neural):
    result = measure_rtf(repeats=1)
    assert result.engine == "piper/en_US-joe-medium" and not result.fallback
    assert result.audio_s > 10 and result.sentences == 4
    assert result.rtf < 1.0, result  # goal < 0.3; the bound is loose for a busy shared CPU
    assert re.fullmatch(r"[\d.]+", str(result.to_json()["rtf"]))
