"""Where things live: the bundled ``data/`` folder and the user's workspace.

The workspace (env ``EXPOSURE_HOME``, default ``$XDG_DATA_HOME/exposure`` or
``~/.local/share/exposure``) holds user companies and scenarios, saved portfolios, the price
cache and the review store. Bundled ``data/`` is read-only at run time.
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

from exposure.errors import WorkspaceError

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = REPO_ROOT / "data"
SAMPLE_PORTFOLIO = DATA_DIR / "portfolios" / "sample.yaml"

_SLUG_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


def data_dir() -> Path:
    """The bundled data folder (``EXPOSURE_DATA`` overrides it, for tests)."""
    override = os.environ.get("EXPOSURE_DATA")
    return Path(override) if override else DATA_DIR


START_PORTFOLIO_ENV = "EXPOSURE_PORTFOLIO"


def start_portfolio() -> Path:
    """The book the app opens on: ``EXPOSURE_PORTFOLIO`` (any importable file) or the sample."""
    env = os.environ.get(START_PORTFOLIO_ENV, "").strip()
    return Path(env).expanduser() if env else SAMPLE_PORTFOLIO


def home_dir(home: str | Path | None = None) -> Path:
    """The user's workspace folder (not created here)."""
    if home is not None:
        return Path(home).expanduser()
    env = os.environ.get("EXPOSURE_HOME")
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "exposure"


def ensure_dir(path: Path) -> Path:
    """Create ``path`` (and parents) or raise a :class:`WorkspaceError` saying why not."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WorkspaceError(f"{path}: cannot create folder ({exc.strerror or exc})") from None
    return path


def slugify(name: str) -> str:
    """A file-name-safe slug of a user-supplied name ('My AI book!' -> 'My-AI-book')."""
    text = unicodedata.normalize("NFKC", name).strip()
    text = re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-.")
    return text[:64]


def safe_child(folder: Path, name: str, suffix: str) -> Path:
    """The path of ``name`` + ``suffix`` inside ``folder``; never anywhere else.

    Names that slugify to nothing, or that would leave the folder, are refused.
    """
    slug = slugify(name)
    if not slug or not _SLUG_RE.match(slug) or slug in {".", ".."}:
        raise WorkspaceError(f"{name!r} is not a usable name (letters, digits, '.', '_', '-')")
    path = (folder / f"{slug}{suffix}").resolve()
    if not path.is_relative_to(folder.resolve()):
        raise WorkspaceError(f"{name!r} is not a usable name")
    return path
