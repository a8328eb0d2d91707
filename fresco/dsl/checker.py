"""Name resolution and type checking, done once when a config is validated.

Every error is a DslError naming the expression, line and column.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from fresco.dsl.functions import (BOOL, BUILTINS, LIST_NUMBER, LIST_STRING, NULL, NUMBER, SCALARS, STRING,
                                  TIMESTAMP, Builtin)
from fresco.dsl.syntax import Binary, Call, DslError, Feature, ListLit, Lit, Node, Ref, Request, Unary, parse

REQUEST_TYPES = (NUMBER, BOOL, STRING, TIMESTAMP)


@dataclass(frozen=True)
class CustomFunction:
    """A user function: one Python and one Spark implementation, registered by name and version."""
    name: str
    version: int
    params: tuple[str, ...]
    returns: str
    python: Callable[..., Any]
    spark: Callable[..., Any]  # (F, *columns) -> Column
    doc: str = ""


CUSTOM: dict[str, CustomFunction] = {}


def register_function(fn: CustomFunction) -> None:
    if fn.name in BUILTINS:
        raise ValueError(f"{fn.name!r} is a built-in function")
    current = CUSTOM.get(fn.name)
    if current is not None and current.version >= fn.version:
        raise ValueError(f"function {fn.name!r} v{fn.version} is not newer than registered v{current.version}")
    CUSTOM[fn.name] = fn


@dataclass(frozen=True)
class Typed:
    name: str
    text: str
    node: Node
    type: str


@dataclass
class Program:
    request: dict[str, str]
    expressions: list[Typed]
    features: tuple[str, ...]  # feature-store names the program reads
    custom: dict[str, int] = field(default_factory=dict)  # custom function -> version used
    stat_sites: list[tuple[str, int, str]] = field(default_factory=list)  # (expr, call index, fn)


def _err(expr: str, node: Node, message: str):
    raise DslError(expr, node.pos.line, node.pos.col, message)


class _Checker:
    def __init__(self, request: dict[str, str], known_features: set[str] | None):
        self.request, self.known = request, known_features
        self.outputs: dict[str, str] = {}
        self.features: list[str] = []
        self.custom: dict[str, int] = {}
        self.sites: list[tuple[str, int, str]] = []

    def check(self, expr: str, node: Node) -> str:
        t = self.type_of(expr, node)
        if t not in SCALARS and t != NULL:
            _err(expr, node, f"an expression must produce a scalar, not {t}")
        return t

    def type_of(self, expr: str, node: Node) -> str:
        if isinstance(node, Lit):
            v = node.value
            return NULL if v is None else BOOL if isinstance(v, bool) else STRING if isinstance(v, str) else NUMBER
        if isinstance(node, ListLit):
            kinds = {self.type_of(expr, item) for item in node.items}
            if kinds <= {NUMBER}:
                return LIST_NUMBER
            if kinds <= {STRING}:
                return LIST_STRING
            _err(expr, node, f"list items must be all numbers or all strings, got {sorted(kinds)}")
        if isinstance(node, Request):
            if node.field not in self.request:
                _err(expr, node, f"unknown request field {node.field!r}; declared: {sorted(self.request)}")
            return self.request[node.field]
        if isinstance(node, Feature):
            if self.known is not None and node.name not in self.known:
                _err(expr, node, f"unknown feature {node.name!r}; registered: {sorted(self.known)}")
            if node.name not in self.features:
                self.features.append(node.name)
            return NUMBER
        if isinstance(node, Ref):
            if node.name not in self.outputs:
                _err(expr, node, f"unknown name {node.name!r}: only earlier expressions can be referenced")
            return self.outputs[node.name]
        if isinstance(node, Unary):
            t = self.type_of(expr, node.arg)
            want = NUMBER if node.op == "-" else BOOL
            if t not in (want, NULL):
                _err(expr, node, f"'{node.op}' needs a {want}, got {t}")
            return want
        if isinstance(node, Binary):
            return self._binary(expr, node)
        return self._call(expr, node)

    def _binary(self, expr: str, node: Binary) -> str:
        lt, rt = self.type_of(expr, node.left), self.type_of(expr, node.right)
        if node.op in ("and", "or"):
            for t, side in ((lt, node.left), (rt, node.right)):
                if t not in (BOOL, NULL):
                    _err(expr, side, f"'{node.op}' needs bool operands, got {t}")
            return BOOL
        if node.op in ("+", "-", "*", "/", "%"):
            for t, side in ((lt, node.left), (rt, node.right)):
                if t not in (NUMBER, NULL):
                    _err(expr, side, f"'{node.op}' needs numbers, got {t}")
            return NUMBER
        if lt != rt and NULL not in (lt, rt):
            _err(expr, node, f"cannot compare {lt} with {rt}")
        if node.op not in ("==", "!=") and (lt == BOOL or rt == BOOL):
            _err(expr, node, f"'{node.op}' does not order booleans")
        return BOOL

    def _call(self, expr: str, node: Call) -> str:
        fn = BUILTINS.get(node.fn)
        custom = CUSTOM.get(node.fn) if fn is None else None
        if fn is None and custom is None:
            _err(expr, node, f"unknown function {node.fn!r}; built-ins: {', '.join(sorted(BUILTINS))}")
        params = fn.params if fn else custom.params
        if len(node.args) != len(params):
            _err(expr, node, f"{node.fn}() takes {len(params)} argument(s), got {len(node.args)}")
        types = [self.type_of(expr, a) for a in node.args]
        if custom is not None:
            self.custom[custom.name] = custom.version
            for i, (want, got) in enumerate(zip(params, types)):
                if got not in (want, NULL):
                    _err(expr, node.args[i], f"{node.fn}() argument {i + 1} must be {want}, got {got}")
            return custom.returns
        return self._builtin(expr, node, fn, types)

    def _builtin(self, expr: str, node: Call, fn: Builtin, types: list[str]) -> str:
        for i in fn.literal_args:
            if not isinstance(node.args[i], (Lit, ListLit)):
                _err(expr, node.args[i], f"{fn.name}() argument {i + 1} must be a literal")
        bound = NULL
        for i, (want, got) in enumerate(zip(fn.params, types)):
            if want == "T":
                if got != NULL and bound != NULL and got != bound:
                    _err(expr, node.args[i], f"{fn.name}() arguments must have one type, got {bound} and {got}")
                bound = got if got != NULL else bound
            elif want == "L":
                wanted = {NUMBER: LIST_NUMBER, STRING: LIST_STRING}.get(bound)
                if wanted is None or got != wanted:
                    _err(expr, node.args[i], f"{fn.name}() needs a list of the first argument's type "
                                             f"({bound}), got {got}")
            elif got not in (want, NULL):
                _err(expr, node.args[i], f"{fn.name}() argument {i + 1} must be {want}, got {got}")
        if fn.name in ("hour_of_day", "day_of_week", "is_weekend"):
            _check_zone(expr, node.args[1])
        if fn.stats:
            self.sites.append((expr, sum(1 for s in self.sites if s[0] == expr), fn.name))
        return bound if fn.returns == "T" else fn.returns


def _check_zone(expr: str, node: Lit) -> None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(node.value)
    except (ZoneInfoNotFoundError, ValueError):
        _err(expr, node, f"unknown time zone {node.value!r}")


def check_program(request: dict[str, str], expressions: list[tuple[str, str]],
                  known_features: set[str] | None = None) -> Program:
    """Parse and type-check named expressions in order; later ones may use earlier names."""
    for name, t in request.items():
        if t not in REQUEST_TYPES:
            raise DslError("request", 1, 1, f"field {name!r} has unknown type {t!r}; use one of {REQUEST_TYPES}")
    checker = _Checker(request, known_features)
    typed = []
    for name, text in expressions:
        if name in checker.outputs:
            raise DslError(name, 1, 1, f"expression name {name!r} is defined twice")
        node = parse(name, text)
        t = checker.check(name, node)
        checker.outputs[name] = t
        typed.append(Typed(name, text, node, t))
    return Program(dict(request), typed, tuple(checker.features), checker.custom, checker.sites)
