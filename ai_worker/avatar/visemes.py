"""Mouth shapes for speech (visemes), so a video pipeline can lip-sync the rig to a voice.

The set is the classic animation one (Preston Blair): rest, AI, E, O, U, WQ, MBP, FV, L and
"etc" for the remaining consonants. Each viseme is a target for the mouth's jaw opening,
width, rounding, lip press, lower-lip tuck and what shows inside (teeth, tongue tip);
`viseme_for_phoneme` maps IPA (espeak-ng / Piper) and ARPAbet symbols onto the set.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MouthShape:
    """A viseme's target. open: jaw opening in rig units (0 closed .. ~34 wide); width: lip
    corner spread factor; round: lip rounding 0..1; press: lips pressed 0..1; tuck: lower lip
    under the upper teeth 0..1; teeth / tongue: how much of each shows 0..1."""

    open: float = 0.0
    width: float = 1.0
    round: float = 0.0
    press: float = 0.0
    tuck: float = 0.0
    teeth: float = 0.0
    tongue: float = 0.0


VISEMES: dict[str, MouthShape] = {
    "rest": MouthShape(),
    "AI": MouthShape(open=30, width=1.05, teeth=0.6, tongue=0.3),
    "E": MouthShape(open=15, width=1.2, teeth=1.0),
    "O": MouthShape(open=26, width=0.68, round=1.0, teeth=0.2),
    "U": MouthShape(open=9, width=0.55, round=1.0),
    "WQ": MouthShape(open=6, width=0.6, round=0.85),
    "MBP": MouthShape(open=0, width=0.95, press=1.0),
    "FV": MouthShape(open=5, width=1.0, tuck=1.0, teeth=1.0),
    "L": MouthShape(open=20, width=1.0, teeth=0.7, tongue=1.0),
    "etc": MouthShape(open=9, width=1.1, teeth=1.0),
}
VISEME_NAMES: tuple[str, ...] = tuple(VISEMES)

_IPA: dict[str, str] = {
    **dict.fromkeys(["a", "ɑ", "æ", "ʌ", "aɪ", "aʊ", "ɐ", "ə", "ɜ", "i", "ɪ", "iː", "ɑː", "ɜː", "h"], "AI"),
    **dict.fromkeys(["e", "ɛ", "eɪ", "ɛə", "j"], "E"),
    **dict.fromkeys(["o", "ɔ", "oʊ", "əʊ", "ɒ", "ɔː", "ɔɪ"], "O"),
    **dict.fromkeys(["u", "ʊ", "uː", "ʊə"], "U"),
    **dict.fromkeys(["w", "ʍ"], "WQ"),
    **dict.fromkeys(["m", "b", "p"], "MBP"),
    **dict.fromkeys(["f", "v"], "FV"),
    **dict.fromkeys(["l", "θ", "ð", "ɫ"], "L"),
    **dict.fromkeys(
        ["t", "d", "k", "g", "ɡ", "n", "ŋ", "s", "z", "ʃ", "ʒ", "tʃ", "dʒ", "r", "ɹ", "ɾ", "x", "ʔ"], "etc"
    ),
}
_ARPABET: dict[str, str] = {
    **dict.fromkeys(["AA", "AE", "AH", "AY", "AW", "IY", "IH", "ER", "HH"], "AI"),
    **dict.fromkeys(["EH", "EY", "Y"], "E"),
    **dict.fromkeys(["AO", "OW", "OY"], "O"),
    **dict.fromkeys(["UW", "UH"], "U"),
    **dict.fromkeys(["W"], "WQ"),
    **dict.fromkeys(["M", "B", "P"], "MBP"),
    **dict.fromkeys(["F", "V"], "FV"),
    **dict.fromkeys(["L", "TH", "DH"], "L"),
    **dict.fromkeys(["T", "D", "K", "G", "N", "NG", "S", "Z", "SH", "ZH", "CH", "JH", "R"], "etc"),
}


def check_viseme(name: str) -> str:
    if name not in VISEMES:
        raise ValueError(f"unknown viseme {name!r}; use one of: {', '.join(VISEME_NAMES)}")
    return name


def viseme_for_phoneme(symbol: str) -> str:
    """The viseme for one phoneme, IPA (as espeak-ng and Piper emit it) or ARPAbet (stress
    digits ignored); silence, pauses and unknown symbols give "rest"."""
    s = symbol.strip()
    if not s:
        return "rest"
    arpa = s.upper().rstrip("012")
    if arpa in _ARPABET:
        return _ARPABET[arpa]
    ipa = s.replace("ˈ", "").replace("ˌ", "")
    if ipa in _IPA:
        return _IPA[ipa]
    base = ipa.rstrip("ː")
    if base in _IPA:
        return _IPA[base]
    return _IPA.get(base[:1], "rest")
