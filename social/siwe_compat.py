"""The `siwe` package, importable with the `abnf` releases that refuse its grammar.

siwe 4.4.0 declares RFC 5234's core rules (ALPHA, DIGIT, HEXDIG, LF) as a grammar of its
own; abnf 2.9 makes the core rules shared and refuses any grammar that defines them again,
so `import siwe` fails there. siwe's definitions are exactly RFC 5234's, so when the first
import fails this way, siwe's module is replaced by abnf's own RFC 5234 grammar and siwe is
imported again. With an abnf that accepts siwe's grammar nothing is replaced.
"""

from __future__ import annotations

import importlib
import sys
import warnings
from types import ModuleType

_CORE = "siwe.grammars.rfc5234"


def _import() -> ModuleType:
    with warnings.catch_warnings():
        # abnf also warns that siwe imports URI and `reserved` over its own declarations: harmless here.
        warnings.simplefilter("ignore")
        return importlib.import_module("siwe")


def load() -> ModuleType:
    try:
        return _import()
    except Exception as err:  # noqa: BLE001 - abnf's GrammarError, whatever module defines it
        if "core rule" not in str(err):
            raise
    for name in [m for m in sys.modules if m == "siwe" or m.startswith("siwe.")]:
        del sys.modules[name]
    from abnf.grammars import rfc5234

    shim = ModuleType(_CORE, "RFC 5234 core rules, from abnf itself")
    shim.Rule = rfc5234.Rule  # type: ignore[attr-defined]
    sys.modules[_CORE] = shim
    return _import()


siwe = load()
SiweMessage = siwe.SiweMessage
VerificationError = siwe.VerificationError
