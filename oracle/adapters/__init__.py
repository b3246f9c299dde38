"""Platform adapters: where an operator's engagement numbers come from."""

from .base import PlatformAdapter, PlatformUnavailable

__all__ = ["PlatformAdapter", "PlatformUnavailable", "make_adapter"]


def make_adapter(kind: str, *, operator_index: int, **options) -> PlatformAdapter:
    """The adapter named `kind` ("simulator" or "youtube") for one operator."""
    if kind == "simulator":
        from ..simulator import SimulatedPlatform

        return SimulatedPlatform(
            seed=options["seed"],
            operator_index=operator_index,
            outage_rate=options.get("outage_rate", 0.0),
            lag_max=options.get("lag_max", 3.0),
        )
    if kind == "youtube":
        from .youtube import YouTubeAdapter

        return YouTubeAdapter.from_settings(options["settings"])
    raise ValueError(f"unknown platform adapter {kind!r} (known: simulator, youtube)")
