"""The errors the video package raises for things an operator can fix."""

from __future__ import annotations

from fame.errors import FameError


class VideoError(FameError):
    """A video cannot be made as asked (bad size or frame rate, a filter that broke a frame, an
    encoder missing from this FFmpeg build)."""


class ScriptError(VideoError):
    """The script cannot be read: no words, or a direction in brackets the storyboard does not know."""


class ScriptTooLong(ScriptError):
    """The script is over the length one short video may have (characters or seconds of speech)."""
