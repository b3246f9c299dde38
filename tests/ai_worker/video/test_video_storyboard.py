"""Storyboards, frame plans and camera framing, from real speech but without drawing frames."""

from __future__ import annotations

import pytest

from ai_worker.video import Camera, build_storyboard, parse_script, plan_frames
from ai_worker.video.camera import Stage
from ai_worker.video.plan import BLINK_S, PARTIAL_WEIGHT, _MouthTrack, blink_times
from ai_worker.video.storyboard import MIN_SHOT_S
from ai_worker.video.voice_over import voice_over
from ai_worker.voice import VisemeCue, VoiceProfile

SCRIPT = (
    "Hello, space fans! Tonight we bake a galaxy cake with a glowing blue icing. "
    "Are you ready? It takes patience, a steady hand, a pinch of tonic water, and a lamp that shines "
    "ultraviolet light over the whole kitchen table. See you soon!"
)


@pytest.fixture(scope="module")
def spoken(nova):
    script = parse_script(SCRIPT)
    return script, voice_over(script.text, VoiceProfile.from_spec(nova), "joy")


def test_shots_follow_sentences_and_cover_the_video(spoken):
    script, speech = spoken
    board = build_storyboard(script, speech, "joy", seed=0, fps=24, size=(320, 180))
    assert board.shots[0].start == 0.0 and board.shots[-1].end == board.duration
    assert board.duration == board.n_frames / 24 and 0 <= board.duration - speech.duration < 1 / 24
    for a, b in zip(board.shots, board.shots[1:], strict=False):
        assert a.end == b.start and a.words[1] == b.words[0]
        # cuts fall on frames, inside the pause between the two shots' words
        assert abs(b.start * 24 - round(b.start * 24)) < 1e-9
        assert speech.words[a.words[1] - 1].end - 1 / 24 <= b.start <= speech.words[b.words[0]].start + 1 / 24
    assert board.shots[-1].words[1] == len(speech.words)
    texts = [s.text for s in board.shots]
    assert texts[0] == "Hello, space fans!"
    # a sentence too short to be a shot of its own ("Are you ready?") joins its neighbour
    assert "Tonight we bake a galaxy cake with a glowing blue icing. Are you ready?" in texts
    for shot in board.shots:
        first, last = shot.words
        assert speech.words[last - 1].end - speech.words[first].start >= MIN_SHOT_S
    # the 25-word sentence is cut at its commas into phrases of four words or more
    long = [t for t in texts if "patience" in t or "ultraviolet" in t]
    assert len(long) >= 2 and all(len(t.split()) >= 4 for t in long)
    assert " ".join(texts) == script.text


def test_shot_emotions_vary_around_the_video_emotion(spoken):
    script, speech = spoken
    board = build_storyboard(script, speech, "calm", seed=0, fps=24, size=(320, 180))
    assert {s.emotion for s in board.shots} == {"calm"}
    intensities = [k.intensity for s in board.shots for k in s.keyframes]
    assert len(set(intensities)) > 3 and all(0.35 <= i <= 1.0 for i in intensities)
    question = next(s for s in board.shots if s.text.endswith("?"))
    if len(question.keyframes) > 1:
        assert dict(question.keyframes[1].mix).get("surprise") == 0.3
    for shot in board.shots:
        assert all(shot.start <= k.at < shot.end for k in shot.keyframes)


def test_camera_moves_open_close_and_do_not_repeat(spoken):
    script, speech = spoken
    board = build_storyboard(script, speech, "joy", seed=2, fps=24, size=(320, 180))
    moves = [s.camera.move for s in board.shots]
    long_enough = [s.duration >= 1.2 for s in board.shots]
    if long_enough[0]:
        assert moves[0] == "push-in"
    if long_enough[-1]:
        assert moves[-1] == "pull-out"
    for i in range(1, len(moves) - 1):
        if long_enough[i] and moves[i] != "static":
            assert moves[i] != moves[i - 1]


def test_directions_pin_emotion_and_camera(nova):
    script = parse_script("[anger, pan-left] This is not fair at all! [fear] What happens next, I wonder?")
    speech = voice_over(script.text, VoiceProfile.from_spec(nova), "calm")
    board = build_storyboard(script, speech, "calm", seed=0, fps=24, size=(320, 180))
    assert [(s.emotion, s.camera.move) for s in board.shots][0] == ("anger", "pan-left")
    assert board.shots[1].emotion == "fear"


def test_storyboard_and_plan_are_seeded(spoken):
    script, speech = spoken
    a = build_storyboard(script, speech, "joy", seed=7, fps=24, size=(320, 180))
    b = build_storyboard(script, speech, "joy", seed=7, fps=24, size=(320, 180))
    c = build_storyboard(script, speech, "joy", seed=8, fps=24, size=(320, 180))
    assert a == b and a.to_json() == b.to_json()
    assert a.to_json()["shots"] != c.to_json()["shots"]
    assert plan_frames(a, speech.visemes, 7) == plan_frames(b, speech.visemes, 7)


def test_plan_mouth_follows_the_visemes(spoken):
    script, speech = spoken
    board = build_storyboard(script, speech, "joy", seed=0, fps=24, size=(320, 180))
    plans = plan_frames(board, speech.visemes, 0)
    assert len(plans) == board.n_frames
    for plan in plans:
        t0, t1 = plan.time, plan.time + 1 / 24
        covering = {c.viseme for c in speech.visemes if c.start < t1 and c.end > t0}
        assert plan.face.viseme in covering
    # frames wholly inside a pause between sentences keep the mouth at rest
    gap = next(
        c for c in speech.visemes if c.viseme == "rest" and c.end - c.start > 0.15 and 0 < c.start < speech.duration - 1
    )
    inside = [p for p in plans if p.time >= gap.start and p.time + 1 / 24 <= gap.end]
    assert inside and all(p.face.viseme == "rest" for p in inside)


def test_a_viseme_starting_late_in_a_frame_is_half_formed():
    track = _MouthTrack([VisemeCue("rest", 0.0, 0.1), VisemeCue("AI", 0.1, 0.4), VisemeCue("rest", 0.4, 1.0)])
    assert track.at(0.0, 0.05) == ("rest", 1.0)
    assert track.at(0.075, 0.125) == ("AI", PARTIAL_WEIGHT)  # AI covers the frame's second half
    assert track.at(0.125, 0.175) == ("AI", 1.0)
    assert track.at(0.45, 0.5) == ("rest", 1.0)
    assert track.at(2.0, 2.05) == ("rest", 1.0)


def test_blinks_are_seeded_and_spaced():
    times = blink_times(30.0, seed=4)
    assert times == blink_times(30.0, seed=4) != blink_times(30.0, seed=5)
    assert 0.6 <= times[0] <= 1.8 and times[-1] < 30.0 - BLINK_S
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert len(times) >= 5 and all(2.0 <= g <= 5.0 for g in gaps)


def test_camera_views_stay_on_the_stage_and_push_in_closes_in():
    stage = Stage(320, 180, (70, 0), 180, (160.0, 85.0))
    push = Camera.of("push-in")
    zooms = [push.at(t / 10)[0] for t in range(11)]
    assert zooms == sorted(zooms) and zooms[0] == 1.0 and zooms[-1] > 1.2
    for move in ("static", "push-in", "pull-out", "pan-left", "pan-right"):
        cam = Camera.of(move)
        for t in (0.0, 0.3, 0.7, 1.0):
            x0, y0, x1, y1 = stage.view(*cam.at(t))
            assert 0 <= x0 < x1 <= 320 and 0 <= y0 < y1 <= 180
            assert abs((x1 - x0) / (y1 - y0) - 320 / 180) < 1e-9
    left = [stage.view(*Camera.of("pan-left").at(t))[0] for t in (0.0, 0.5, 1.0)]
    assert left == sorted(left, reverse=True) and left[0] > left[-1]
