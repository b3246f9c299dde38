"""The adapter interface every platform implements."""

from __future__ import annotations

import abc
from collections.abc import Sequence

from ..report import Engagement


class PlatformUnavailable(Exception):
    """The platform cannot be read right now (outage, quota, network): nothing to observe."""


class PlatformAdapter(abc.ABC):
    """Reads lifetime engagement of personas from one social platform."""

    name: str = "platform"

    @abc.abstractmethod
    def observe(self, persona_ids: Sequence[int], at: int) -> dict[int, Engagement]:
        """Engagement of each persona as of about `at` (unix seconds).

        Counts are lifetime totals; sentiment is that of recent comments, in basis points.
        A persona the platform does not know is left out; PlatformUnavailable when the
        platform cannot be read at all.
        """

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections."""
