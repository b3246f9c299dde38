"""FameEngine circuits."""

from .did import PUBLIC_SIGNALS, DIDWitnessInput, did_circuit, did_public_signals

__all__ = ["PUBLIC_SIGNALS", "DIDWitnessInput", "did_circuit", "did_public_signals"]
