"""What the decoded pixels show: the mouth moves with the visemes and rests in silence, the
face follows the storyboard's emotions, a push-in closes in, and the same inputs give the
same video."""

from __future__ import annotations

import numpy as np
import pytest
from video_media import SMALL, TWO_SHOTS, decode_frames, mean_diff, region, stamp

from ai_worker.avatar import look_from_spec
from ai_worker.avatar.colour import hex_to_rgb
from ai_worker.video import make_video

OPEN = {"AI", "O", "E", "L"}


@pytest.fixture(scope="module")
def two_frames(two_shots):
    return decode_frames(two_shots[0].mp4)


def _same_pose(a, b) -> bool:
    """The two frames differ at most in the mouth's viseme: same shot, expression, blink, head and camera."""
    return (
        a.shot == b.shot
        and (a.face.aus, a.face.blink, a.face.yaw) == (b.face.aus, b.face.blink, b.face.yaw)
        and (a.zoom, a.pan) == (b.zoom, b.pan)
    )


def test_mouth_moves_with_the_visemes_and_rests_in_silence(two_shots, two_frames):
    video = two_shots[0]
    plans = video.frames
    silent, moving = [], []
    for a, b in zip(plans, plans[1:], strict=False):
        if not _same_pose(a, b):
            continue
        d = mean_diff(two_frames[a.index], two_frames[b.index], a.mouth_box)
        if a.face.viseme == b.face.viseme == "rest":
            silent.append(d)
        elif (a.face.viseme, a.face.weight) != (b.face.viseme, b.face.weight):
            moving.append(d)
    assert len(silent) >= 2 and len(moving) >= 10
    assert max(silent) < 1.0, f"the mouth moved in silence: {silent}"
    assert np.median(moving) > 4 * max(max(silent), 0.5), (np.median(moving), max(silent))

    # an open mouth against the same face at rest, shot by shot
    for shot in video.storyboard.shots:
        rest = [p for p in plans if p.shot == shot.index and p.face.viseme == "rest"]
        opened = [
            p
            for p in plans
            if p.shot == shot.index
            and p.face.viseme in OPEN
            and p.face.weight == 1.0
            and rest
            and _same_pose(p, rest[0])
        ]
        for p in opened:
            assert mean_diff(two_frames[p.index], two_frames[rest[0].index], p.mouth_box) > 3.0


def test_mouth_region_is_where_the_mouth_is(two_shots, two_frames):
    """The mouth box differs between open and closed frames more than the same-sized box on the forehead."""
    plans = two_shots[0].frames
    pairs = [
        (a, b)
        for a in plans
        for b in plans
        if a.face.viseme == "rest" and b.face.viseme in OPEN and b.face.weight == 1.0 and _same_pose(a, b)
    ]
    assert pairs
    a, b = pairs[0]
    x0, y0, x1, y1 = a.mouth_box
    fx0, fy0, _, _ = a.face_box
    forehead = (x0, fy0, x1, fy0 + (y1 - y0))
    assert mean_diff(two_frames[a.index], two_frames[b.index], a.mouth_box) > 4 * (
        mean_diff(two_frames[a.index], two_frames[b.index], forehead) + 0.25
    )


def test_expression_follows_the_storyboard(two_shots, two_frames):
    video = two_shots[0]
    joy_shot, sad_shot = video.storyboard.shots
    assert (joy_shot.emotion, sad_shot.emotion) == ("joy", "sadness")
    plans = video.frames

    def settled(shot):
        """Open-eyed frames of the shot once its first expression has settled."""
        first = [p for p in plans if p.shot == shot.index and p.face.blink == 0.0]
        return [p for p in first if p.face.aus == first[len(first) // 3].face.aus]

    joy, sad = settled(joy_shot), settled(sad_shot)
    assert len(joy) >= 3 and len(sad) >= 3

    def upper(p):
        """Brows and eyes: the half of the face above the nose, which no viseme moves."""
        x0, y0, x1, y1 = p.face_box
        return (x0, y0, x1, y0 + 0.45 * (y1 - y0))

    across = mean_diff(two_frames[joy[0].index], two_frames[sad[0].index], upper(joy[0]))
    within = mean_diff(two_frames[joy[0].index], two_frames[joy[-1].index], upper(joy[0]))
    assert across > 3.0 and across > 4 * within, (across, within)


def test_push_in_closes_in_on_the_face(nova, push_in):
    video = push_in
    assert [s.camera.move for s in video.storyboard.shots] == ["push-in"]
    plans = video.frames
    widths = [p.face_box[2] - p.face_box[0] for p in plans]
    assert widths == sorted(widths) and widths[-1] / widths[0] > 1.2
    # measured in the pixels: the skin the frame shows grows with the zoom squared
    skin = np.array(hex_to_rgb(look_from_spec(nova).skin), dtype=np.float64)
    frames = decode_frames(video.mp4)

    def skin_area(frame):
        return int((np.abs(frame.astype(np.float64) - skin).max(axis=2) < 24).sum())

    first, last = skin_area(frames[0]), skin_area(frames[-1])
    assert first > 200 and last / first > 1.3, (first, last)
    # the face stays centred while the camera closes in
    cx = [(p.face_box[0] + p.face_box[2]) / 2 for p in plans]
    assert max(abs(c - SMALL[0] / 2) for c in cx) < 0.08 * SMALL[0]


def test_same_inputs_give_the_same_video(nova, two_shots, two_frames):
    video = two_shots[0]
    again = make_video(nova, TWO_SHOTS, emotion="joy", seed=5, size=SMALL, frame_filter=stamp)
    assert again.storyboard == video.storyboard and again.frames == video.frames
    first = decode_frames(again.mp4)[0]
    assert np.array_equal(first, two_frames[0])
    assert again.vtt == video.vtt and again.thumbnail == video.thumbnail
    assert again.mp4 == video.mp4, "the encoder ran with a fixed thread count: the bytes repeat"


def test_another_seed_changes_the_performance(nova, two_shots):
    video = two_shots[0]
    other = make_video(nova, TWO_SHOTS, emotion="joy", seed=6, size=(128, 72), fps=24)
    # the words and their times are the voice's; the face's variations are the seed's
    assert [s.words for s in other.storyboard.shots] == [s.words for s in video.storyboard.shots]
    assert [k.mix for s in other.storyboard.shots for k in s.keyframes] != [
        k.mix for s in video.storyboard.shots for k in s.keyframes
    ]
    assert region(decode_frames(other.mp4)[0], (0, 0, 128, 72)).shape == (72, 128, 3)
