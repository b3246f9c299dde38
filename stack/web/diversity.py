"""How a proposed persona would shift the diversity spread of the personas the DAO approved.

The persona-creation screen sends the spec it is about to pin; the answer is the new look's
portrait (the avatar rig's, the same as its pictures will be), the bucket it falls in on each
axis of the diversity audit (Monk skin tone group, gender presentation, apparent age), each
bucket's share before and after, whether the set becomes more or less balanced, and the
audit's imbalance flags before and after (`ai_worker.avatar.audit.spread_shift`).

The approved personas are the PersonaRegistry's, their specs read from IPFS by the CID the
registry holds. A spec's CID names its bytes, so its audited entry is kept per CID and each
approved persona is rendered once per process.
"""

from __future__ import annotations

import base64
import io
import json
import logging
from typing import Any

from fame.errors import FameError

log = logging.getLogger(__name__)

PORTRAIT_PX = 192


class DiversityPreview:
    def __init__(self, store: Any, rpc_url: str) -> None:
        self.store = store
        self.rpc_url = rpc_url
        self._entries: dict[str, Any] = {}  # spec CID -> audited entry

    def approved(self) -> tuple[list[Any], list[str]]:
        """The audited entries of the registry's personas, and why any was left out."""
        from ai_worker.avatar.audit import audit_specs
        from fame.chain import Chain, connect
        from fame.ipfs import EmbeddedBackend

        skipped: list[str] = []
        try:
            registry = Chain(connect(self.rpc_url, timeout=5.0)).contract("PersonaRegistry")
            count = int(registry.functions.persona_count().call())
            cids = [str(registry.functions.persona(i).call()[1]) for i in range(1, count + 1)]
        except FameError:
            raise
        except Exception as err:  # noqa: BLE001 - no node or no deployment: said in the answer
            raise FameError(f"the persona registry is not readable at {self.rpc_url} ({type(err).__name__})") from err
        entries = []
        for persona_id, cid in enumerate(cids, start=1):
            if cid not in self._entries:
                try:
                    spec = json.loads(EmbeddedBackend(self.store).read(cid))
                    self._entries[cid] = audit_specs([spec], "approved")[0]
                except Exception as err:  # noqa: BLE001 - one unreadable spec must not hide the others
                    skipped.append(f"persona {persona_id}: spec {cid} not readable ({type(err).__name__})")
                    continue
            entries.append(self._entries[cid])
        return entries, skipped

    def shift(self, spec: dict[str, Any]) -> dict[str, Any]:
        from ai_worker.avatar import AvatarRig, FaceState, look_from_spec
        from ai_worker.avatar.audit import spread_shift

        existing, skipped = self.approved()
        out = spread_shift(existing, spec)
        portrait = AvatarRig(look_from_spec(spec)).render(FaceState.for_emotion("calm", 0.5), PORTRAIT_PX)
        buf = io.BytesIO()
        portrait.convert("RGB").save(buf, "PNG")
        out["portrait"] = "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()
        out["approved"] = len(existing)
        out["skipped"] = skipped
        return out
