"""Which engine speaks: the neural voice when its packages import, else espeak-ng, else a
VoiceUnavailable that says how to install either.

The import is tried on every call (cheap once it succeeded) rather than remembered, so that
a test or an operator who removes the packages gets the fallback without a restart; the
loaded voice itself is cached by load_piper.
"""

from __future__ import annotations

import logging
from pathlib import Path

from .engine import SpeechEngine
from .errors import INSTALL_HINT, VoiceUnavailable
from .espeak_engine import EspeakEngine, espeak_binary
from .profile import VoiceProfile

_LOG = logging.getLogger(__name__)
_ESPEAK_PREFIX = "espeak-ng"


def select_engine(profile: VoiceProfile | None = None) -> SpeechEngine:
    """The engine for `profile` (its voice_id: a packaged voice name, an .onnx path, or
    "espeak-ng[-<voice>]" to ask for the robotic voice on purpose)."""
    profile = profile or VoiceProfile()
    if not profile.voice_id.startswith(_ESPEAK_PREFIX):
        neural = _neural(profile)
        if neural is not None:
            return neural
    binary = espeak_binary()
    if binary is None:
        raise VoiceUnavailable(
            f"no speech engine: the neural voice does not import and espeak-ng is not on PATH; {INSTALL_HINT}"
        )
    return EspeakEngine(binary, voice=_espeak_voice(profile))


def _neural(profile: VoiceProfile) -> SpeechEngine | None:
    try:
        from .piper_engine import load_piper, packaged_model_path

        custom = Path(profile.voice_id)
        if profile.voice_id.endswith(".onnx") and custom.exists():
            return load_piper(custom)
        if profile.voice_id != packaged_model_path().name.removesuffix(".onnx"):
            _LOG.warning("voice %r is not installed; speaking with the packaged voice", profile.voice_id)
        return load_piper()
    except ImportError as err:
        _LOG.warning("neural voice unavailable (%s); falling back to espeak-ng", err)
        return None


def _espeak_voice(profile: VoiceProfile) -> str:
    named = profile.voice_id.removeprefix(_ESPEAK_PREFIX).lstrip("-:/")
    if profile.voice_id.startswith(_ESPEAK_PREFIX) and named:
        return named
    return profile.language.lower() or "en-us"
