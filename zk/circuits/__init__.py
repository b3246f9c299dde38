"""FameEngine circuits."""

from .did import PUBLIC_SIGNALS, DIDWitnessInput, did_circuit, did_public_signals  # noqa: F401
