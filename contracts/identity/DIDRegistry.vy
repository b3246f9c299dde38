# pragma version ~=0.4.3
"""
@title DIDRegistry
@notice The `did:fame:<chainId>:<personaId>` method: one DID per FameEngine persona, with its
        DID-document CID and its controllers. Controllers are anonymous: each one registers a
        commitment Poseidon(secret, salt) and later authorises actions with a Groth16 proof
        (DIDVerifier) that they know the secret behind a commitment in the persona's tree.

        Each persona has its own incremental Poseidon Merkle tree of controller commitments
        (depth DEPTH, which must equal the verifier circuit's depth) and a ring buffer of its
        ROOT_WINDOW most recent roots; a proof may use any root still in the window, so a
        proof made just before another controller was added stays valid. Per-persona trees
        keep a controller of one persona from acting on another (the circuit proves
        membership only, not which leaf).

        Public signals of every proof: [root, nullifier, scope, msg_hash] with
        - scope    = keccak256(abi_encode(chainid, this, persona_id, action, nonce)) mod R, where
                     nonce counts the persona's past actions of that kind: each action has a
                     fresh scope, so a replayed proof fails;
        - msg_hash = keccak256(abi_encode(chainid, this, action, persona_id, param_hash,
                     msg.sender)) mod R, where param_hash = keccak256(cid bytes) for a CID and
                     keccak256(abi_encode(commitment)) for a commitment: the proof is bound to
                     its parameters and to its sender (no front-running);
        - nullifier = Poseidon(secret, scope), recorded so that it is never accepted twice.

        Roles: owner (the DAO timelock, two-step handover) sets the registrar; the registrar
        (the persona launchpad, or the timelock itself) registers a DID when a persona is
        created. Controllers act through proofs only.
"""

from snekmate.auth import ownable
from snekmate.auth import ownable_2step

initializes: ownable
initializes: ownable_2step[ownable := ownable]

exports: (
    ownable_2step.owner,
    ownable_2step.pending_owner,
    ownable_2step.transfer_ownership,
    ownable_2step.accept_ownership,
    ownable_2step.renounce_ownership,
)


interface IPoseidonT3:
    def hash(inputs: uint256[2]) -> uint256: view


interface IDIDVerifier:
    def verifyProof(a: uint256[2], b: uint256[2][2], c: uint256[2], public_inputs: uint256[4]) -> bool: view


interface IPersonas:
    def persona_count() -> uint256: view
    def is_active(persona_id: uint256) -> bool: view


# BN254 scalar field: commitments, roots, nullifiers and the hashed signals live below it
R: constant(uint256) = 21888242871839275222246405745257275088548364400416034343698204186575808495617
MAX_DEPTH: constant(uint256) = 20
MAX_ROOT_WINDOW: constant(uint256) = 30

ACTION_UPDATE_DOCUMENT: public(constant(uint8)) = 1
ACTION_ROTATE_COMMITMENT: public(constant(uint8)) = 2
ACTION_ATTEST_CONTENT: public(constant(uint8)) = 3
ACTION_ADD_CONTROLLER: public(constant(uint8)) = 4

# @notice Merkle depth of every persona's controller tree (= the verifier circuit's depth).
DEPTH: public(immutable(uint256))
# @notice How many recent roots of a persona's tree a proof may use (1..30).
ROOT_WINDOW: public(immutable(uint256))
# @notice The Poseidon(2) hash contract.
POSEIDON: public(immutable(IPoseidonT3))
# @notice The Groth16 verifier of the DID controller circuit.
VERIFIER: public(immutable(IDIDVerifier))
# @notice The PersonaRegistry whose persona ids name the DIDs.
PERSONAS: public(immutable(IPersonas))

# @notice The account allowed to register DIDs (the launchpad or the timelock).
registrar: public(address)
# @notice CID of a persona's current DID document ("" = no DID).
document_cid: public(HashMap[uint256, String[100]])
# @notice Number of controller commitments in a persona's current tree.
controller_count: public(HashMap[uint256, uint256])
# @notice Number of accepted actions of a kind for a persona (enters the next scope).
action_nonce: public(HashMap[uint256, HashMap[uint8, uint256]])
# @notice Whether a nullifier has been used.
nullifier_used: public(HashMap[uint256, bool])
# @notice Number of content attestations of a persona.
attestation_count: public(HashMap[uint256, uint256])
# @notice block.timestamp at which a persona attested keccak256(content CID) (0 = never).
attested_at: public(HashMap[uint256, HashMap[bytes32, uint256]])

# roots of empty subtrees: _zeros[h] for height h
_zeros: uint256[MAX_DEPTH + 1]
_filled: HashMap[uint256, uint256[MAX_DEPTH]]
_roots: HashMap[uint256, uint256[MAX_ROOT_WINDOW]]
_root_index: HashMap[uint256, uint256]


event RegistrarChanged:
    previous_registrar: indexed(address)
    new_registrar: indexed(address)


event DIDRegistered:
    persona_id: indexed(uint256)
    document_cid: String[100]
    commitment: uint256
    root: uint256


event ControllerAdded:
    persona_id: indexed(uint256)
    commitment: uint256
    leaf_index: uint256
    root: uint256
    nullifier: uint256


event CommitmentRotated:
    persona_id: indexed(uint256)
    new_commitment: uint256
    root: uint256
    nullifier: uint256


event DocumentUpdated:
    persona_id: indexed(uint256)
    document_cid: String[100]
    nullifier: uint256


event ContentAttested:
    persona_id: indexed(uint256)
    content_cid: String[100]
    attestation_index: uint256
    nullifier: uint256


@deploy
def __init__(owner_: address, personas: address, poseidon: address, verifier: address,
             depth: uint256, root_window: uint256):
    """
    @notice Deploys the registry.
    @param owner_ The owner (the DAO timelock); not the zero address.
    @param personas The PersonaRegistry.
    @param poseidon The PoseidonT3 contract.
    @param verifier The DIDVerifier for the circuit of Merkle depth `depth`.
    @param depth Merkle depth of the controller trees, 1..20; must equal the circuit's.
    @param root_window Number of recent roots a proof may use, 1..30.
    """
    assert owner_ != empty(address), "did: zero owner"
    assert personas != empty(address) and poseidon != empty(address) and verifier != empty(address), "did: zero address"
    assert depth >= 1 and depth <= MAX_DEPTH, "did: bad depth"
    assert root_window >= 1 and root_window <= MAX_ROOT_WINDOW, "did: bad root window"
    ownable.__init__()
    ownable_2step.__init__()
    ownable_2step._transfer_ownership(owner_)
    DEPTH = depth
    ROOT_WINDOW = root_window
    POSEIDON = IPoseidonT3(poseidon)
    VERIFIER = IDIDVerifier(verifier)
    PERSONAS = IPersonas(personas)
    z: uint256 = 0
    for h: uint256 in range(MAX_DEPTH):
        if h >= depth:
            break
        z = staticcall IPoseidonT3(poseidon).hash([z, z])
        self._zeros[h + 1] = z


# ---------------------------------------------------------------- admin

@external
def set_registrar(new_registrar: address):
    """
    @notice Owner only: sets the account allowed to `register` (zero disables registration).
    @param new_registrar The launchpad (or the timelock).
    """
    ownable._check_owner()
    log RegistrarChanged(previous_registrar=self.registrar, new_registrar=new_registrar)
    self.registrar = new_registrar


@external
def register(persona_id: uint256, document_cid: String[100], commitment: uint256):
    """
    @notice Registrar only: creates the DID of an active persona with its DID-document CID and
            its first controller commitment (inserted as leaf 0 of the persona's tree).
    @param persona_id The persona (its PersonaRegistry id); must not have a DID yet.
    @param document_cid CID of the DID document; not empty.
    @param commitment Poseidon(secret, salt) of the first controller; 0 < commitment < R.
    """
    assert msg.sender == self.registrar, "did: not registrar"
    assert len(document_cid) > 0, "did: empty cid"
    assert len(self.document_cid[persona_id]) == 0, "did: already registered"
    assert staticcall PERSONAS.is_active(persona_id), "did: persona not active"
    self._check_commitment(commitment)
    self.document_cid[persona_id] = document_cid
    root: uint256 = self._insert(persona_id, commitment)
    log DIDRegistered(persona_id=persona_id, document_cid=document_cid, commitment=commitment, root=root)


# ---------------------------------------------------------------- controller actions

@external
def update_document(persona_id: uint256, new_cid: String[100], root: uint256, nullifier: uint256,
                    proof: uint256[8]):
    """
    @notice Controller (by proof): points the DID at a new DID document.
    @param persona_id The persona.
    @param new_cid CID of the new DID document; not empty.
    @param root A recent root of the persona's controller tree.
    @param nullifier The proof's nullifier.
    @param proof Groth16 proof [a0, a1, b00, b01, b10, b11, c0, c1] (snarkjs calldata order).
    """
    assert len(new_cid) > 0, "did: empty cid"
    self._authorise(persona_id, ACTION_UPDATE_DOCUMENT, keccak256(convert(new_cid, Bytes[100])), root, nullifier, proof)
    self.document_cid[persona_id] = new_cid
    log DocumentUpdated(persona_id=persona_id, document_cid=new_cid, nullifier=nullifier)


@external
def rotate_commitment(persona_id: uint256, new_commitment: uint256, root: uint256, nullifier: uint256,
                      proof: uint256[8]):
    """
    @notice Controller (by proof): replaces all controllers of the persona by `new_commitment`.
            The tree restarts with that single leaf and the old roots leave the window, so
            proofs by the previous controllers fail from now on.
    @param persona_id The persona.
    @param new_commitment Poseidon(secret, salt) of the new controller; 0 < value < R.
    @param root A recent root of the persona's controller tree.
    @param nullifier The proof's nullifier.
    @param proof Groth16 proof [a0, a1, b00, b01, b10, b11, c0, c1].
    """
    self._check_commitment(new_commitment)
    self._authorise(persona_id, ACTION_ROTATE_COMMITMENT, keccak256(abi_encode(new_commitment)), root, nullifier, proof)
    for i: uint256 in range(MAX_ROOT_WINDOW):
        if i >= ROOT_WINDOW:
            break
        if self._roots[persona_id][i] != 0:
            self._roots[persona_id][i] = 0
    self._root_index[persona_id] = 0
    self.controller_count[persona_id] = 0
    new_root: uint256 = self._insert(persona_id, new_commitment)
    log CommitmentRotated(persona_id=persona_id, new_commitment=new_commitment, root=new_root, nullifier=nullifier)


@external
def add_controller(persona_id: uint256, commitment: uint256, root: uint256, nullifier: uint256,
                   proof: uint256[8]):
    """
    @notice Controller (by proof): adds a co-controller commitment to the persona's tree.
    @param persona_id The persona.
    @param commitment Poseidon(secret, salt) of the new co-controller; 0 < value < R.
    @param root A recent root of the persona's controller tree.
    @param nullifier The proof's nullifier.
    @param proof Groth16 proof [a0, a1, b00, b01, b10, b11, c0, c1].
    """
    self._check_commitment(commitment)
    self._authorise(persona_id, ACTION_ADD_CONTROLLER, keccak256(abi_encode(commitment)), root, nullifier, proof)
    index: uint256 = self.controller_count[persona_id]
    new_root: uint256 = self._insert(persona_id, commitment)
    log ControllerAdded(persona_id=persona_id, commitment=commitment, leaf_index=index, root=new_root, nullifier=nullifier)


@external
def attest_content(persona_id: uint256, content_cid: String[100], root: uint256, nullifier: uint256,
                   proof: uint256[8]):
    """
    @notice Controller (by proof): attests that the persona published `content_cid`.
    @param persona_id The persona.
    @param content_cid CID of the content; not empty.
    @param root A recent root of the persona's controller tree.
    @param nullifier The proof's nullifier.
    @param proof Groth16 proof [a0, a1, b00, b01, b10, b11, c0, c1].
    """
    assert len(content_cid) > 0, "did: empty cid"
    cid_hash: bytes32 = keccak256(convert(content_cid, Bytes[100]))
    self._authorise(persona_id, ACTION_ATTEST_CONTENT, cid_hash, root, nullifier, proof)
    index: uint256 = self.attestation_count[persona_id]
    self.attestation_count[persona_id] = index + 1
    if self.attested_at[persona_id][cid_hash] == 0:
        self.attested_at[persona_id][cid_hash] = block.timestamp
    log ContentAttested(persona_id=persona_id, content_cid=content_cid, attestation_index=index, nullifier=nullifier)


# ---------------------------------------------------------------- views

@view
@external
def scope(persona_id: uint256, action: uint8) -> uint256:
    """
    @notice The scope the next proof for (`persona_id`, `action`) must carry.
    @param persona_id The persona.
    @param action One of the ACTION_* values.
    @return keccak256(abi_encode(chainid, this, persona_id, action, nonce)) mod R.
    """
    return self._scope(persona_id, action)


@view
@external
def message_hash(persona_id: uint256, action: uint8, param_hash: bytes32, sender: address) -> uint256:
    """
    @notice The msg_hash a proof must carry for an action sent by `sender`.
    @param persona_id The persona.
    @param action One of the ACTION_* values.
    @param param_hash keccak256(cid bytes) or keccak256(abi_encode(commitment)).
    @param sender The account that will send the transaction.
    @return keccak256(abi_encode(chainid, this, action, persona_id, param_hash, sender)) mod R.
    """
    return self._msg_hash(persona_id, action, param_hash, sender)


@view
@external
def current_root(persona_id: uint256) -> uint256:
    """
    @notice The latest root of the persona's controller tree (0 = no DID).
    @param persona_id The persona.
    @return The root.
    """
    return self._roots[persona_id][self._root_index[persona_id]]


@view
@external
def is_known_root(persona_id: uint256, root: uint256) -> bool:
    """
    @notice Whether `root` is one of the persona's ROOT_WINDOW most recent roots.
    @param persona_id The persona.
    @param root The root.
    @return True if a proof may use it.
    """
    return self._is_known_root(persona_id, root)


@view
@external
def zero_root(height: uint256) -> uint256:
    """
    @notice Root of an empty subtree of `height` (0 for a leaf).
    @param height 0..DEPTH.
    @return The root.
    """
    assert height <= DEPTH, "did: bad height"
    return self._zeros[height]


@view
@external
def is_registered(persona_id: uint256) -> bool:
    """
    @notice Whether the persona has a DID.
    @param persona_id The persona.
    @return True once registered.
    """
    return len(self.document_cid[persona_id]) > 0


# ---------------------------------------------------------------- internals

@pure
@internal
def _check_commitment(commitment: uint256):
    assert commitment != 0 and commitment < R, "did: bad commitment"


@view
@internal
def _scope(persona_id: uint256, action: uint8) -> uint256:
    nonce: uint256 = self.action_nonce[persona_id][action]
    return convert(keccak256(abi_encode(chain.id, self, persona_id, action, nonce)), uint256) % R


@view
@internal
def _msg_hash(persona_id: uint256, action: uint8, param_hash: bytes32, sender: address) -> uint256:
    return convert(keccak256(abi_encode(chain.id, self, action, persona_id, param_hash, sender)), uint256) % R


@view
@internal
def _is_known_root(persona_id: uint256, root: uint256) -> bool:
    if root == 0:
        return False
    for i: uint256 in range(MAX_ROOT_WINDOW):
        if i >= ROOT_WINDOW:
            break
        if self._roots[persona_id][i] == root:
            return True
    return False


@internal
def _authorise(persona_id: uint256, action: uint8, param_hash: bytes32, root: uint256, nullifier: uint256,
               proof: uint256[8]):
    assert len(self.document_cid[persona_id]) > 0, "did: not registered"
    assert staticcall PERSONAS.is_active(persona_id), "did: persona not active"
    assert self._is_known_root(persona_id, root), "did: unknown root"
    assert not self.nullifier_used[nullifier], "did: nullifier used"
    signals: uint256[4] = [root, nullifier, self._scope(persona_id, action),
                          self._msg_hash(persona_id, action, param_hash, msg.sender)]
    ok: bool = staticcall VERIFIER.verifyProof([proof[0], proof[1]], [[proof[2], proof[3]], [proof[4], proof[5]]],
                                               [proof[6], proof[7]], signals)
    assert ok, "did: invalid proof"
    self.nullifier_used[nullifier] = True
    self.action_nonce[persona_id][action] += 1


@internal
def _insert(persona_id: uint256, leaf: uint256) -> uint256:
    index: uint256 = self.controller_count[persona_id]
    assert index < 1 << DEPTH, "did: tree full"
    self.controller_count[persona_id] = index + 1
    cur: uint256 = leaf
    i: uint256 = index
    for level: uint256 in range(MAX_DEPTH):
        if level >= DEPTH:
            break
        if i & 1 == 0:
            self._filled[persona_id][level] = cur
            cur = staticcall POSEIDON.hash([cur, self._zeros[level]])
        else:
            cur = staticcall POSEIDON.hash([self._filled[persona_id][level], cur])
        i >>= 1
    slot: uint256 = 0
    if index > 0:
        slot = (self._root_index[persona_id] + 1) % ROOT_WINDOW
    self._root_index[persona_id] = slot
    self._roots[persona_id][slot] = cur
    return cur
