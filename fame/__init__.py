"""FameEngine's shared ground floor: configuration, the deployment manifest, the chain
client, keys, EIP-712, process supervision, the persona spec, IPFS and DID libraries.

Services (oracle/, ai_worker/) and the top floor (stack/: the `fame` CLI, `make up`, the web
service) build on this package; it never imports them. The rule is the import-linter
contract in pyproject.toml, checked by `make lint`.
"""

__version__ = "0.1.0"
