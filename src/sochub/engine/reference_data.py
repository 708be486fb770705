"""Reading analysts' reference data (YAML validated by pydantic) with messages that name the file and key.

Shared by the self-assessment questionnaire and the fraud-victim checklist: a key written twice is an error
(PyYAML would keep the last silently), and each pydantic error is given as a dotted key with list items
named by their ``id``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

Model = TypeVar("Model", bound=BaseModel)


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses a key written twice in one mapping."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)  # type: ignore[no-untyped-call]
        if key in seen:
            raise yaml.constructor.ConstructorError(None, None, f"the key {key!r} appears twice", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _where(loc: tuple[Any, ...], data: Any) -> str:
    """Dotted key of a pydantic error, with list positions replaced by the item's id where it has one."""
    parts: list[str] = []
    current = data
    for part in loc:
        if isinstance(part, int) and isinstance(current, list) and 0 <= part < len(current):
            item = current[part]
            ident = item.get("id") if isinstance(item, dict) else None
            parts.append(str(ident) if isinstance(ident, str) and ident else f"[{part}]")
            current = item
        else:
            parts.append(str(part))
            current = current.get(part) if isinstance(current, dict) else None
    return ".".join(parts) or "(top level)"


def validate(
    model: type[Model],
    data: Any,
    source: str,
    error: type[ValueError],
    expected: str,
    check: Callable[[Model], list[str]] | None = None,
) -> Model:
    """``data`` as ``model``, or ``error`` with every problem as "file: key: message". ``check`` finds the
    problems a field validator cannot see (references between items, routes through a tree)."""
    if not isinstance(data, dict):
        raise error(f"{source}: expected a mapping of settings ({expected})")
    try:
        parsed = model.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            msg = str(err.get("msg", "")).removeprefix("Value error, ")
            if err.get("type") == "missing":
                msg = "this setting is missing"
            elif err.get("type") == "extra_forbidden":
                msg = "not a setting here"
            problems.append(f"{_where(tuple(err.get('loc', ())), data)}: {msg}")
        raise error(f"{source}: " + "; ".join(problems)) from None
    problems = check(parsed) if check is not None else []
    if problems:
        raise error(f"{source}: " + "; ".join(problems))
    return parsed


def read_yaml(file: Path, error: type[ValueError]) -> Any:
    """A YAML file's data, or ``error`` naming the file (and the line and column of a syntax error)."""
    try:
        text = file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"{file}: cannot read the file ({exc})") from None
    try:
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - _StrictLoader is a SafeLoader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
        raise error(f"{file}: not valid YAML: {where}{getattr(exc, 'problem', None) or exc}") from None


def content_fingerprint(model: BaseModel) -> str:
    """A short hash of the content: tells apart two files that claim the same name and version."""
    text = json.dumps(model.model_dump(mode="json"), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
