"""The version of this Sonnet, the one place it is written down."""

# Stays in the 1.x line: Sonnet 1 client code branches on the major version.
__version__ = "1.40.0"
