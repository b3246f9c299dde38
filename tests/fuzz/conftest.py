"""Fixtures of the API fuzz runs (tests/fuzz): the helpers of the social and live tests are
importable from here (a fan signed in with SIWE through a social-service process, the live
server's event book), as tests/live/conftest.py makes them for its own folder.

The budget is fuzz_helpers.FUZZ_SETTINGS: small and derandomised for `make test`, deep with
FAME_FUZZ_DEEP=1."""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
for helpers in (HERE, HERE.parent / "live", HERE.parent / "social"):  # fuzz_helpers; live_*; social_helpers
    if str(helpers) not in sys.path:
        sys.path.append(str(helpers))
