"""Typed request and response bodies of the operator API (pydantic, strict at the edges).

Words and signatures travel as 0x-prefixed hex strings: a packed observation is a
uint256 (see oracle.report), a signature is 64 bytes in EIP-2098 compact form.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..report import MAX_OBSERVATIONS, MAX_OPERATORS

HexWord = Annotated[
    str,
    Field(
        pattern=r"^0x[0-9a-fA-F]{1,64}$",
        description="A packed observation (uint256, hex).",
        examples=["0x000000010000000f42400000000186a0000003e8000007d030d4000000699a1c80"],
    ),
]
HexSignature = Annotated[
    str, Field(pattern=r"^0x[0-9a-fA-F]{128}$", description="EIP-2098 compact signature (r, vs), 64 bytes hex.")
]
HexDigest = Annotated[str, Field(pattern=r"^0x[0-9a-fA-F]{64}$", description="A 32-byte EIP-712 digest.")]
Address = Annotated[str, Field(pattern=r"^0x[0-9a-fA-F]{40}$", description="An Ethereum address.")]
Epoch = Annotated[int, Field(ge=0, le=2**64 - 1, description="Round number: (time - genesis) // round_seconds.")]
ConfigVersion = Annotated[int, Field(ge=0, le=2**32 - 1, description="On-chain committee version.")]
OperatorIndex = Annotated[int, Field(ge=0, lt=MAX_OPERATORS, description="Position in the on-chain committee.")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SignedObservation(Strict):
    """One operator's own engagement readings for one epoch, signed (EIP-712 `Observation`)."""

    operator_index: OperatorIndex
    epoch: Epoch
    config_version: ConfigVersion
    observations: list[HexWord] = Field(
        max_length=MAX_OBSERVATIONS, description="Packed observations sorted by persona id."
    )
    signature: HexSignature


class ReportBody(Strict):
    """A proposed report, exactly as `EngagementOracle.transmit` takes it."""

    config_version: ConfigVersion
    epoch: Epoch
    observations: list[HexWord] = Field(min_length=1, max_length=MAX_OBSERVATIONS)


class SignRequest(Strict):
    """The leader's proposal: the report, the leader's own signature of it, and the signed
    observations its medians were taken from."""

    report: ReportBody
    leader_signature: HexSignature
    attestations: list[SignedObservation] = Field(min_length=1, max_length=MAX_OPERATORS)


class SignResponse(Strict):
    operator_index: OperatorIndex
    signer: Address
    digest: HexDigest
    signature: HexSignature


class ChainStatus(Strict):
    reachable: bool
    config_version: int | None
    latest_epoch: int | None
    committee_size: int | None
    f: int | None
    active_personas: int | None


class RelayerStatus(Strict):
    queued: int
    confirmed: int
    last_transmitted_epoch: int | None
    last_error: str | None


class Health(Strict):
    status: Literal["ok", "degraded"]
    operator_index: int
    signer: Address
    transmitter: Address | None
    adapter: str
    epoch: int
    round_seconds: int
    chain: ChainStatus
    relayer: RelayerStatus | None


class ErrorBody(BaseModel):
    detail: str = Field(description="What is wrong, in one sentence.")
