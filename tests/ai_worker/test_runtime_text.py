"""Persona runtime, the fast parts: prompts in character, cleaning of model output, the
runtime's own moderation check, mimicry, schedule slots and the labelled template writer."""

from __future__ import annotations

import pytest

from ai_worker.emotions import EMOTIONS
from ai_worker.persona import EXAMPLE_SPEC, PersonaProfile
from ai_worker.runtime.mimicry import Mimicry, Mood
from ai_worker.runtime.prompts import DEMO_REPLY, clean, pick_topic, post_messages, reply_messages, system_message
from ai_worker.runtime.screen import screen
from ai_worker.runtime.service import runtime_seed, schedule_slot
from ai_worker.runtime.writer import AI_LABEL_MAX, TEMPLATE_LABEL, TemplateWriter, model_label


@pytest.fixture
def profile():
    return PersonaProfile.from_spec(EXAMPLE_SPEC)


def test_system_prompt_carries_the_spec_and_the_emotion(profile):
    text = system_message(profile, "sadness")
    for part in ("Nova Lux", "@nova_lux", "curious and witty", "playful, casual", "gadgets and urbanism"):
        assert part in text
    assert "never talk about politics" in text
    assert "sad" in text
    assert system_message(profile, "joy") != text


def test_reply_prompt_sees_the_post_and_the_comment(profile):
    msgs = reply_messages(profile, "joy", 'Neon "nights" in the floating city', "Where is this? " * 100)
    assert [m["role"] for m in msgs] == ["system", "user", "assistant", "user"]  # one worked example first
    assert (
        msgs[2]["content"] == DEMO_REPLY["joy"]
        and reply_messages(profile, "fear", "p", "c")[2]["content"] != msgs[2]["content"]
    )
    user = msgs[-1]["content"]
    assert "Neon 'nights' in the floating city" in user  # quotes inside the quote are neutralised
    assert "Where is this?" in user and len(user) < 1_000  # a long comment is shortened
    post = post_messages(profile, "calm", pick_topic(profile, 3))
    assert "urbanism" in post[-1]["content"] or "gadgets" in post[-1]["content"]


def test_topics_never_include_avoided_ones():
    spec = {**EXAMPLE_SPEC, "narrative": {**EXAMPLE_SPEC["narrative"], "topics": ["politics", "gadgets"]}}
    p = PersonaProfile.from_spec(spec)
    assert {pick_topic(p, s) for s in range(20)} == {"gadgets"}


@pytest.mark.parametrize(
    "raw, expected",
    [
        ('assistant: "Thanks so much! I love neon too. And then I went', "Thanks so much! I love neon too."),
        ("Nova Lux: Hey, glad you like it! <|im_end|>\nuser: more please", "Hey, glad you like it!"),
        ("<|im_start|>assistant\nReply: So happy you came by!", "So happy you came by!"),
        ("Thanks for the love 🌈\ufffd", "Thanks for the love 🌈"),
        ("  “Quoted reply here.”  ", "Quoted reply here."),
        ("One line.\nassistant: another turn", "One line."),
        ('The path ahead..."', "The path ahead..."),
        ("Love it 👩\u200d⚡ @MintGear2017 see you!", "Love it 👩⚡ see you!"),
    ],
)
def test_clean(raw, expected):
    assert clean(raw, 280, name="Nova Lux") == expected


def test_clean_bounds_length_at_a_sentence_or_word():
    text = "This is a sentence. " * 30
    out = clean(text, 100)
    assert len(out) <= 100 and out.endswith(".")
    out = clean("word " * 100, 50)
    assert len(out) <= 51 and out.endswith("…") and "wor…" not in out


def test_screen(profile):
    assert screen("Thanks so much, glad you like it!", profile) is None
    assert screen("ok", profile) == "too short"
    assert "profanity" in screen("That is some bullsh1t right there", profile)
    assert "negative" in screen("I hate this, it is awful, terrible and disgusting, worst ever", profile)
    assert "avoided topic" in screen("Let's talk about politics today!", profile)
    assert "markup" in screen("Sure! <|im_end|> more", profile)


def test_mimicry_follows_the_fans_and_returns_to_baseline():
    m = Mimicry(rate=0.3, half_life_s=3600)
    mood = Mood.at_baseline("joy", 0)
    assert mood.emotion == "joy"
    for _ in range(4):
        mood = m.observe(mood, "Terrible, so disappointing and sad. I miss the old you, this makes me cry", 10)
    assert mood.emotion == "sadness"
    assert m.decay(mood, 10 + 8 * 3600).emotion == "joy"  # eight half-lives later
    calm = Mood.at_baseline("calm", 0)
    for _ in range(6):
        calm = m.observe(calm, "I am scared, this is terrifying and I'm so worried", 0)
    assert calm.emotion == "fear"
    # a neutral comment barely moves the mood
    assert m.observe(Mood.at_baseline("calm", 0), "ok", 0).emotion == "calm"


def test_mood_state_round_trip_and_baseline_change():
    mood = Mimicry().observe(Mood.at_baseline("joy", 0), "wow, amazing!", 5)
    again = Mood.from_json(mood.to_json(), "joy", 99)
    assert again.vad == pytest.approx(mood.vad, abs=1e-6)
    assert Mood.from_json(mood.to_json(), "calm", 99) == Mood.at_baseline("calm", 99)
    assert Mood.from_json({"vad": "junk"}, "joy", 1) == Mood.at_baseline("joy", 1)


def test_slots_and_seeds_are_stable():
    offset = runtime_seed("schedule", 7, 3600) % 3600
    t0 = offset + 3600 * 500_000
    a = schedule_slot(7, 3600, t0)
    assert a.index == 500_000 == schedule_slot(7, 3600, t0 + 3599.9).index
    assert schedule_slot(7, 3600, t0 + 3600).index == 500_001
    assert a.key == f"runtime-post:7:3600:{a.index}" and len(a.key) <= 128
    # personas' slots start at different offsets
    offsets = {runtime_seed("schedule", p, 3600) % 3600 for p in range(1, 6)}
    assert len(offsets) == 5
    assert runtime_seed("reply", 7, 12) == runtime_seed("reply", 7, 12) != runtime_seed("reply", 7, 13)


def test_template_writer_is_labelled_and_in_the_emotion(profile):
    from ai_worker.captions import sentiment, sentiment_agrees

    w = TemplateWriter()
    for emotion in EMOTIONS:
        post = w.post(profile, emotion, seed=3)
        reply = w.reply(profile, emotion, post.text, "Love this!", seed=3)
        for out in (post, reply):
            assert out.template and out.ai_label == TEMPLATE_LABEL and "template" in out.ai_label
            assert out.model.name == "fameengine/template-writer"
            assert len(out.ai_label) <= AI_LABEL_MAX
            assert screen(out.text, profile) is None, (emotion, out.text)
        assert sentiment_agrees(emotion, sentiment(post.text))
    assert w.reply(profile, "joy", "p", "c", 5) == w.reply(profile, "joy", "p", "c", 5)
    assert len(model_label("x" * 100)) == AI_LABEL_MAX


def test_a_spec_sets_the_posting_interval_unless_the_service_does():
    """Precedence: the social service's per-persona interval, then the spec's posting.interval_s,
    then the default; an unusable spec value (too short, not a number) is ignored."""
    from types import SimpleNamespace

    from ai_worker.persona import PersonaProfile
    from ai_worker.runtime.service import PersonaRuntime

    spec = {"name": "Nova Lumen", "posting": {"interval_s": 7_200}}
    profile = PersonaProfile.from_spec(spec)
    assert profile.post_interval_s == 7_200
    assert PersonaProfile.from_spec({"name": "x", "posting": {"interval_s": 5}}).post_interval_s is None
    assert PersonaProfile.from_spec({"name": "x", "posting": {"interval_s": "soon"}}).post_interval_s is None
    rt = SimpleNamespace(post_interval_s=3_600)
    assert PersonaRuntime.interval_for(rt, {"post_interval_s": 600}, profile) == 600  # type: ignore[arg-type]
    assert PersonaRuntime.interval_for(rt, {}, profile) == 7_200  # type: ignore[arg-type]
    assert PersonaRuntime.interval_for(rt, {}, PersonaProfile.from_spec({"name": "x"})) == 3_600  # type: ignore[arg-type]
