"""Storage of the live server: the ORM models, the connection and one module per concern.

Modules: `db` (engine, WAL, availability), `migrate` (Alembic in code), `models` (tables),
`attendance` (seconds per fan and event), `transcript` (chat, questions, answers, captions).
"""
