"""The bundled sample stories (fictional reports written for marsad)."""

from __future__ import annotations

from importlib.resources import as_file, files
from pathlib import Path


def samples_root() -> Path:
    with as_file(files("marsad").joinpath("samples")) as path:
        return Path(path)


def sample_story_paths() -> dict[str, list[Path]]:
    """Story folder name -> its report files, in a stable order."""
    root = samples_root()
    return {
        folder.name: sorted(folder.glob("*.txt"))
        for folder in sorted(p for p in root.iterdir() if p.is_dir())
        if any(folder.glob("*.txt"))
    }
