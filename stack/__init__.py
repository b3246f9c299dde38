"""FameEngine's top floor: what starts and composes the services.

- `stack.cli`: the `fame` command. It defines `fame up` and `fame deployment` itself and
  mounts every other command group from the `fame.commands` entry points that the services
  and the ground-floor libraries declare in pyproject.toml, so adding a service never edits
  this package or the ground floor.
- `stack.up`: the `make up` runner (`python -m stack`).
- `stack.web`: the local web service (frontend, IPFS gateway, DID resolver, event index) and
  `stack.web.devstack`, a seeded chain behind it for the frontend's tests and benchmarks.

This floor may import every other one; nothing below imports it.
"""
