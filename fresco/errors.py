"""One root exception for everything Fresco raises on purpose."""


class FrescoError(Exception):
    """Root of all Fresco errors."""


class ConfigError(FrescoError):
    """The configuration is invalid or points at something that is not there."""


class SchemaError(FrescoError):
    """An Avro schema is missing, invalid, or incompatible."""


class DecodeError(FrescoError):
    """Bytes could not be decoded into a record of the expected schema."""


class StackNotRunning(FrescoError):
    """The embedded dev stack is needed but not running."""


class RegistryError(FrescoError):
    """A registry operation refers to something that does not exist or conflicts."""


class RequestError(FrescoError):
    """A prediction request is malformed; `field` names the offending field."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class MissingExtraError(FrescoError):
    """A backend needs a package that is not installed."""
