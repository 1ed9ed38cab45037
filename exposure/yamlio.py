"""Strict, safe YAML reading and atomic writing.

Built on PyYAML's ``SafeLoader`` (no ``!!python/*`` tags can construct objects) with three
additions for hostile input: duplicate keys are errors instead of "last wins", anchors and
aliases are refused (no billion-laughs expansion when the tree is walked), and the input size
is capped.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from exposure.errors import DataFileError, WorkspaceError

MAX_YAML_BYTES = 2_000_000
"""Largest YAML file read (bytes); the bundled files are far smaller."""


class StrictLoader(yaml.SafeLoader):
    """SafeLoader that rejects duplicate keys and aliases."""

    def compose_node(self, parent: Any, index: Any) -> Any:  # noqa: D102
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.constructor.ConstructorError(
                None, None, "anchors and aliases (&, *) are not allowed", event.start_mark
            )
        return super().compose_node(parent, index)

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:  # noqa: D102
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                duplicate = key in seen
            except TypeError:
                duplicate = False
            if duplicate:
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping", node.start_mark,
                    f"duplicate key {key!r}", key_node.start_mark,
                )
            with contextlib.suppress(TypeError):
                seen.add(key)
        return super().construct_mapping(node, deep=deep)


def parse_yaml(text: str | bytes, origin: str | Path = "<text>") -> Any:
    """Parse YAML text strictly; any problem becomes a :class:`DataFileError` naming ``origin``."""
    if isinstance(text, bytes):
        if len(text) > MAX_YAML_BYTES:
            raise DataFileError(origin, f"file is larger than {MAX_YAML_BYTES // 1000} kB")
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise DataFileError(origin, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    if len(text) > MAX_YAML_BYTES:
        raise DataFileError(origin, f"file is larger than {MAX_YAML_BYTES // 1000} kB")
    if "\x00" in text:
        raise DataFileError(origin, "binary content (NUL byte) is not YAML")
    try:
        loader = StrictLoader(text)  # reads the whole text, refusing control characters
    except yaml.reader.ReaderError as exc:
        at = exc.position
        line, column = text.count("\n", 0, at) + 1, at - text.rfind("\n", 0, at)
        raise DataFileError(origin, f"invalid YAML (line {line}, column {column}): character "
                                    f"U+{exc.character:04X} is not allowed") from None
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = exc.problem or str(exc)
        if "python/" in str(problem) or "could not determine a constructor" in str(problem):
            problem = f"unsupported tag: {problem.split('tag')[-1].strip() or problem}"
        raise DataFileError(origin, f"invalid YAML{line}: {problem}") from None
    except yaml.YAMLError as exc:
        raise DataFileError(origin, f"invalid YAML: {exc}") from None
    except RecursionError:
        raise DataFileError(origin, "invalid YAML: nested too deeply") from None
    finally:
        loader.dispose()


def read_yaml(path: str | Path) -> Any:
    """Read and strictly parse one YAML file."""
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_YAML_BYTES:
            raise DataFileError(p, f"file is larger than {MAX_YAML_BYTES // 1000} kB")
        data = p.read_bytes()
    except FileNotFoundError:
        raise DataFileError(p, "file not found") from None
    except IsADirectoryError:
        raise DataFileError(p, "is a directory, not a file") from None
    except PermissionError:
        raise DataFileError(p, "permission denied") from None
    return parse_yaml(data, p)


def atomic_write_bytes(path: str | Path, data: bytes, *, keep_previous: bool = False) -> Path:
    """Write ``data`` to ``path`` atomically (temp file in the same folder, fsync, rename).

    With ``keep_previous`` an existing file is first copied to ``<name>.prev`` so that saving
    never destroys the previous version.
    """
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.is_symlink():
            raise WorkspaceError(f"{target}: refusing to write through a symbolic link")
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            # mkstemp makes 0600 files; keep the mode of the file we replace, else 0644
            os.chmod(tmp, target.stat().st_mode & 0o777 if target.exists() else 0o644)
            if keep_previous and target.exists():
                prev = target.with_name(target.name + ".prev")
                prev.write_bytes(target.read_bytes())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        try:
            dir_fd = os.open(target.parent, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
        except OSError:
            pass
    except OSError as exc:
        raise WorkspaceError(f"{target}: cannot write ({exc.strerror or exc})") from None
    return target


def dump_yaml(data: Any) -> str:
    """Serialise plain data as block-style YAML (keys in the given order)."""
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=False)


# ------------------------------------------------------------------ validated entries

M = TypeVar("M", bound=BaseModel)


def _loc(loc: Iterable[Any]) -> str:
    return ".".join(str(p) for p in loc)


def validate_entry(model: type[M], raw: Any, path: Path, entry: str) -> M:
    """Validate one entry; the first problem becomes a DataFileError naming entry and field."""
    if not isinstance(raw, dict):
        raise DataFileError(path, f"expected a mapping, got {type(raw).__name__}", entry=entry)
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = "unknown field (typo?)"
        elif err["type"] == "missing":
            msg = "required field is missing"
        more = f" (and {len(exc.errors()) - 1} more problems)" if len(exc.errors()) > 1 else ""
        raise DataFileError(path, msg + more, entry=entry, field=_loc(err["loc"]) or None) from None


def entry_name(raw: Any, index: int) -> str:
    if isinstance(raw, dict) and isinstance(raw.get("id"), str | int):
        return f"'{raw['id']}'"
    return f"#{index + 1}"


def load_list(model: type[M], path: Path) -> list[M]:
    """A YAML file holding a list of entries, each validated by ``model``."""
    raw = read_yaml(path)
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise DataFileError(path, "expected a list of entries at the top level")
    return [validate_entry(model, item, path, entry_name(item, i)) for i, item in enumerate(raw)]
