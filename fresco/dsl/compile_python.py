"""Compile a checked Program to a plain Python function (serving, stream agents).

The typed AST is translated to straight-line Python (one local variable per
node) and compiled once. User text reaches the generated code only as repr()
literals: names are generated, never taken from the expression, and nothing a
user wrote is evaluated. Semantics match the Spark form exactly: null
propagates, NaN inputs and NaN results are null, integers are doubles,
and/or follow SQL three-valued logic.
"""

from __future__ import annotations

import bisect
import math
from typing import Any, Callable
from zoneinfo import ZoneInfo

from fresco.dsl.checker import CUSTOM, Program
from fresco.dsl.functions import python_log
from fresco.dsl.syntax import Binary, Call, DslError, Feature, ListLit, Lit, Ref, Request, Unary


def _clean(v: Any) -> Any:
    """Inputs as the Spark side sees them: numbers are doubles, NaN is null."""
    if isinstance(v, float):
        return None if v != v else v
    if isinstance(v, int) and not isinstance(v, bool):
        return float(v)
    return v


def _fmod(a: float, b: float) -> float | None:
    """Java's % on doubles (Spark's), where Python's fmod raises: inf % x is NaN, i.e. null."""
    if b == 0 or math.isinf(a):
        return None
    return math.fmod(a, b)


_COMPARE = {"==": "==", "!=": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}


class _Codegen:
    def __init__(self, program: Program, stats: dict[str, dict[str, float]]):
        self.program, self.stats = program, stats
        self.lines: list[str] = []
        self.ns: dict[str, Any] = {"_clean": _clean, "_fmod": _fmod, "_bisect": bisect.bisect_right,
                                   "_log": python_log}
        self.n = 0
        self.inputs: dict[tuple[str, str], str] = {}
        self.outputs: dict[str, str] = {}
        self.expr, self.site = "", 0

    def tmp(self) -> str:
        self.n += 1
        return f"t{self.n}"

    def const(self, value: Any) -> str:
        self.n += 1
        name = f"c{self.n}"
        self.ns[name] = value
        return name

    def emit(self, line: str) -> None:
        self.lines.append("    " + line)

    def nan_to_null(self, var: str) -> None:
        self.emit(f"if {var} is not None and {var} != {var}: {var} = None")

    def node(self, n) -> str:
        if isinstance(n, Lit):
            # Named constants, not inline literals: `1.0 is None` would be a SyntaxWarning.
            return "None" if n.value is None else self.const(n.value)
        if isinstance(n, ListLit):
            return self.const([i.value for i in n.items])
        if isinstance(n, (Request, Feature)):
            source, key = ("request", n.field) if isinstance(n, Request) else ("features", n.name)
            if (source, key) not in self.inputs:
                var = self.tmp()
                self.emit(f"{var} = _clean({source}.get({key!r}))")
                self.inputs[(source, key)] = var
            return self.inputs[(source, key)]
        if isinstance(n, Ref):
            return self.outputs[n.name]
        var = self.tmp()
        if isinstance(n, Unary):
            a = self.node(n.arg)
            op = "-" if n.op == "-" else "not "
            self.emit(f"{var} = None if {a} is None else ({op}{a})")
            return var
        if isinstance(n, Binary):
            self.binary(var, n)
            return var
        self.call(var, n)
        return var

    def binary(self, var: str, n: Binary) -> None:
        a, b = self.node(n.left), self.node(n.right)
        if n.op == "and":
            self.emit(f"{var} = False if ({a} is False or {b} is False) else "
                      f"(None if ({a} is None or {b} is None) else True)")
        elif n.op == "or":
            self.emit(f"{var} = True if ({a} is True or {b} is True) else "
                      f"(None if ({a} is None or {b} is None) else False)")
        elif n.op in ("/", "%"):
            expr = f"{a} / {b}" if n.op == "/" else f"_fmod({a}, {b})"
            self.emit(f"{var} = None if ({a} is None or {b} is None or {b} == 0) else {expr}")
            self.nan_to_null(var)
        elif n.op in ("+", "-", "*"):
            self.emit(f"{var} = None if ({a} is None or {b} is None) else {a} {n.op} {b}")
            self.nan_to_null(var)
        else:
            self.emit(f"{var} = None if ({a} is None or {b} is None) else ({a} {_COMPARE[n.op]} {b})")

    def call(self, var: str, n: Call) -> None:
        args = [self.node(a) for a in n.args]
        fn = n.fn
        if fn == "fill":
            self.emit(f"{var} = {args[0]} if {args[0]} is not None else {args[1]}")
            return
        if fn == "if":
            self.emit(f"{var} = {args[1]} if {args[0]} is True else {args[2]}")
            return
        guard = f"{args[0]} is None"
        if fn == "isin":
            values = self.const(frozenset(i.value for i in n.args[1].items))
            self.emit(f"{var} = None if {guard} else ({args[0]} in {values})")
        elif fn in ("normalize", "minmax"):
            key = f"{self.expr}#{self.site}"
            self.site += 1
            if key not in self.stats:
                raise DslError(self.expr, n.pos.line, n.pos.col, f"{fn}() needs statistics frozen from a "
                                                                 f"training set (missing {key!r}); fit them first")
            s = self.stats[key]
            shift, scale = (s["mean"], s["stddev"]) if fn == "normalize" else (s["min"], s["max"] - s["min"])
            if not scale:
                self.emit(f"{var} = None if {guard} else 0.0")
            else:
                self.emit(f"{var} = None if {guard} else ({args[0]} - {shift!r}) / {scale!r}")
                self.nan_to_null(var)
        elif fn in ("hour_of_day", "day_of_week", "is_weekend"):
            zone = self.const(ZoneInfo(n.args[1].value))
            local = f"{args[0]}.astimezone({zone})"
            value = {"hour_of_day": f"float({local}.hour)", "day_of_week": f"float({local}.weekday())",
                     "is_weekend": f"({local}.weekday() >= 5)"}[fn]
            self.emit(f"{var} = None if {guard} else {value}")
        elif fn == "bucketize":
            bounds = self.const(sorted(i.value for i in n.args[1].items))
            self.emit(f"{var} = None if {guard} else float(_bisect({bounds}, {args[0]}))")
        elif fn == "index":
            cats = self.const({c.value: float(i) for i, c in reversed(list(enumerate(n.args[1].items)))})
            self.emit(f"{var} = None if {guard} else {cats}.get({args[0]}, -1.0)")
        elif fn == "one_hot":
            self.emit(f"{var} = None if {guard} else (1.0 if {args[0]} == {args[1]} else 0.0)")
        elif fn == "clip":
            any_null = " or ".join(f"{a} is None" for a in args)
            self.emit(f"{var} = None if ({any_null}) else min(max({args[0]}, {args[1]}), {args[2]})")
            self.nan_to_null(var)
        elif fn == "abs":
            self.emit(f"{var} = None if {guard} else abs({args[0]})")
        elif fn == "log":
            self.emit(f"{var} = None if {guard} else _log({args[0]})")
        elif fn == "lower":
            self.emit(f"{var} = None if {guard} else {args[0]}.lower()")
        elif fn == "length":
            self.emit(f"{var} = None if {guard} else float(len({args[0]}))")
        else:  # a registered custom function
            impl = self.const(CUSTOM[fn].python)
            any_null = " or ".join(f"{a} is None" for a in args) or "False"
            self.emit(f"{var} = None if ({any_null}) else _clean({impl}({', '.join(args)}))")


def compile_python(program: Program, stats: dict[str, dict[str, float]] | None = None
                   ) -> Callable[[dict, dict], list]:
    """vector(request, features) -> [value of each expression, in order]."""
    gen = _Codegen(program, stats or {})
    for typed in program.expressions:
        gen.expr, gen.site = typed.name, 0
        value = gen.node(typed.node)
        out = gen.tmp()
        gen.emit(f"{out} = {value}")
        gen.outputs[typed.name] = out
    gen.emit(f"return [{', '.join(gen.outputs.values())}]")
    source = "def vector(request, features):\n" + "\n".join(gen.lines) + "\n"
    namespace = dict(gen.ns)
    exec(compile(source, "<fresco-dsl>", "exec"), namespace)  # noqa: S102 - generated from the typed AST
    vector = namespace["vector"]
    vector.__doc__ = source  # inspectable: `print(vector.__doc__)`
    return vector


def compile_python_batch(program: Program, stats: dict[str, dict[str, float]] | None = None
                         ) -> Callable[[list[dict], list[dict]], list[list]]:
    """vectors(requests, features) -> one vector per request (e.g. a Faust batch)."""
    vector = compile_python(program, stats)
    return lambda requests, features: [vector(r, f) for r, f in zip(requests, features, strict=True)]
