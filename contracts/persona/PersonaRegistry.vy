# pragma version ~=0.4.3
"""
@title PersonaRegistry
@notice The list of FameEngine personas: one record per persona with its name,
        spec CID, share token, treasury, creator, status and creation time.
        Persona ids start at 1 and are never reused.

        Roles:
        - owner (the DAO timelock, two-step handover): sets the registrar and
          the treasury recorded for new personas, and changes persona status;
        - registrar (the persona launchpad): the only account that registers.

        Launch order for the registrar: the share token must know its persona id
        at construction, so the launchpad reads `persona_count() + 1`, deploys
        the share token with that id, calls `register` (which returns that id)
        and only then mints shares.
"""

from snekmate.auth import ownable
from snekmate.auth import ownable_2step

from ..interfaces import IPersonaRegistry

implements: IPersonaRegistry

initializes: ownable
initializes: ownable_2step[ownable := ownable]

exports: (
    ownable_2step.owner,
    ownable_2step.pending_owner,
    ownable_2step.transfer_ownership,
    ownable_2step.accept_ownership,
    ownable_2step.renounce_ownership,
)

STATUS_NONE: constant(uint8) = 0
STATUS_ACTIVE: constant(uint8) = 1
STATUS_RETIRED: constant(uint8) = 2

# @notice The account allowed to register personas (the launchpad).
registrar: public(address)
# @notice The treasury written into the record of every persona registered from now on.
treasury: public(address)
# @notice Number of personas registered so far (= the highest persona id).
persona_count: public(uint256)
# @notice Persona id of a registered share token (0 = not a share token).
persona_of_share: public(HashMap[address, uint256])

_personas: HashMap[uint256, IPersonaRegistry.Persona]
# Active personas as a bitmap: bit (id % 256) of word (id // 256) is set while
# persona `id` is active. Readers that check many personas (the engagement
# oracle checks up to 100 per report) read one word per 256 ids instead of
# calling `is_active` once per persona.
_active_words: HashMap[uint256, uint256]


event RegistrarChanged:
    previous_registrar: indexed(address)
    new_registrar: indexed(address)


event TreasuryChanged:
    previous_treasury: indexed(address)
    new_treasury: indexed(address)


event PersonaStatusChanged:
    persona_id: indexed(uint256)
    previous_status: uint8
    new_status: uint8


@deploy
def __init__(owner_: address):
    """
    @notice Deploys an empty registry owned by `owner_` (the DAO timelock).
            Registrar and treasury start unset; the owner sets them.
    @param owner_ The owner; must not be the zero address.
    """
    assert owner_ != empty(address), "registry: zero owner"
    ownable.__init__()
    ownable_2step.__init__()
    ownable_2step._transfer_ownership(owner_)


@external
def set_registrar(new_registrar: address):
    """
    @notice Owner only: sets the account allowed to `register` (the zero
            address disables registration).
    @param new_registrar The launchpad.
    """
    ownable._check_owner()
    log RegistrarChanged(previous_registrar=self.registrar, new_registrar=new_registrar)
    self.registrar = new_registrar


@external
def set_treasury(new_treasury: address):
    """
    @notice Owner only: sets the treasury recorded for personas registered from
            now on (existing records keep theirs).
    @param new_treasury The PersonaTreasury; may be the zero address (none).
    """
    ownable._check_owner()
    log TreasuryChanged(previous_treasury=self.treasury, new_treasury=new_treasury)
    self.treasury = new_treasury


@external
def register(name: String[64], spec_cid: String[100], share_token: address, creator: address) -> uint256:
    """
    @notice Registrar only: records a new active persona.
    @dev A share token can back only one persona. The registry does not call the
         share token; the registrar is trusted to pass a token built for the id
         returned here (`persona_count() + 1` before the call).
    @param name Display name (non-empty).
    @param spec_cid Content id of the persona spec (non-empty).
    @param share_token The persona's share token (non-zero, unused).
    @param creator The account credited as creator (non-zero).
    @return The new persona id (ids start at 1).
    """
    assert msg.sender == self.registrar, "registry: caller is not the registrar"
    assert len(name) > 0, "registry: empty name"
    assert len(spec_cid) > 0, "registry: empty spec cid"
    assert share_token != empty(address), "registry: zero share token"
    assert creator != empty(address), "registry: zero creator"
    assert self.persona_of_share[share_token] == 0, "registry: share token already registered"

    persona_id: uint256 = self.persona_count + 1
    self.persona_count = persona_id
    self.persona_of_share[share_token] = persona_id
    self._personas[persona_id] = IPersonaRegistry.Persona(
        name=name,
        spec_cid=spec_cid,
        share_token=share_token,
        treasury=self.treasury,
        creator=creator,
        status=STATUS_ACTIVE,
        created_at=block.timestamp,
    )
    log IPersonaRegistry.PersonaRegistered(
        persona_id=persona_id, share_token=share_token, creator=creator, name=name, spec_cid=spec_cid
    )
    self._set_active_bit(persona_id, True)
    log PersonaStatusChanged(persona_id=persona_id, previous_status=STATUS_NONE, new_status=STATUS_ACTIVE)
    return persona_id


@external
def set_status(persona_id: uint256, status: uint8):
    """
    @notice Owner only: marks a registered persona active (1) or retired (2).
            Retiring is reversible; a record is never deleted.
    @param persona_id A registered persona.
    @param status 1 (active) or 2 (retired), different from the current one.
    """
    ownable._check_owner()
    previous: uint8 = self._personas[persona_id].status
    assert previous != STATUS_NONE, "registry: unknown persona"
    assert status == STATUS_ACTIVE or status == STATUS_RETIRED, "registry: invalid status"
    assert status != previous, "registry: status unchanged"
    self._personas[persona_id].status = status
    self._set_active_bit(persona_id, status == STATUS_ACTIVE)
    log PersonaStatusChanged(persona_id=persona_id, previous_status=previous, new_status=status)


@view
@external
def persona(persona_id: uint256) -> IPersonaRegistry.Persona:
    """
    @notice The record of `persona_id` (all fields zero / empty if unknown).
    @param persona_id The persona.
    @return The record.
    """
    return self._personas[persona_id]


@view
@external
def share_token_of(persona_id: uint256) -> address:
    """
    @notice The share token of `persona_id` (zero address if unknown).
    @param persona_id The persona.
    @return The share token.
    """
    return self._personas[persona_id].share_token


@view
@external
def is_active(persona_id: uint256) -> bool:
    """
    @notice Whether `persona_id` is registered and not retired.
    @param persona_id The persona.
    @return True if active.
    """
    return self._personas[persona_id].status == STATUS_ACTIVE


@view
@external
def status_of(persona_id: uint256) -> uint8:
    """
    @notice The status of `persona_id`: 0 unknown, 1 active, 2 retired.
    @param persona_id The persona.
    @return The status.
    """
    return self._personas[persona_id].status


@view
@external
def active_bitmap(word_index: uint256) -> uint256:
    """
    @notice Which of the personas `256 * word_index` .. `256 * word_index + 255`
            are active: bit `id % 256` is set while persona `id` is active
            (the same answer as `is_active`, 256 ids per call).
    @param word_index `persona_id // 256`.
    @return The bitmap word (bit 0 of word 0 is the never-used id 0).
    """
    return self._active_words[word_index]


@internal
def _set_active_bit(persona_id: uint256, active: bool):
    bit: uint256 = 1 << (persona_id & 255)
    word: uint256 = self._active_words[persona_id >> 8]
    if active:
        self._active_words[persona_id >> 8] = word | bit
    else:
        self._active_words[persona_id >> 8] = word & ~bit
