"""One exception type for problems a user can fix, with the line that tells them how."""


class FameError(Exception):
    """A problem the user can act on. `str(err)` is one line: what is wrong and what to do.

    The CLI and `make up` print it without a traceback and exit with status 2.
    """

    exit_code = 2
