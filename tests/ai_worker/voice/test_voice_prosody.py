"""Emotion and voice settings change the speech measurably: duration from the audio, pitch by
an autocorrelation estimate of f0 that knows nothing of how the voice was made."""

from __future__ import annotations

import pytest
from voice_media import f0, semitones

from ai_worker.emotions import EMOTIONS, UnknownEmotion
from ai_worker.voice import EMOTION_PROSODY, VoiceProfile, prosody_for, speak
from ai_worker.voice.prosody import NEUTRAL

TEXT = "We made it through the long night, and the morning light is finally here."


@pytest.fixture(scope="module")
def by_emotion(neural):
    return {e: speak(TEXT, VoiceProfile(), e, engine=neural) for e in ("joy", "sadness", "calm", "surprise")}


def test_every_emotion_has_a_delivery():
    assert set(EMOTION_PROSODY) == set(EMOTIONS)
    assert prosody_for(None) == NEUTRAL and prosody_for("joy", intensity=0) == NEUTRAL
    half = prosody_for("sadness", intensity=0.5)
    assert half.rate == pytest.approx((1 + EMOTION_PROSODY["sadness"].rate) / 2)
    with pytest.raises(UnknownEmotion):
        prosody_for("ennui")


def test_joy_is_faster_and_higher_than_sadness(by_emotion):
    joy, sad = by_emotion["joy"], by_emotion["sadness"]
    assert sad.duration > 1.15 * joy.duration  # the table: 1.34
    assert semitones(f0(joy.pcm, joy.sample_rate), f0(sad.pcm, sad.sample_rate)) > 2.0  # the table: 4


def test_surprise_is_higher_than_calm_and_sadness_quieter(by_emotion):
    sur, calm = by_emotion["surprise"], by_emotion["calm"]
    assert semitones(f0(sur.pcm, sur.sample_rate), f0(calm.pcm, calm.sample_rate)) > 2.0  # the table: 3.5
    assert abs(by_emotion["sadness"].pcm).max() < abs(by_emotion["joy"].pcm).max() - 0.1


def test_pitch_parameter_shifts_f0_and_keeps_duration(neural):
    low = speak(TEXT, VoiceProfile(pitch_semitones=-4), None, engine=neural)
    high = speak(TEXT, VoiceProfile(pitch_semitones=4), None, engine=neural)
    shift = semitones(f0(high.pcm, high.sample_rate), f0(low.pcm, low.sample_rate))
    assert 6.5 < shift < 9.5  # asked for 8
    assert abs(high.duration - low.duration) < 0.1 * low.duration
    assert high.words[-1].end == pytest.approx(low.words[-1].end, rel=0.1)


def test_rate_parameter_changes_duration(neural):
    slow = speak(TEXT, VoiceProfile(rate=0.75), None, engine=neural)
    fast = speak(TEXT, VoiceProfile(rate=1.5), None, engine=neural)
    assert 1.6 < slow.duration / fast.duration < 2.4  # asked for 2


def test_profile_from_spec_defaults_and_fields(spec):
    derived = VoiceProfile.from_spec(spec)
    assert derived == VoiceProfile.from_spec(spec)  # stable: the same persona, the same voice
    assert derived.voice_id == "en_US-joe-medium" and -2 <= derived.pitch_semitones <= 2
    assert 0.9 < derived.rate < 1.15 and derived.language == "en"
    pitches = {VoiceProfile.from_spec({**spec, "name": f"Persona {i}"}).pitch_semitones for i in range(12)}
    assert len(pitches) >= 4  # personas without a voice rarely sound alike
    spec["narrative"]["voice"]["tts"] = {"voice_id": "espeak-ng-en-gb", "pitch_semitones": 9, "rate": "1.2"}
    set_ = VoiceProfile.from_spec(spec)
    assert set_.voice_id == "espeak-ng-en-gb" and set_.pitch_semitones == 6.0 and set_.rate == 1.2
    assert VoiceProfile.from_spec(spec | {"narrative": {"backstory": "x"}}).language == "en-US"
