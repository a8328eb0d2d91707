"""Compile a checked Program to Spark Columns (batch jobs, training sets).

Request fields and features are columns of the input DataFrame: request field
`x` is column `x`, feature `a.b` is column `a__b` (see feature_column).
"""

from __future__ import annotations

from fresco.dsl.checker import CUSTOM, Program
from fresco.dsl.functions import spark_impl
from fresco.dsl.syntax import Binary, Call, DslError, Feature, ListLit, Lit, Ref, Request, Unary


def feature_column(name: str) -> str:
    return name.replace(".", "__")


class _Compiler:
    def __init__(self, program: Program, stats: dict[str, dict[str, float]]):
        from pyspark.sql import functions as F

        self.F, self.program, self.stats = F, program, stats
        self.outputs: dict = {}
        self.expr, self.site = "", 0

    def clean(self, c):
        F = self.F
        return F.when(F.isnan(c), F.lit(None)).otherwise(c)

    def node(self, n):
        F = self.F
        if isinstance(n, Lit):
            return F.lit(n.value) if n.value is not None else F.lit(None)
        if isinstance(n, ListLit):
            return None  # only ever a literal argument; builtins read it from the AST
        if isinstance(n, Request):
            c = F.col(n.field)
            t = self.program.request[n.field]
            return self.clean(c) if t == "number" else c
        if isinstance(n, Feature):
            return self.clean(F.col(feature_column(n.name)).cast("double"))
        if isinstance(n, Ref):
            return self.outputs[n.name]
        if isinstance(n, Unary):
            arg = self.node(n.arg)
            return -arg if n.op == "-" else ~arg
        if isinstance(n, Binary):
            return self.binary(n)
        return self.call(n)

    def binary(self, n: Binary):
        F = self.F
        a, b = self.node(n.left), self.node(n.right)
        if n.op == "and":
            return a & b
        if n.op == "or":
            return a | b
        if n.op == "+":
            return self.clean(a + b)
        if n.op == "-":
            return self.clean(a - b)
        if n.op == "*":
            return self.clean(a * b)
        if n.op in ("/", "%"):
            out = a / b if n.op == "/" else a % b
            return self.clean(F.when(b == 0, F.lit(None)).otherwise(out))
        return {"==": a == b, "!=": a != b, "<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[n.op]

    def call(self, n: Call):
        F = self.F
        args = [self.node(a) for a in n.args]
        literals = [a.value if isinstance(a, Lit) else [i.value for i in a.items] if isinstance(a, ListLit)
                    else None for a in n.args]
        if n.fn == "fill":
            return F.coalesce(args[0], args[1])
        if n.fn == "if":
            return F.when(args[0], args[1]).otherwise(args[2])
        if n.fn == "isin":
            values = literals[1]
            return F.when(args[0].isNull(), F.lit(None)).otherwise(
                args[0].isin(values) if values else F.lit(False))
        if n.fn in ("normalize", "minmax"):
            key = f"{self.expr}#{self.site}"
            self.site += 1
            if key not in self.stats:
                raise DslError(self.expr, n.pos.line, n.pos.col,
                               f"{n.fn}() needs statistics frozen from a training set (missing {key!r})")
            s, x = self.stats[key], args[0]
            if n.fn == "normalize":
                return F.lit(0.0) * x if not s["stddev"] else self.clean((x - F.lit(s["mean"])) / F.lit(s["stddev"]))
            span = s["max"] - s["min"]
            return F.lit(0.0) * x if span == 0 else self.clean((x - F.lit(s["min"])) / F.lit(span))
        if n.fn in CUSTOM:
            return self.clean(CUSTOM[n.fn].spark(F, *args))
        out = spark_impl(n.fn, F, args, literals)
        return self.clean(out) if n.fn in ("log", "abs", "clip") else out


def compile_spark(program: Program, stats: dict[str, dict[str, float]] | None = None) -> list:
    """[(name, Column)] in config order; select them on a DataFrame of inputs."""
    compiler = _Compiler(program, stats or {})
    out = []
    for typed in program.expressions:
        compiler.expr, compiler.site = typed.name, 0
        column = compiler.node(typed.node)
        compiler.outputs[typed.name] = column
        out.append((typed.name, column.alias(typed.name)))
    return out


def argument_columns(program: Program, stats: dict[str, dict[str, float]]) -> list:
    """(site key, Column of the argument) for every normalize/minmax call, in site order."""
    compiler = _Compiler(program, stats)
    found = []

    def walk(n):
        if isinstance(n, Call):
            for a in n.args:
                walk(a)
            if n.fn in ("normalize", "minmax"):
                found.append((f"{compiler.expr}#{len([k for k, _ in found if k.startswith(compiler.expr + '#')])}",
                              compiler.node(n.args[0])))
        elif isinstance(n, Binary):
            walk(n.left)
            walk(n.right)
        elif isinstance(n, Unary):
            walk(n.arg)

    for typed in program.expressions:
        compiler.expr, compiler.site = typed.name, 0
        walk(typed.node)
        # Later expressions may reference this one; its column needs no statistics
        # unless it normalizes, in which case fitting happens in order below.
        try:
            compiler.outputs[typed.name] = compiler.node(typed.node)
        except DslError:
            compiler.outputs[typed.name] = compiler.F.lit(None)
    return found
