"""Tokens, AST and a Pratt parser. User text is parsed, never evaluated.

Grammar (precedence low to high): `or`, `and`, `not`, comparisons
(== != < <= > >=), + -, * / %, unary -, calls and atoms. Atoms: numbers,
'strings', true/false/null, [list, of, literals], (parenthesized),
@request.FIELD, @feature.ENTITY.NAME, and NAME (an earlier output).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from fresco.errors import FrescoError


class DslError(FrescoError):
    """A DSL error that points at an expression, line and column."""

    def __init__(self, expr: str, line: int, col: int, message: str):
        super().__init__(f"{expr}:{line}:{col}: {message}")
        self.expr, self.line, self.col, self.message = expr, line, col, message


@dataclass(frozen=True)
class Pos:
    line: int
    col: int


# -- AST -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Lit:
    value: Any  # float, str, bool or None
    pos: Pos


@dataclass(frozen=True)
class ListLit:
    items: tuple[Lit, ...]
    pos: Pos


@dataclass(frozen=True)
class Request:
    field: str
    pos: Pos


@dataclass(frozen=True)
class Feature:
    name: str
    pos: Pos


@dataclass(frozen=True)
class Ref:
    name: str
    pos: Pos


@dataclass(frozen=True)
class Call:
    fn: str
    args: tuple[Any, ...]
    pos: Pos


@dataclass(frozen=True)
class Unary:
    op: str
    arg: Any
    pos: Pos


@dataclass(frozen=True)
class Binary:
    op: str
    left: Any
    right: Any
    pos: Pos


Node = Lit | ListLit | Request | Feature | Ref | Call | Unary | Binary

# -- lexer -----------------------------------------------------------------------------
_TOKEN = re.compile(r"""
    (?P<ws>[ \t\r\n]+)
  | (?P<num>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)
  | (?P<str>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
  | (?P<acc>@(?:request|feature)(?:\.[A-Za-z_][A-Za-z0-9_]*)+)
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>==|!=|<=|>=|[-+*/%<>(),\[\]])
""", re.VERBOSE)
KEYWORDS = {"and", "or", "not", "true", "false", "null"}


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    pos: Pos


def tokenize(expr: str, text: str) -> list[Token]:
    tokens, i, line, line_start = [], 0, 1, 0
    while i < len(text):
        m = _TOKEN.match(text, i)
        pos = Pos(line, i - line_start + 1)
        if m is None:
            raise DslError(expr, pos.line, pos.col, f"unexpected character {text[i]!r}")
        kind, value = m.lastgroup, m.group()
        if kind == "ws":
            for j, ch in enumerate(value):
                if ch == "\n":
                    line, line_start = line + 1, i + j + 1
        else:
            if kind == "name" and value in KEYWORDS:
                kind = value
            tokens.append(Token(kind, value, pos))
        i = m.end()
    tokens.append(Token("eof", "", Pos(line, i - line_start + 1)))
    return tokens


# -- parser ----------------------------------------------------------------------------
_BINARY = {"or": 1, "and": 2, "==": 4, "!=": 4, "<": 4, "<=": 4, ">": 4, ">=": 4,
           "+": 5, "-": 5, "*": 6, "/": 6, "%": 6}


class _Parser:
    def __init__(self, expr: str, text: str):
        self.expr, self.tokens, self.i = expr, tokenize(expr, text), 0

    def peek(self) -> Token:
        return self.tokens[self.i]

    def take(self, kind: str | None = None) -> Token:
        tok = self.tokens[self.i]
        if kind is not None and tok.kind != kind and tok.text != kind:
            self.fail(tok, f"expected {kind!r}, found {tok.text or 'end of expression'!r}")
        self.i += 1
        return tok

    def fail(self, tok: Token, message: str):
        raise DslError(self.expr, tok.pos.line, tok.pos.col, message)

    def parse(self) -> Node:
        node = self.expression(0)
        tok = self.peek()
        if tok.kind != "eof":
            self.fail(tok, f"unexpected {tok.text!r} after a complete expression")
        return node

    def expression(self, min_prec: int) -> Node:
        left = self.unary()
        while True:
            tok = self.peek()
            op = tok.text if tok.kind in ("op", "and", "or") else None
            prec = _BINARY.get(op or "")
            if prec is None or prec <= min_prec:
                return left
            self.take()
            right = self.expression(prec)  # left-associative
            left = Binary(op, left, right, tok.pos)

    def unary(self) -> Node:
        tok = self.peek()
        if tok.kind == "not":
            self.take()
            return Unary("not", self.expression(3), tok.pos)
        if tok.text == "-":
            self.take()
            return Unary("-", self.unary(), tok.pos)
        return self.atom()

    def atom(self) -> Node:
        tok = self.take()
        if tok.kind == "num":
            return Lit(float(tok.text), tok.pos)
        if tok.kind == "str":
            return Lit(bytes(tok.text[1:-1], "utf-8").decode("unicode_escape"), tok.pos)
        if tok.kind in ("true", "false"):
            return Lit(tok.kind == "true", tok.pos)
        if tok.kind == "null":
            return Lit(None, tok.pos)
        if tok.kind == "acc":
            parts = tok.text[1:].split(".")
            if parts[0] == "request":
                if len(parts) != 2:
                    self.fail(tok, f"{tok.text}: request fields are @request.FIELD")
                return Request(parts[1], tok.pos)
            if len(parts) != 3:
                self.fail(tok, f"{tok.text}: features are @feature.ENTITY.NAME")
            return Feature(".".join(parts[1:]), tok.pos)
        if tok.kind == "name":
            if self.peek().text == "(":
                self.take("(")
                args = []
                if self.peek().text != ")":
                    args.append(self.expression(0))
                    while self.peek().text == ",":
                        self.take(",")
                        args.append(self.expression(0))
                self.take(")")
                return Call(tok.text, tuple(args), tok.pos)
            return Ref(tok.text, tok.pos)
        if tok.text == "(":
            node = self.expression(0)
            self.take(")")
            return node
        if tok.text == "[":
            items = []
            while self.peek().text != "]":
                item = self.unary()
                if isinstance(item, Unary) and item.op == "-" and isinstance(item.arg, Lit):
                    item = Lit(-item.arg.value, item.pos)
                if not isinstance(item, Lit):
                    self.fail(self.tokens[self.i - 1], "list items must be literals")
                items.append(item)
                if self.peek().text == ",":
                    self.take(",")
            self.take("]")
            return ListLit(tuple(items), tok.pos)
        self.fail(tok, f"unexpected {tok.text or 'end of expression'!r}")


def parse(expr: str, text: str) -> Node:
    """Parse the text of expression `expr` (its name, used in errors)."""
    return _Parser(expr, text).parse()
