"""The persona spec schema (docs/persona-spec.schema.json) and its validator (fame.persona_spec)."""

import copy
import json

import pytest

jsonschema = pytest.importorskip("jsonschema")

from fame.errors import FameError  # noqa: E402
from fame.persona_spec import PersonaSpecError, check_spec_cid, problems, schema, validate, validate_json  # noqa: E402

VALID = {
    "spec_version": "1.0",
    "name": "Nova Lux",
    "handle": "nova_lux",
    "traits": [
        {"name": "curious", "intensity": 0.9, "description": "asks the follow-up question"},
        {"name": "witty", "intensity": 0.6},
    ],
    "visual_style": {
        "art_style": "3d_render",
        "description": "Neon-lit city explorer with silver hair and a holographic jacket.",
        "palette": ["#FF3CAC", "#784BA0", "#2B86C5"],
        "prompt_keywords": ["neon", "night city"],
        "reference_images": ["bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi"],
    },
    "narrative": {
        "tagline": "Finding the magic in tomorrow's cities.",
        "backstory": "Nova grew up in a floating city.\nNow she reviews the future, one gadget at a time.",
        "goals": ["make tech approachable"],
        "voice": {"tone": "playful", "formality": "casual", "languages": ["en", "pt-BR"]},
        "topics": ["gadgets", "urbanism"],
        "avoid_topics": ["politics"],
    },
    "emotional_baseline": {"model": "valence_arousal", "valence": 0.6, "arousal": 0.3, "dominance": 0.1},
    "creator": "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
    "tags": ["tech", "city-life"],
}


def spec(**changes):
    s = copy.deepcopy(VALID)
    for path, value in changes.items():
        node = s
        keys = path.split("__")
        for k in keys[:-1]:
            node = node[int(k)] if isinstance(node, list) else node[k]
        last = keys[-1]
        if value is _DELETE:
            del node[last]
        elif isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value
    return s


_DELETE = object()


def test_schema_is_valid_draft_2020_12():
    jsonschema.Draft202012Validator.check_schema(schema())
    assert schema()["title"] == "FameEngine persona spec"


def test_valid_specs():
    assert validate(VALID) is VALID
    minimal = {
        "spec_version": "1.0",
        "name": "Kai",
        "traits": [{"name": "calm", "intensity": 0}],
        "visual_style": {"art_style": "anime", "description": "Soft watercolour look."},
        "narrative": {"backstory": "A quiet gardener."},
        "emotional_baseline": {"model": "emotion_weights", "weights": {"joy": 0.5, "trust": 0.0}},
    }
    assert problems(minimal) == []
    assert validate_json(json.dumps(minimal)) == minimal
    assert validate_json(json.dumps(VALID).encode()) == VALID


@pytest.mark.parametrize(
    "changes,where",
    [
        ({"spec_version": "2.0"}, "/spec_version"),
        ({"name": ""}, "/name"),
        ({"name": " Nova"}, "/name"),
        ({"name": "x" * 65}, "/name"),
        ({"handle": "No Caps"}, "/handle"),
        ({"traits": []}, "/traits"),
        ({"traits__0__intensity": 1.5}, "/traits/0/intensity"),
        ({"traits__0__intensity": -0.1}, "/traits/0/intensity"),
        ({"traits__1": {"name": "witty"}}, "/traits/1"),
        ({"visual_style__art_style": "oil"}, "/visual_style/art_style"),
        ({"visual_style__palette": ["#FFF"]}, "/visual_style/palette/0"),
        ({"visual_style__reference_images": ["not-a-cid"]}, "/visual_style/reference_images/0"),
        ({"visual_style__description": _DELETE}, "/visual_style"),
        ({"narrative__backstory": _DELETE}, "/narrative"),
        ({"narrative__voice__languages": ["english!"]}, "/narrative/voice/languages/0"),
        ({"narrative__voice__formality": "royal"}, "/narrative/voice/formality"),
        ({"emotional_baseline": {"model": "valence_arousal", "valence": 2, "arousal": 0}}, "/emotional_baseline"),
        ({"emotional_baseline": {"model": "valence_arousal", "valence": 0}}, "/emotional_baseline"),
        ({"emotional_baseline": {"model": "emotion_weights", "weights": {"boredom": 0.2}}}, "/emotional_baseline"),
        ({"emotional_baseline": {"model": "emotion_weights", "weights": {"joy": 1.2}}}, "/emotional_baseline"),
        ({"emotional_baseline": {"model": "emotion_weights", "weights": {}}}, "/emotional_baseline"),
        ({"emotional_baseline": {"model": "mood_ring"}}, "/emotional_baseline"),
        ({"creator": "0x1234"}, "/creator"),
        ({"unexpected": True}, "(root)"),
        ({"traits": _DELETE}, "(root)"),
    ],
)
def test_invalid_specs(changes, where):
    found = problems(spec(**changes))
    assert found, changes
    assert any(line.startswith(f"at {where}") for line in found), found
    with pytest.raises(PersonaSpecError) as err:
        validate(spec(**changes))
    assert isinstance(err.value, FameError)
    assert err.value.problems == found
    assert "invalid persona spec" in str(err.value) and "\n" not in str(err.value)


def test_rules_beyond_the_schema():
    # 64 characters but more than 64 bytes of UTF-8: does not fit the registry
    assert any("bytes of UTF-8" in p for p in problems(spec(name="é" * 40)))
    assert problems(spec(name="é" * 32)) == []
    dup = spec(traits=[{"name": "Witty", "intensity": 0.5}, {"name": "witty", "intensity": 0.2}])
    assert problems(dup) == ["at /traits: trait names must be distinct (case-insensitive)"]
    zero = spec(emotional_baseline={"model": "emotion_weights", "weights": {"joy": 0, "fear": 0}})
    assert problems(zero) == ["at /emotional_baseline/weights: at least one emotion needs a positive weight"]


def test_not_an_object_and_not_json():
    assert problems([1, 2]) and problems("spec")
    with pytest.raises(PersonaSpecError, match="not JSON"):
        validate_json("{nope")


def test_spec_cid_bounds():
    cid = VALID["visual_style"]["reference_images"][0]
    assert check_spec_cid(cid) == cid
    with pytest.raises(PersonaSpecError):
        check_spec_cid("")
    with pytest.raises(PersonaSpecError):
        check_spec_cid("b" * 101)
