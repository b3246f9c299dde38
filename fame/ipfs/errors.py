"""Errors of FameEngine's IPFS layer. Each is a FameError (one line, what to do), and the
gateway maps each to one HTTP status, so a bad request never becomes a 5xx."""

from __future__ import annotations

from ..errors import FameError


class IpfsError(FameError):
    """Base class; `status` is the HTTP status the gateway answers with."""

    status = 400


class CIDError(IpfsError, ValueError):
    """Text or bytes that are not a CID FameEngine can use."""

    status = 400


class DagError(CIDError):
    """A block that is not valid dag-pb/UnixFS, or a DAG that is not a file."""

    status = 422


class NotAFile(DagError):
    """The CID names a UnixFS directory, symlink or other non-file node."""

    status = 422


class BlockNotFound(IpfsError, KeyError):
    """A block (or a block of the DAG) is not in the store."""

    status = 404

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else "block not found"


class HashMismatch(IpfsError):
    """A block handed to FameEngine (a put, a CAR) does not hash to the CID it came with."""

    status = 400


class CorruptBlock(IpfsError):
    """A stored block no longer hashes to its CID (disk damage); it has been set aside, so
    adding the content again repairs the store."""

    status = 500


class UploadTooLarge(IpfsError):
    """More bytes than the configured upload limit."""

    status = 413


class RemoteError(IpfsError):
    """A remote IPFS node or pinning service refused a request or could not be reached."""

    status = 502
    remote_status: int | None = None  # the remote's HTTP status, when it answered
