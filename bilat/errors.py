"""Every error bilat raises on purpose. Only the CLI and web layers turn them
into messages and exit codes."""


class BilatError(Exception):
    """Base class for expected, user-facing failures."""


class InputError(BilatError):
    """An input could not be read or yielded no usable text.

    ``source`` names the input (path, URL or ``-``); ``reason`` says why, in a
    few words, so the message fits on one line.
    """

    def __init__(self, source: str, reason: str):
        self.source = source
        self.reason = reason
        super().__init__(f"{source}: {reason}")


class StoreError(BilatError):
    """The database could not be opened, migrated or queried."""


class NotFound(BilatError):
    """A document, fact or entity asked for by id or name does not exist."""


class QueryError(BilatError):
    """A search query or filter is malformed."""
