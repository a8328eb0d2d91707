"""Avro backward compatibility: can a reader with the NEW schema read data written with OLD?

Follows the Avro spec's schema-resolution rules, structurally, and returns every
problem with its path instead of stopping at the first.
"""

from __future__ import annotations

from typing import Any

_PROMOTIONS = {
    "int": {"int", "long", "float", "double"},
    "long": {"long", "float", "double"},
    "float": {"float", "double"},
    "string": {"string", "bytes"},
    "bytes": {"bytes", "string"},
}
_PRIMITIVES = {"null", "boolean", "int", "long", "float", "double", "bytes", "string"}


def _kind(schema: Any) -> str:
    if isinstance(schema, list):
        return "union"
    if isinstance(schema, dict):
        return schema["type"] if isinstance(schema["type"], str) else _kind(schema["type"])
    return schema


def _named(schema: Any, names: dict[str, Any]) -> Any:
    if isinstance(schema, str) and schema not in _PRIMITIVES:
        return names.get(schema, schema)
    if isinstance(schema, dict) and isinstance(schema.get("type"), dict):
        return schema["type"]
    return schema


def _collect_names(schema: Any, names: dict[str, Any], namespace: str = "") -> None:
    if isinstance(schema, list):
        for s in schema:
            _collect_names(s, names, namespace)
    elif isinstance(schema, dict):
        kind = schema.get("type")
        if kind in ("record", "enum", "fixed"):
            ns = schema.get("namespace", namespace)
            name = schema["name"]
            names[name] = schema
            names[f"{ns}.{name}" if ns and "." not in name else name] = schema
            for f in schema.get("fields", []):
                _collect_names(f["type"], names, ns)
        elif kind == "array":
            _collect_names(schema["items"], names, namespace)
        elif kind == "map":
            _collect_names(schema["values"], names, namespace)
        elif isinstance(kind, (dict, list)):
            _collect_names(kind, names, namespace)


def backward_problems(old: Any, new: Any) -> list[str]:
    """Problems that stop NEW-schema readers from reading OLD-schema data (empty = compatible)."""
    old_names: dict[str, Any] = {}
    new_names: dict[str, Any] = {}
    _collect_names(old, old_names)
    _collect_names(new, new_names)
    problems: list[str] = []
    _check(old, new, "$", old_names, new_names, problems, set())
    return problems


def _check(writer, reader, path, wn, rn, problems, seen) -> None:
    writer, reader = _named(writer, wn), _named(reader, rn)
    wk, rk = _kind(writer), _kind(reader)
    if wk == "union":
        for i, branch in enumerate(writer):
            _check(branch, reader, f"{path}<{i}>", wn, rn, problems, seen)
        return
    if rk == "union":
        for branch in reader:
            sub: list[str] = []
            _check(writer, branch, path, wn, rn, sub, set(seen))
            if not sub:
                return
        problems.append(f"{path}: writer type {wk} matches no branch of the reader union")
        return
    if wk in _PRIMITIVES or rk in _PRIMITIVES:
        if rk not in _PROMOTIONS.get(wk, {wk}):
            problems.append(f"{path}: {wk} cannot be read as {rk}")
        return
    if wk != rk:
        problems.append(f"{path}: {wk} cannot be read as {rk}")
        return
    if wk == "record":
        key = (writer.get("name"), reader.get("name"), path)
        if key in seen:
            return
        seen.add(key)
        old_fields = {f["name"]: f for f in writer["fields"]}
        for f in reader["fields"]:
            names = [f["name"], *f.get("aliases", [])]
            match = next((old_fields[n] for n in names if n in old_fields), None)
            if match is None:
                if "default" not in f:
                    problems.append(f"{path}.{f['name']}: new field without a default")
            else:
                _check(match["type"], f["type"], f"{path}.{f['name']}", wn, rn, problems, seen)
    elif wk == "enum":
        missing = set(writer["symbols"]) - set(reader["symbols"])
        if missing and "default" not in reader:
            problems.append(f"{path}: enum symbols removed without a default: {sorted(missing)}")
    elif wk == "array":
        _check(writer["items"], reader["items"], f"{path}[]", wn, rn, problems, seen)
    elif wk == "map":
        _check(writer["values"], reader["values"], f"{path}{{}}", wn, rn, problems, seen)
    elif wk == "fixed":
        if writer.get("size") != reader.get("size"):
            problems.append(f"{path}: fixed size changed")
