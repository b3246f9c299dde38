"""A persona's voice: text to speech in the persona's emotion, with lip-sync visemes, word and
phoneme times and WebVTT subtitles, encoded as Opus/Ogg, AAC/MP4 or WAV.

    from ai_worker.voice import VoiceProfile, speak, encode
    profile = VoiceProfile.from_spec(spec)            # or a PersonaProfile, or VoiceProfile()
    speech = speak("Hi everyone! Thanks for coming.", profile, "joy")
    speech.pcm, speech.sample_rate                    # float32 mono
    speech.words, speech.timings, speech.visemes      # times in seconds, on the audio's clock
    speech.vtt                                        # WebVTT text
    speech.model                                      # ModelInfo: which engine and voice spoke
    ogg = encode(speech, "opus"); m4a = encode(speech, "aac"); wav = encode(speech, "wav")

The neural voice (Piper, en_US-joe-medium) is loaded once per process; without it espeak-ng
speaks (speech.fallback is True); without either, VoiceUnavailable says what to install.
"""

from __future__ import annotations

from .encode import EXTENSIONS, MEDIA_TYPES, AudioFormat, encode, encode_pcm
from .engines import select_engine
from .errors import VoiceError, VoiceUnavailable
from .profile import VoiceProfile
from .prosody import EMOTION_PROSODY, Prosody, prosody_for
from .rtf import RtfResult, measure_rtf
from .speech import Speech, speak
from .timing import PhonemeTiming, WordTiming
from .visemes import PHONEME_VISEME, VISEMES, VisemeCue

__all__ = [
    "EMOTION_PROSODY",
    "EXTENSIONS",
    "MEDIA_TYPES",
    "PHONEME_VISEME",
    "VISEMES",
    "AudioFormat",
    "PhonemeTiming",
    "Prosody",
    "RtfResult",
    "Speech",
    "VisemeCue",
    "VoiceError",
    "VoiceProfile",
    "VoiceUnavailable",
    "WordTiming",
    "encode",
    "encode_pcm",
    "measure_rtf",
    "prosody_for",
    "select_engine",
    "speak",
]
