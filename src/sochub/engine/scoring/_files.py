"""Reading scoring YAML strictly, and turning pydantic errors into sentences that name the file and the key."""

from __future__ import annotations

import hashlib
import json
import types
import typing
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError


class ScoringModelError(ValueError):
    """A scoring model file that cannot be used; ``problems`` lists each one, prefixed by where it is."""

    def __init__(self, file: str, problems: list[str]) -> None:
        self.file = file
        self.problems = problems
        super().__init__(f"The scoring model {file} cannot be used: " + "; ".join(problems) + ".")


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses a key written twice in one mapping (PyYAML would keep the last silently)."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)  # type: ignore[no-untyped-call]
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"the key ‘{key}’ appears twice in one mapping", key_node.start_mark
            )
        seen[key] = 1
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def read_yaml(path: Path) -> Any:
    """The YAML document in ``path``; ScoringModelError naming the file (and line) if it cannot be read."""
    name = path.name
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScoringModelError(name, [f"the file cannot be read ({exc})"]) from exc
    try:
        data = yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - _StrictLoader is a SafeLoader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ScoringModelError(name, [f"{where}{problem}"]) from exc
    if data is None:
        raise ScoringModelError(name, ["the file is empty"])
    if not isinstance(data, dict):
        raise ScoringModelError(name, ["the file must hold a set of settings (id, name, version, ...), not a list"])
    return data


def fingerprint(model: BaseModel) -> str:
    """A short hash of a model's content: tells apart two files that claim the same id and version."""
    canonical = json.dumps(model.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


def _where(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def plain_errors(exc: ValidationError, schema: type[BaseModel]) -> list[str]:
    """One sentence per pydantic error, each starting with the dotted key that is wrong."""
    problems = []
    for err in exc.errors():
        loc = tuple(err.get("loc", ()))
        where = _where(loc)
        kind = err.get("type")
        msg = str(err.get("msg", "")).removeprefix("Value error, ")
        if kind == "missing":
            problems.append(f"{where}: this setting is missing")
        elif kind == "extra_forbidden":
            problems.append(f"{where}: ‘{loc[-1]}’ is not a setting here{_allowed(schema, loc)}")
        elif kind == "value_error":
            problems.append(f"{where}: {msg}" if where else msg)
        else:
            problems.append(f"{where}: {msg}")
    return problems


def _allowed(schema: type[BaseModel], loc: tuple[int | str, ...]) -> str:
    """'; settings here are: a, b' for the model that holds the unknown key, found by walking the annotations."""
    ann: Any = schema
    parts = list(loc[:-1])
    while True:
        origin = typing.get_origin(ann)
        args = [a for a in typing.get_args(ann) if a is not type(None)]
        if origin in (typing.Union, types.UnionType, typing.Annotated) and args:
            ann = args[0]
        elif not parts:
            break
        elif origin is dict and len(args) == 2:
            parts.pop(0)
            ann = args[1]
        elif origin in (list, tuple) and args:
            parts.pop(0)
            ann = args[0]
        elif isinstance(ann, type) and issubclass(ann, BaseModel) and parts[0] in ann.model_fields:
            ann = ann.model_fields[str(parts.pop(0))].annotation
        else:
            return ""
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return f"; settings here are: {', '.join(ann.model_fields)}"
    return ""
