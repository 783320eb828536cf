"""marsad: Arabic news cross-source verification."""

__version__ = "0.1.0"
