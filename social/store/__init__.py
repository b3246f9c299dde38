"""Storage of the social service: the ORM models, the connection and one module per concern.

Modules: `db` (engine, WAL, availability), `migrate` (Alembic in code), `models` (tables),
`personas`, `auth` (nonces, sessions), `posts`, `reactions` (likes, shares, follows,
ratings, comments, views), `replies` (the runtime's reply queue), `holds` (moderation),
`reads` (counts for pages), `engagement` (totals as of a time, daily history).
"""
