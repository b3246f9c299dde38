"""Scripts: directions, cleaning a writer's posts, and the limits make_video enforces before
any work is done."""

from __future__ import annotations

import pytest

from ai_worker.emotions import UnknownEmotion
from ai_worker.model_info import ModelInfo
from ai_worker.runtime.writer import TEMPLATE_INFO, TEMPLATE_LABEL, Written
from ai_worker.video import (
    MAX_SCRIPT_CHARS,
    ScriptError,
    ScriptTooLong,
    VideoError,
    make_video,
    parse_script,
    speakable,
    write_script,
)


def test_directions_open_lines_and_are_not_spoken():
    script = parse_script("Hi there. [joy] Hello, fans! [sadness, static] It rained. [PUSH-IN pan] Wait.")
    assert script.text == "Hi there. Hello, fans! It rained. Wait."
    assert [(ln.text, ln.emotion, ln.camera) for ln in script.lines] == [
        ("Hi there.", None, None),
        ("Hello, fans!", "joy", None),
        ("It rained.", "sadness", "static"),
        ("Wait.", None, "pan"),  # the last camera word wins
    ]
    assert script.model.name == "fameengine/given-script" and not script.template


@pytest.mark.parametrize("text", ["[joyful] Hello.", "[joy, zoom] Hello.", "[laughs] Hello."])
def test_unknown_direction_is_refused_with_the_words_it_knows(text):
    with pytest.raises(ScriptError, match="push-in"):
        parse_script(text)


@pytest.mark.parametrize("text", ["", "   ", "[joy]", "... !!!"])
def test_a_script_without_words_is_refused(text):
    with pytest.raises(ScriptError, match="nothing to say"):
        parse_script(text)


def test_over_length_script_is_refused_before_any_speech(nova, monkeypatch):
    import ai_worker.video.pipeline as pipeline

    def no_speech(*args, **kwargs):
        raise AssertionError("speech was made for a script that should have been refused")

    monkeypatch.setattr(pipeline, "voice_over", no_speech)
    long = "We looked up at the stars again tonight. " * 16
    assert len(long) > MAX_SCRIPT_CHARS
    with pytest.raises(ScriptTooLong, match="too long"):
        make_video(nova, long, size=(320, 180))
    # directions do not count towards the limit, and the error is a VideoError
    assert issubclass(ScriptTooLong, VideoError)
    parse_script("[joy] " * 200 + "Hello.")


def test_a_slow_voice_is_refused_on_its_estimated_seconds(nova, monkeypatch):
    import ai_worker.video.pipeline as pipeline

    monkeypatch.setattr(pipeline, "voice_over", lambda *a, **k: pytest.fail("speech was made"))
    slow = dict(nova, narrative=dict(nova["narrative"], voice={"tts": {"rate": 0.5}}))
    text = "We looked up at the stars again tonight, and the sky was clear. " * 8  # ~520 characters
    with pytest.raises(ScriptTooLong, match="s of speech"):
        make_video(slow, text.strip(), emotion="sadness", size=(320, 180))


def test_unknown_emotion_and_bad_formats_are_refused_before_any_speech(nova, monkeypatch):
    import ai_worker.video.pipeline as pipeline

    monkeypatch.setattr(pipeline, "voice_over", lambda *a, **k: pytest.fail("speech was made"))
    with pytest.raises(UnknownEmotion, match="joy"):
        make_video(nova, "Hello.", emotion="ecstatic")
    for size in [(321, 180), (320, 32), (4000, 720)]:
        with pytest.raises(VideoError, match="even"):
            make_video(nova, "Hello.", size=size)
    for fps in (0, 61, 23.976):
        with pytest.raises(VideoError, match="fps"):
            make_video(nova, "Hello.", fps=fps)  # type: ignore[arg-type]


def test_posts_are_cleaned_for_speaking():
    post = "Best day ever! 🎉 Loved #science with @nova_fan at https://example.org [wink] #Happy #Space #novalumen"
    assert speakable(post) == "Best day ever! Loved science with at wink."
    assert speakable("What made you smile today? 🎉 #Happy") == "What made you smile today?"


def test_template_writer_script_is_labelled_and_within_limits(nova):
    script = write_script(nova, "joy", seed=3)
    assert script.template and script.model == TEMPLATE_INFO and script.ai_label == TEMPLATE_LABEL
    assert 80 <= len(script.text) <= MAX_SCRIPT_CHARS
    assert "#" not in script.text and "[" not in script.text
    sentences = [s.strip() for s in script.text.replace("!", ".").replace("?", ".").split(".") if s.strip()]
    assert len(sentences) == len({s.casefold() for s in sentences}), "a sentence repeats"
    assert write_script(nova, "joy", seed=3) == script, "the same seed writes the same script"


class _Model:
    """A writer standing in for the language model: one post per seed."""

    info = ModelInfo("test/lm", "1", "stand-in language model")

    def __init__(self):
        self.seeds = []
        self.replies = []

    def post(self, profile, emotion, seed):
        self.seeds.append(seed)
        text = f"Post number {seed} is about {profile.topics[seed % len(profile.topics)]}. #space"
        return Written(text, "AI-generated with test/lm", self.info, seed, template=False)

    def reply(self, profile, emotion, post_body, comment, seed):
        self.replies.append(comment)  # a script is written as posts: the test checks none is asked for
        return Written(f"Thanks for: {comment}", "AI-generated with test/lm", self.info, seed, template=False)


def test_a_model_writer_is_asked_until_the_script_is_long_enough(nova):
    writer = _Model()
    script = write_script(nova, "calm", writer, seed=10, target_chars=90)
    assert writer.seeds[0] == 10 and len(writer.seeds) >= 2 and writer.replies == []
    assert script.model == _Model.info and not script.template
    assert script.text.startswith("Post number 10 is about") and len(script.text) >= 90
