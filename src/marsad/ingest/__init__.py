"""Readers: text, HTML, RSS/Atom, JSON Lines and JSON files into ``Document``s.

``read_paths`` never raises on bad input: each unreadable file or record is yielded as a
``Rejected`` whose ``str()`` is a one-line ``FILE: problem`` message, and reading goes on.
"""

from marsad.ingest.common import DEFAULT_MAX_BYTES, Rejected
from marsad.ingest.reader import EXTENSIONS, expand_path, read_bytes, read_file, read_paths

__all__ = [
    "DEFAULT_MAX_BYTES",
    "EXTENSIONS",
    "Rejected",
    "expand_path",
    "read_bytes",
    "read_file",
    "read_paths",
]
