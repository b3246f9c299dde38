"""A persona's short videos: script -> voice -> storyboard -> frames -> MP4 with subtitles.

    from ai_worker.video import make_video
    video = make_video(spec, "[joy] Hello, space fans! [sadness, static] The probe went quiet.", seed=7)
    video.mp4, video.thumbnail, video.vtt           # H.264 + AAC MP4 (moov first), JPEG, WebVTT
    video.storyboard.shots, video.frames            # shots with emotions and camera; per-frame plan
    video.models, video.timings, video.fallbacks    # who made what, seconds per stage, fallbacks

Modules, one concern each: script (given or written scripts, [directions], limits),
voice_over (the script spoken, the same way every time), storyboard (shots timed by the
speech's words), camera (moves and framing), plan (each frame's face and camera), frames
(drawing with the rig, cached per distinct face), mux (MP4 and thumbnail), pipeline
(make_video), measure (the benchmark). docs/video.md is the operator's page.
"""

from __future__ import annotations

from .camera import MOVES, Camera
from .errors import ScriptError, ScriptTooLong, VideoError
from .measure import VideoBenchmark, measure_script, measure_video
from .pipeline import MEDIA_TYPE, STAGES, THUMBNAIL_TYPE, FrameFilter, Progress, VideoResult, make_video
from .plan import FaceKey, FramePlan, plan_frames
from .script import (
    CAMERA_MOVES,
    MAX_SCRIPT_CHARS,
    MAX_SPEECH_S,
    Line,
    Script,
    parse_script,
    speakable,
    write_script,
)
from .storyboard import Keyframe, Shot, Storyboard, build_storyboard
from .voice_over import SteadyVoice, voice_over

__all__ = [
    "CAMERA_MOVES",
    "MAX_SCRIPT_CHARS",
    "MAX_SPEECH_S",
    "MEDIA_TYPE",
    "MOVES",
    "STAGES",
    "THUMBNAIL_TYPE",
    "Camera",
    "FaceKey",
    "FrameFilter",
    "FramePlan",
    "Keyframe",
    "Line",
    "Progress",
    "Script",
    "ScriptError",
    "ScriptTooLong",
    "Shot",
    "SteadyVoice",
    "Storyboard",
    "VideoBenchmark",
    "VideoError",
    "VideoResult",
    "build_storyboard",
    "make_video",
    "measure_script",
    "measure_video",
    "parse_script",
    "plan_frames",
    "speakable",
    "voice_over",
    "write_script",
]
