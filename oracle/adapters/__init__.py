"""Platform adapters: where an operator's engagement numbers come from.

`native` (the default) reads FameEngine's own social service over HTTP; `simulator` (load
benchmarks and tests) and `youtube` are imported only when asked for, so an operator on the
default settings never loads the simulated platform.
"""

from .base import PlatformAdapter, PlatformUnavailable

__all__ = ["ADAPTERS", "PlatformAdapter", "PlatformUnavailable", "make_adapter"]

ADAPTERS = ("native", "simulator", "youtube")


def make_adapter(kind: str, *, operator_index: int, **options) -> PlatformAdapter:
    """The adapter named `kind` (one of ADAPTERS) for one operator.

    native: `settings` (OracleSettings: social_url, social_timeout, social_retries) or
    `social_url`; `registry`, the operator's Prometheus registry, for its metrics.
    simulator: `seed`, `outage_rate`, `lag_max`. youtube: `settings`.
    """
    if kind == "native":
        from .native import NativeAdapter

        if options.get("settings") is not None:
            return NativeAdapter.from_settings(
                options["settings"], operator_index=operator_index, registry=options.get("registry")
            )
        return NativeAdapter(options["social_url"], operator_index=operator_index, registry=options.get("registry"))
    if kind == "simulator":
        from ..simulator import SimulatedPlatform  # lazily: never loaded on the default path

        return SimulatedPlatform(
            seed=options["seed"],
            operator_index=operator_index,
            outage_rate=options.get("outage_rate", 0.0),
            lag_max=options.get("lag_max", 3.0),
        )
    if kind == "youtube":
        from .youtube import YouTubeAdapter

        return YouTubeAdapter.from_settings(options["settings"])
    raise ValueError(f"unknown platform adapter {kind!r} (known: {', '.join(ADAPTERS)})")
