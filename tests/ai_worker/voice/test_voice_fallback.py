"""Without the neural voice, espeak-ng speaks (and says it is the fallback); without either,
the error says what to install."""

from __future__ import annotations

import sys

import pytest
from voice_media import ffprobe, needs_ffprobe, parse_vtt

from ai_worker.voice import VoiceProfile, VoiceUnavailable, encode, select_engine, speak
from ai_worker.voice.espeak_engine import espeak_binary

needs_espeak = pytest.mark.skipif(espeak_binary() is None, reason="espeak-ng not installed (make test-tools)")
TEXT = "The neural voice is missing, so I sound like a robot. Sorry, it is 42 degrees in here!"


@pytest.fixture
def no_piper(monkeypatch):
    monkeypatch.setitem(sys.modules, "piper", None)  # import piper -> ImportError


@needs_espeak
def test_espeak_fallback_when_piper_is_missing(no_piper):
    speech = speak(TEXT, VoiceProfile(), "sadness")
    assert speech.fallback and speech.model.name == "espeak-ng/en-us" and "fallback" in speech.model.kind
    assert not speech.exact_timings
    assert speech.sample_rate == 22050 and speech.duration > 3
    assert [w.word for w in speech.words] == [t.strip(".,!?") for t in TEXT.split()]
    cues = parse_vtt(speech.vtt)
    assert cues and cues[-1].end <= speech.duration + 0.001
    assert speech.visemes[0].start == 0 and speech.visemes[-1].end == pytest.approx(speech.duration)


@needs_espeak
@needs_ffprobe
def test_espeak_fallback_encodes_like_the_neural_voice(no_piper, tmp_path):
    speech = speak("Still here, still talking.", VoiceProfile(), "joy")
    path = tmp_path / "fallback.ogg"
    path.write_bytes(encode(speech, "opus"))
    info = ffprobe(path)
    assert info["streams"][0]["codec_name"] == "opus"
    assert abs(float(info["format"]["duration"]) - speech.duration) < 0.040


@needs_espeak
def test_espeak_fallback_follows_rate(no_piper):
    slow = speak(TEXT, VoiceProfile(rate=0.7))
    fast = speak(TEXT, VoiceProfile(rate=1.4))
    assert slow.duration > 1.5 * fast.duration


@needs_espeak
def test_espeak_voice_can_be_asked_for():
    engine = select_engine(VoiceProfile(voice_id="espeak-ng-en-gb"))
    assert engine.fallback and engine.model.name == "espeak-ng/en-gb"


def test_clear_error_when_no_engine_at_all(no_piper, monkeypatch, tmp_path):
    monkeypatch.delenv("FAME_ESPEAK_NG", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))  # no espeak-ng on it
    with pytest.raises(VoiceUnavailable) as err:
        speak("Hello.")
    message = str(err.value)
    assert "make install" in message and "apt-get install espeak-ng" in message
