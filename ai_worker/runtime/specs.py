"""Where the runtime finds a persona's spec: its CID in the PersonaRegistry, its JSON on IPFS.

The social service's persona list names each persona (id, handle, name, schedule) but not its
spec, which the registry holds on chain (as the content worker reads it). `RegistrySpecs`
reads a persona's spec CID from the registry through `fame.chain` and the deployment
manifest, connecting lazily; while there is no node, no deployment or the read fails it
answers None (the runtime then writes from the persona's name alone and says so in its log)
and tries again after `retry_s`.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from fame.errors import FameError

log = logging.getLogger("ai_worker.runtime")

REGISTRY = "PersonaRegistry"


class RegistrySpecs:
    def __init__(self, rpc_url: str | None = None, retry_s: float = 30.0) -> None:
        self.rpc_url = rpc_url
        self.retry_s = retry_s
        self._registry: Any = None
        self._found: dict[int, str] = {}
        self._down_until = 0.0

    def __call__(self, persona_id: int) -> str | None:
        if persona_id in self._found:
            return self._found[persona_id]
        if time.monotonic() < self._down_until:
            return None
        try:
            if self._registry is None:
                self._registry = self._connect()
            cid = str(self._registry.functions.persona(int(persona_id)).call()[1])
        except Exception as err:  # noqa: BLE001 - no node, no deployment, a failed call: all mean "not now"
            self._registry = None
            self._down_until = time.monotonic() + self.retry_s
            why = str(err) if isinstance(err, FameError) else type(err).__name__
            log.warning("spec CIDs not readable from the PersonaRegistry (%s); next try in %.0f s", why, self.retry_s)
            return None
        if cid:
            self._found[persona_id] = cid
        return cid or None

    def _connect(self) -> Any:
        """The registry contract; one quick try (no retries), so a missing node costs no time in the loop."""
        from web3 import Web3

        from fame.chain import Chain
        from fame.config import settings

        url = self.rpc_url or settings().effective_rpc_url
        w3 = Web3(Web3.HTTPProvider(url, request_kwargs={"timeout": 3.0}, exception_retry_configuration=None))
        return Chain(w3).contract(REGISTRY)
