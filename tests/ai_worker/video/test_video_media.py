"""The MP4, the subtitles, the thumbnail and the stage hooks, read back with tools of their own."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image
from video_media import (
    MARK,
    SMALL,
    TWO_SHOTS,
    decode_frames,
    ffprobe,
    needs_ffprobe,
    parse_vtt,
    top_level_boxes,
    words_of,
)

from ai_worker.video import STAGES, make_video, measure_video, parse_script


def _check_mp4(video, tmp_path, size, fps):
    info = ffprobe(video.mp4, tmp_path)
    kinds = [s["codec_type"] for s in info["streams"]]
    assert sorted(kinds) == ["audio", "video"]
    v = next(s for s in info["streams"] if s["codec_type"] == "video")
    a = next(s for s in info["streams"] if s["codec_type"] == "audio")
    assert v["codec_name"] == "h264" and v["pix_fmt"] == "yuv420p"
    assert (v["width"], v["height"]) == size
    assert v["r_frame_rate"] == f"{fps}/1" and v["avg_frame_rate"] == f"{fps}/1"
    assert int(v["nb_read_frames"]) == video.n_frames
    assert a["codec_name"] == "aac" and int(a["channels"]) == 1
    video_s, audio_s = float(v["duration"]), float(a["duration"])
    assert abs(audio_s - video_s) < 0.040
    assert abs(video_s - video.duration) < 1e-6
    assert abs(float(info["format"]["duration"]) - video.speech.duration) < 1 / fps + 0.025
    # the index comes first, so a browser can play while the file is still arriving
    boxes = top_level_boxes(video.mp4)
    assert boxes[0] == "ftyp" and boxes.index("moov") < boxes.index("mdat")
    return info


@needs_ffprobe
def test_mp4_streams_formats_and_durations(two_shots, tmp_path):
    video, _, _ = two_shots
    _check_mp4(video, tmp_path, SMALL, 24)
    assert video.mp4[4:8] == b"ftyp" and (video.width, video.height, video.fps) == (*SMALL, 24)


@needs_ffprobe
def test_short_720p_video(nova, tmp_path):
    video = make_video(nova, "Hi everyone, welcome back to the lab!", emotion="surprise", seed=2)
    _check_mp4(video, tmp_path, (1280, 720), 24)
    assert 1.0 < video.duration < 5.0
    assert video.renders < video.n_frames, "frames that look alike are drawn once"
    frames = decode_frames(video.mp4)
    assert frames[0].shape == (720, 1280, 3)
    # the face fills the middle of the frame, and the stage's edges are backdrop, not black
    assert frames[0][:, :40].mean() > 60 and frames[0][:, -40:].mean() > 60


@needs_ffprobe
def test_other_sizes_and_rates(nova, tmp_path):
    video = make_video(nova, "[static] Look up tonight.", size=(180, 320), fps=15)
    _check_mp4(video, tmp_path, (180, 320), 15)
    thumb = Image.open(io.BytesIO(video.thumbnail))
    assert thumb.size == (180, 320)


def test_subtitles_parse_and_follow_the_script(two_shots):
    video, _, _ = two_shots
    cues = parse_vtt(video.vtt)
    assert cues
    for a, b in zip(cues, cues[1:], strict=False):
        assert a.start < a.end <= b.start < b.end
    assert cues[0].start >= 0 and cues[-1].end <= video.duration + 1e-9
    spoken = parse_script(TWO_SHOTS).text
    assert [w for c in cues for w in words_of(c.text)] == words_of(spoken)
    # a cue starts when its first word is heard
    assert abs(cues[0].start - video.speech.words[0].start) < 0.0015


def test_thumbnail_is_an_image_of_the_video(two_shots):
    video, _, _ = two_shots
    thumb = Image.open(io.BytesIO(video.thumbnail))
    assert thumb.format == "JPEG" and thumb.size == SMALL
    assert video.frames[video.thumbnail_index].face.blink == 0.0
    # the most expressive frame: nothing in the video shows more of the face
    best = video.frames[video.thumbnail_index].face.expressiveness
    assert all(p.face.expressiveness <= best + 1e-9 for p in video.frames if p.face.blink == 0.0)
    # it is the frame as encoded, after the frame filter
    pixels = np.asarray(thumb.convert("RGB"), dtype=np.int16)
    assert np.abs(pixels[-2, -2] - np.array(MARK)).max() < 60


def test_frame_filter_sees_every_frame_before_encoding(two_shots):
    video, filtered, _ = two_shots
    assert len(filtered) == video.n_frames and set(filtered) == {SMALL}
    frames = decode_frames(video.mp4)
    assert len(frames) == video.n_frames
    for frame in (frames[0], frames[len(frames) // 2], frames[-1]):
        assert np.abs(frame[-2, -2].astype(np.int16) - np.array(MARK)).max() < 60
        assert np.abs(frame[-12, -12].astype(np.int16) - np.array(MARK)).max() > 60


def test_a_filter_that_breaks_frames_is_refused(nova):
    from ai_worker.video import VideoError

    with pytest.raises(VideoError, match="frame_filter"):
        make_video(nova, "Hi.", size=(128, 72), frame_filter=lambda im: im.resize((64, 36)))


def test_progress_timings_models_and_fallbacks(two_shots):
    video, _, told = two_shots
    stages = list(dict.fromkeys(stage for stage, _, _ in told))
    assert stages == list(STAGES)
    n = video.n_frames
    for stage in ("frames", "encode"):
        done = [d for s, d, t in told if s == stage and t == n]
        assert done == list(range(1, n + 1))
    assert set(video.timings) == {*STAGES, "filter", "total"} == set(video.cpu_timings)
    assert all(v >= 0 for v in video.timings.values())
    assert video.timings["total"] >= sum(video.timings[s] for s in STAGES) - 0.05
    assert set(video.models) == {"script", "voice", "avatar", "encoder"}
    assert video.models["script"].name == "fameengine/given-script"
    assert video.models["avatar"].name == "fameengine/avatar-rig"
    assert video.models["voice"] == video.speech.model
    assert video.fallbacks == {"voice": video.speech.fallback, "script": False}
    manifest = video.to_json()
    assert manifest["mediaType"] == "video/mp4" and manifest["frames"] == n
    assert manifest["storyboard"]["shots"][1]["emotion"] == "sadness"


def test_a_written_script_is_labelled(nova):
    video = make_video(nova, None, emotion="joy", seed=1, size=(128, 72), fps=8)
    assert video.fallbacks["script"] and video.fallback
    assert video.models["script"].name == "fameengine/template-writer"
    assert video.script.ai_label and "template" in video.script.ai_label
    assert [w for c in parse_vtt(video.vtt) for w in words_of(c.text)] == words_of(video.script.text)


def test_measure_video_reports_every_stage(nova):
    bench = measure_video(seconds=2.0, size=(160, 90), fps=12, spec=nova)
    report = bench.to_json()
    assert bench.video_s >= 2.0 and bench.frames == round(bench.video_s * 12)
    assert set(report["wall_s"]) == set(report["cpu_s"]) == {*STAGES, "total"}
    assert report["realtime"] > 0 and report["bytes_per_second"] > 1000
    assert bench.cpu_s["frames"] > 0 and bench.cpu_s["encode"] > 0


def test_the_robotic_fallback_voice_is_flagged(nova):
    robotic = dict(nova, narrative=dict(nova["narrative"], voice={"tts": {"voice_id": "espeak-ng"}}))
    video = make_video(robotic, "Hello there, fans.", size=(128, 72), fps=12)
    assert video.fallbacks == {"voice": True, "script": False} and video.fallback
    assert "fallback" in video.models["voice"].kind
    assert abs(video.duration - video.speech.duration) < 1 / 12


def test_a_lively_voice_can_be_asked_for(nova):
    video = make_video(nova, "Hello there, fans.", size=(128, 72), fps=12, steady_voice=False)
    assert video.n_frames == round(video.duration * 12) and video.models["voice"] == video.speech.model
