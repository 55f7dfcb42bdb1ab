"""One error hierarchy for the whole engine; the API maps each class to an HTTP status."""


class MatcherError(Exception):
    """Base of every error the engine raises on purpose; the message names the problem."""


class InvalidInputError(MatcherError, ValueError):
    """A caller's input (text, parameter, file) is not acceptable."""


class TaxonomyImportError(InvalidInputError):
    """An ESCO or starter file is malformed; the message names the file and line."""


class NotFittedError(MatcherError):
    """A learned artefact is missing or does not match the taxonomy or model in use."""
