"""Every committed change to a schema must stay backward compatible.

For each .avsc, every consecutive pair of its versions in git history (and the
working tree against HEAD) is checked: readers with the newer schema must read
data written with the older one. Checked structurally and by decoding a sample.
"""

import io
import json
import shutil
import subprocess
from pathlib import Path

import fastavro
import pytest

from streams.compat import backward_problems

ROOT = Path(__file__).resolve().parents[2]


def _git(*args):
    return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=True).stdout


def _versions(rel: str) -> list[tuple[str, dict]]:
    commits = _git("log", "--format=%H", "--", rel).split()
    versions = [(c[:8], json.loads(_git("show", f"{c}:{rel}"))) for c in reversed(commits)]
    versions.append(("worktree", json.loads((ROOT / rel).read_text())))
    return versions


PRIMITIVE_SAMPLES = {"null": None, "boolean": True, "int": 7, "long": 7, "float": 1.5, "double": 2.5,
                     "bytes": b"x", "string": "s"}


def _sample(schema, names):
    """One valid datum for `schema` (first branch of unions, one item per collection)."""
    if isinstance(schema, list):
        return _sample(schema[-1] if schema[0] == "null" and len(schema) > 1 else schema[0], names)
    if isinstance(schema, str):
        if schema in PRIMITIVE_SAMPLES:
            return PRIMITIVE_SAMPLES[schema]
        return _sample(names[schema], names)
    kind = schema["type"]
    if isinstance(kind, (dict, list)):
        return _sample(kind, names)
    if kind == "record":
        names[schema["name"]] = schema
        return {f["name"]: _sample(f["type"], names) for f in schema["fields"]}
    if kind == "enum":
        return schema["symbols"][0]
    if kind == "array":
        return [_sample(schema["items"], names)]
    if kind == "map":
        return {"k": _sample(schema["values"], names)}
    return _sample(kind, names)


def _schema_files():
    return sorted(str(p.relative_to(ROOT)) for p in (ROOT / "schemas").rglob("*.avsc"))


@pytest.mark.skipif(shutil.which("git") is None or not (ROOT / ".git").exists(),
                    reason="needs the git history of the repository")
@pytest.mark.parametrize("rel", _schema_files())
def test_schema_history_is_backward_compatible(rel):
    versions = _versions(rel)
    for (old_id, old), (new_id, new) in zip(versions, versions[1:]):
        problems = backward_problems(old, new)
        assert not problems, f"{rel}: {old_id} -> {new_id} breaks readers: {problems}"
        writer, reader = fastavro.parse_schema(old), fastavro.parse_schema(new)
        buf = io.BytesIO()
        fastavro.schemaless_writer(buf, writer, _sample(old, {}))
        buf.seek(0)
        fastavro.schemaless_reader(buf, writer, reader)


BASE = {"type": "record", "name": "E", "fields": [
    {"name": "id", "type": "string"},
    {"name": "n", "type": "int"},
    {"name": "kind", "type": {"type": "enum", "name": "K", "symbols": ["A", "B"]}}]}


def _with(**changes):
    schema = json.loads(json.dumps(BASE))
    for f in schema["fields"]:
        if f["name"] in changes:
            f.update(changes[f["name"]])
    return schema


def test_checker_accepts_compatible_changes():
    added = json.loads(json.dumps(BASE))
    added["fields"].append({"name": "extra", "type": ["null", "string"], "default": None})
    assert backward_problems(BASE, added) == []
    assert backward_problems(BASE, _with(n={"type": "long"})) == []  # int -> long promotion
    removed = json.loads(json.dumps(BASE))
    removed["fields"].pop(1)
    assert backward_problems(BASE, removed) == []


def test_checker_rejects_breaking_changes():
    added = json.loads(json.dumps(BASE))
    added["fields"].append({"name": "extra", "type": "string"})
    assert backward_problems(BASE, added) == ["$.extra: new field without a default"]
    assert backward_problems(BASE, _with(n={"type": "string"})) == ["$.n: int cannot be read as string"]
    narrowed = _with(kind={"type": {"type": "enum", "name": "K", "symbols": ["A"]}})
    assert "enum symbols removed" in backward_problems(BASE, narrowed)[0]
