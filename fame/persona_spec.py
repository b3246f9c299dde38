"""Validation of FameEngine persona specs (docs/persona-spec.schema.json).

A persona spec is the JSON document a creator pins before calling
`PersonaLaunchpad.propose_persona(name, symbol, spec_cid, ...)`. This module
checks a spec against the JSON Schema and adds the few rules a schema cannot
say (byte lengths that must fit the contracts, at least one positive emotion
weight, distinct trait names).

    from fame.persona_spec import validate, problems
    spec = validate(json.loads(text))      # raises PersonaSpecError
    for line in problems(spec): ...        # or just list what is wrong

Needs the `jsonschema` package.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fame.errors import FameError

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "docs" / "persona-spec.schema.json"

# On-chain bounds (PersonaRegistry / PersonaLaunchpad take these as bytes).
MAX_NAME_BYTES = 64
MAX_SPEC_CID_BYTES = 100


class PersonaSpecError(FameError):
    """The spec breaks the schema or a FameEngine rule; `.problems` lists every finding."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        more = f" (and {len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
        super().__init__(
            f"invalid persona spec: {self.problems[0]}{more}; fix it against docs/persona-spec.schema.json"
        )


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    """The persona spec JSON Schema (draft 2020-12)."""
    try:
        loaded: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
        return loaded
    except FileNotFoundError as err:  # pragma: no cover - broken checkout
        raise FameError(
            f"persona spec schema not found at {SCHEMA_PATH}; restore docs/persona-spec.schema.json"
        ) from err


@lru_cache(maxsize=1)
def _validator() -> Draft202012Validator:
    from jsonschema import Draft202012Validator

    Draft202012Validator.check_schema(schema())
    return Draft202012Validator(schema())


def _where(path: Sequence[str | int]) -> str:
    return "/" + "/".join(str(p) for p in path) if path else "(root)"


def problems(spec: Any) -> list[str]:
    """Every problem with `spec`, one readable line each ("at /traits/0/intensity: ..."), [] if valid."""
    found = [
        f"at {_where(err.absolute_path)}: {err.message}"
        for err in sorted(_validator().iter_errors(spec), key=lambda e: (list(map(str, e.absolute_path)), e.message))
    ]
    if found or not isinstance(spec, dict):
        return found

    if len(spec["name"].encode("utf-8")) > MAX_NAME_BYTES:
        found.append(f"at /name: longer than {MAX_NAME_BYTES} bytes of UTF-8 (the on-chain limit)")
    names = [t["name"].casefold() for t in spec["traits"]]
    if len(set(names)) != len(names):
        found.append("at /traits: trait names must be distinct (case-insensitive)")
    baseline = spec["emotional_baseline"]
    if baseline.get("model") == "emotion_weights" and not any(w > 0 for w in baseline["weights"].values()):
        found.append("at /emotional_baseline/weights: at least one emotion needs a positive weight")
    return found


def validate(spec: Any) -> dict[str, Any]:
    """Returns `spec` if it is a valid persona spec, else raises PersonaSpecError."""
    found = problems(spec)
    if found:
        raise PersonaSpecError(found)
    valid: dict[str, Any] = spec  # the schema's top level is "type": "object"
    return valid


def validate_json(text: str | bytes) -> dict[str, Any]:
    """Parses a JSON document and validates it as a persona spec."""
    try:
        spec = json.loads(text)
    except json.JSONDecodeError as err:
        raise PersonaSpecError([f"not JSON: {err}"]) from err
    return validate(spec)


def check_spec_cid(spec_cid: str) -> str:
    """Returns `spec_cid` if the launchpad will accept it (1..100 bytes), else raises PersonaSpecError."""
    size = len(spec_cid.encode("utf-8"))
    if not 0 < size <= MAX_SPEC_CID_BYTES:
        raise PersonaSpecError([f"spec cid must be 1..{MAX_SPEC_CID_BYTES} bytes, got {size}"])
    return spec_cid
