"""The persona's live answers as frames (ai_worker.runtime.live_answer) and what the host keeps
of them (EventRecord): read back here with independent decoders (base64 + numpy for the PCM,
the WAV module for the kept audio).

Invariants: answer.start comes first and carries the whole text; the audio chunks, decoded,
are exactly the answer's samples and add up to answer.end's duration; every caption and every
viseme lies inside the audio; the same question and seed give the same words and captions; what is kept
on disk survives a new EventRecord (a restarted host)."""

from __future__ import annotations

import base64

import numpy as np
import pytest

from ai_worker.persona import EXAMPLE_SPEC, PersonaProfile
from ai_worker.runtime.live import EventRecord
from ai_worker.runtime.live_answer import CHUNK_S, Answerer, SpokenAnswer
from ai_worker.runtime.writer import TemplateWriter


@pytest.fixture(scope="module")
def nova() -> PersonaProfile:
    return PersonaProfile.from_spec(EXAMPLE_SPEC)


@pytest.fixture(scope="module")
def answered(nova):
    items = list(
        Answerer(TemplateWriter(), nova).answer("q1", "What do you love about space?", "0xA", "joy", 5, "A talk")
    )
    return items


def test_frames_come_in_protocol_order(answered):
    frames, spoken = answered[:-1], answered[-1]
    assert isinstance(spoken, SpokenAnswer)
    kinds = [f["type"] for f in frames]
    assert kinds[0] == "answer.start" and kinds[-1] == "answer.end"
    assert set(kinds[1:-1]) == {"answer.caption", "answer.audio"}
    start = frames[0]
    assert start["text"] == spoken.text and start["emotion"] == "joy" and start["sample_rate"] == spoken.sample_rate
    assert all(f["question_id"] == "q1" for f in frames)


def test_audio_chunks_are_the_answer_and_fill_its_duration(answered):
    frames, spoken = answered[:-1], answered[-1]
    audio = [f for f in frames if f["type"] == "answer.audio"]
    assert [f["seq"] for f in audio] == list(range(len(audio)))
    samples = np.concatenate([np.frombuffer(base64.b64decode(f["pcm"]), dtype="<i2") for f in audio])
    expected = (np.clip(spoken.pcm, -1, 1) * 32767).astype("<i2")
    assert np.array_equal(samples, expected)
    rate = spoken.sample_rate
    assert all(len(base64.b64decode(f["pcm"])) // 2 <= round(CHUNK_S * rate) for f in audio)
    assert frames[-1]["duration"] == pytest.approx(len(samples) / rate, abs=1e-3)
    assert np.abs(spoken.pcm).max() > 0.05, "the answer is heard, not silence"


def test_captions_and_visemes_lie_inside_the_audio(answered):
    frames, spoken = answered[:-1], answered[-1]
    duration = frames[-1]["duration"]
    captions = [f for f in frames if f["type"] == "answer.caption"]
    assert captions and " ".join(c["text"] for c in captions).split()[0] in spoken.text
    starts = [c["start"] for c in captions]
    assert starts == sorted(starts) and all(0 <= c["start"] < c["end"] <= duration + 1e-3 for c in captions)
    audio = [f for f in frames if f["type"] == "answer.audio"]
    mouths = [v for f in audio for _, v in f["visemes"]]
    assert len(set(mouths) - {"rest"}) >= 3, "the mouth moves through several shapes"
    assert all(0 <= t <= CHUNK_S + 1e-6 for f in audio for t, _ in f["visemes"])


def test_same_question_same_words(nova, answered):
    again = list(
        Answerer(TemplateWriter(), nova).answer("q1", "What do you love about space?", "0xA", "joy", 5, "A talk")
    )

    def words(items):
        return [(f["type"], f.get("text")) for f in items[:-1] if f["type"] in ("answer.start", "answer.caption")]

    assert words(again) == words(answered)


def test_the_record_survives_a_restart(tmp_path, answered):
    spoken = answered[-1]
    EventRecord(tmp_path).keep(spoken)
    record = EventRecord(tmp_path)  # a restarted host
    assert record.answered == {"q1"}
    ((meta, pcm),) = record.answers()
    assert meta["text"] == spoken.text and meta["question"] == "What do you love about space?"
    assert np.allclose(pcm, np.clip(spoken.pcm, -1, 1), atol=1e-4)
    record.mark_posted(17)
    assert EventRecord(tmp_path).state["posted"] == 17
