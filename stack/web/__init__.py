"""The web service of the local stack: one loopback origin for the token holders' frontend
(frontend/dist), the IPFS gateway, the DID resolver and an event index (SQLite) that
spares the browser from scanning chain history."""
