"""Compile a checked Program to a plain Python function (serving, stream agents).

Each node becomes a closure; no text is ever evaluated. Null propagates; NaN
inputs and NaN results are null; and/or follow SQL three-valued logic, so the
result equals the Spark form on every input.
"""

from __future__ import annotations

import math
from typing import Any, Callable

from fresco.dsl.checker import CUSTOM, Program
from fresco.dsl.functions import PYTHON
from fresco.dsl.syntax import Binary, Call, DslError, Feature, ListLit, Lit, Ref, Request, Unary

Env = tuple[dict, dict, dict]  # request, features, outputs
Fn = Callable[[Env], Any]


def _clean(v: Any) -> Any:
    """Inputs as the Spark side sees them: numbers are doubles, NaN is null."""
    if isinstance(v, float):
        return None if v != v else v
    if isinstance(v, int) and not isinstance(v, bool):
        return float(v)
    return v


def _arith(op: str) -> Callable[[float, float], float | None]:
    if op == "+":
        return lambda a, b: a + b
    if op == "-":
        return lambda a, b: a - b
    if op == "*":
        return lambda a, b: a * b
    if op == "/":
        return lambda a, b: None if b == 0 else a / b
    return _fmod


def _fmod(a: float, b: float) -> float | None:
    """Java's % on doubles (Spark's), where Python's fmod raises: inf % x is NaN, i.e. null."""
    if b == 0 or math.isinf(a):
        return None
    return math.fmod(a, b)


_COMPARE = {"==": lambda a, b: a == b, "!=": lambda a, b: a != b, "<": lambda a, b: a < b,
            "<=": lambda a, b: a <= b, ">": lambda a, b: a > b, ">=": lambda a, b: a >= b}


class _Compiler:
    def __init__(self, program: Program, stats: dict[str, dict[str, float]]):
        self.program, self.stats = program, stats
        self.expr = ""
        self.site = 0

    def node(self, n) -> Fn:
        if isinstance(n, Lit):
            v = n.value
            return lambda env: v
        if isinstance(n, ListLit):
            items = [i.value for i in n.items]
            return lambda env: items
        if isinstance(n, Request):
            f = n.field
            return lambda env: _clean(env[0].get(f))
        if isinstance(n, Feature):
            f = n.name
            return lambda env: _clean(env[1].get(f))
        if isinstance(n, Ref):
            f = n.name
            return lambda env: env[2][f]
        if isinstance(n, Unary):
            arg = self.node(n.arg)
            if n.op == "-":
                return lambda env: None if (x := arg(env)) is None else -x
            return lambda env: None if (x := arg(env)) is None else not x
        if isinstance(n, Binary):
            return self.binary(n)
        return self.call(n)

    def binary(self, n: Binary) -> Fn:
        left, right = self.node(n.left), self.node(n.right)
        if n.op == "and":
            def and_(env):
                a, b = left(env), right(env)
                if a is False or b is False:
                    return False
                return None if a is None or b is None else True
            return and_
        if n.op == "or":
            def or_(env):
                a, b = left(env), right(env)
                if a is True or b is True:
                    return True
                return None if a is None or b is None else False
            return or_
        op = _arith(n.op) if n.op in "+-*/%" else _COMPARE[n.op]
        arith = n.op in "+-*/%"

        def apply(env):
            a, b = left(env), right(env)
            if a is None or b is None:
                return None
            out = op(a, b)
            return _clean(out) if arith else out
        return apply

    def call(self, n: Call) -> Fn:
        args = [self.node(a) for a in n.args]
        name = n.fn
        if name == "fill":
            x, d = args
            return lambda env: v if (v := x(env)) is not None else d(env)
        if name == "if":
            c, a, b = args
            return lambda env: a(env) if c(env) is True else b(env)
        if name == "isin":
            x, values = args[0], \
                {i.value for i in n.args[1].items}
            return lambda env: None if (v := x(env)) is None else v in values
        if name in ("normalize", "minmax"):
            stats = self._stats(n)
            x = args[0]
            if name == "normalize":
                mean, sd = stats["mean"], stats["stddev"]
                return lambda env: None if (v := x(env)) is None else (0.0 if not sd else _clean((v - mean) / sd))
            lo, hi = stats["min"], stats["max"]
            return lambda env: None if (v := x(env)) is None else (0.0 if hi == lo else _clean((v - lo) / (hi - lo)))
        if name in CUSTOM:
            custom = CUSTOM[name].python

            def call_custom(env):
                values = [a(env) for a in args]
                return None if any(v is None for v in values) else _clean(custom(*values))
            return call_custom
        fn = PYTHON[name]
        return lambda env: _clean(fn(*[a(env) for a in args]))

    def _stats(self, n: Call) -> dict[str, float]:
        key = f"{self.expr}#{self.site}"
        self.site += 1
        if key not in self.stats:
            raise DslError(self.expr, n.pos.line, n.pos.col,
                           f"{n.fn}() needs statistics frozen from a training set (missing {key!r}); fit them first")
        return self.stats[key]


def compile_python(program: Program, stats: dict[str, dict[str, float]] | None = None
                   ) -> Callable[[dict, dict], list]:
    """vector(request, features) -> [value of each expression, in order]."""
    compiler = _Compiler(program, stats or {})
    steps = []
    for typed in program.expressions:
        compiler.expr, compiler.site = typed.name, 0
        steps.append((typed.name, compiler.node(typed.node)))

    def vector(request: dict, features: dict) -> list:
        outputs: dict[str, Any] = {}
        env = (request, features, outputs)
        for name, fn in steps:
            outputs[name] = fn(env)
        return list(outputs.values())

    return vector


def python_stats_inputs(program: Program) -> list[tuple[str, Fn]]:
    """(site key, function of the argument) for every normalize/minmax call, post-order."""
    compiler = _Compiler(program, {})
    found: list[tuple[str, Fn]] = []

    def walk(n):
        if isinstance(n, Call):
            for a in n.args:
                walk(a)
            if n.fn in ("normalize", "minmax"):
                found.append((f"{compiler.expr}#{compiler.site}", compiler.node(n.args[0])))
                compiler.site += 1
        elif isinstance(n, Binary):
            walk(n.left)
            walk(n.right)
        elif isinstance(n, Unary):
            walk(n.arg)

    for typed in program.expressions:
        compiler.expr, compiler.site = typed.name, 0
        walk(typed.node)
    return found

