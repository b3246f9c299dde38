"""The one error type of the credentials package, a FameError so the CLI prints it as one line."""

from __future__ import annotations

from fame.errors import FameError


class CredentialsError(FameError):
    """Certificates that cannot be made or read, content c2pa cannot sign, a bad payload."""
