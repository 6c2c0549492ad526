"""Custom landscapes from a typed formula f(x, y), read by an allowlist walk of Python's AST.

The text is never evaluated: ``ast.parse(text, mode="eval")`` only builds a syntax tree, and the
walk below turns the few node types it allows (numbers, x, y, pi, e, + - * / **, unary signs and a
fixed table of functions) into a tree of closures over ``jax.numpy`` operations. Anything else is
rejected with a ``FormulaError`` naming the offending token and its position.

Limits: 256 characters, 200 nodes, nesting depth 32 (parentheses included), constants of size at
most 1e6. Constant sub-expressions are folded in floats at parse time (``math.pow``, never integer
``**``), so ``9**9**9**9`` is refused as a constant that is too large instead of being computed.
Values that are undefined only at some points (``sqrt(x)``, ``log(y)``, ``1/x``) are not errors:
the surface is masked there. A formula defined on less than 1% of its plot (``0/0``, ``sqrt(-1-x**2)``)
is refused: there would be nothing to draw and nowhere to run.
"""

from __future__ import annotations

import ast
import functools
import math
import re
import unicodedata
from typing import Callable

import jax
import jax.numpy as jnp
import numpy as np

from landscapes.base import Bounds, Landscape, Param
from landscapes.critical import critical_points_of

MAX_LENGTH = 256
MAX_NODES = 200
MAX_DEPTH = 32
MAX_CONSTANT = 1e6
MAX_BOUND = 1e3
MIN_DEFINED_SHARE = 0.01  # of the plot: a formula defined on less is refused
PROBE_POINTS = 64  # per axis, on which that share is measured
DEFAULT_BOUNDS: Bounds = ((-3.0, 3.0), (-3.0, 3.0))

NAMES = {"x": None, "y": None, "pi": math.pi, "e": math.e}


def _relu(v):
    return jnp.maximum(v, 0.0)


# name → (jax function, number of arguments, LaTeX command or template)
FUNCTIONS: dict[str, tuple[Callable, int, str]] = {
    "sin": (jnp.sin, 1, r"\sin"), "cos": (jnp.cos, 1, r"\cos"), "tan": (jnp.tan, 1, r"\tan"),
    "arcsin": (jnp.arcsin, 1, r"\arcsin"), "arccos": (jnp.arccos, 1, r"\arccos"),
    "arctan": (jnp.arctan, 1, r"\arctan"), "asin": (jnp.arcsin, 1, r"\arcsin"),
    "acos": (jnp.arccos, 1, r"\arccos"), "atan": (jnp.arctan, 1, r"\arctan"),
    "sinh": (jnp.sinh, 1, r"\sinh"), "cosh": (jnp.cosh, 1, r"\cosh"), "tanh": (jnp.tanh, 1, r"\tanh"),
    "exp": (jnp.exp, 1, "e^{{{0}}}"), "log": (jnp.log, 1, r"\ln"), "ln": (jnp.log, 1, r"\ln"),
    "log10": (jnp.log10, 1, r"\log_{{10}}"), "log2": (jnp.log2, 1, r"\log_{{2}}"),
    "sqrt": (jnp.sqrt, 1, r"\sqrt{{{0}}}"), "abs": (jnp.abs, 1, r"\left|{0}\right|"),
    "sign": (jnp.sign, 1, r"\operatorname{{sign}}"), "sigmoid": (jax.nn.sigmoid, 1, r"\sigma"),
    "relu": (_relu, 1, r"\operatorname{{ReLU}}"), "softplus": (jax.nn.softplus, 1, r"\operatorname{{softplus}}"),
    "min": (jnp.minimum, 2, r"\min"), "max": (jnp.maximum, 2, r"\max"),
}

_OPERATORS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
_FORBIDDEN = {  # node type → the key of its description in i18n/strings_maps.py
    ast.Attribute: "attribute", ast.Subscript: "subscript", ast.Lambda: "lambda",
    ast.ListComp: "comprehension", ast.SetComp: "comprehension", ast.DictComp: "comprehension",
    ast.GeneratorExp: "comprehension", ast.NamedExpr: "walrus", ast.JoinedStr: "fstring",
    ast.FormattedValue: "fstring", ast.Starred: "starred", ast.Compare: "comparison",
    ast.BoolOp: "boolean", ast.IfExp: "conditional", ast.List: "container", ast.Tuple: "container",
    ast.Set: "container", ast.Dict: "container", ast.Await: "keyword", ast.Yield: "keyword",
    ast.YieldFrom: "keyword", ast.Slice: "subscript",
}

Expr = Callable[[jnp.ndarray, jnp.ndarray, list], jnp.ndarray]  # (x, y, constants) -> f
PARAMETER = re.compile(r"c[0-9]+")  # the names a formula's constants take in its skeleton


class FormulaError(ValueError):
    """A refused formula. ``position`` is 1-based (the first character is 1), ``token`` the offending text.

    ``reason`` keys the message in ``i18n`` (``formula.<reason>``): ``i18n.error_text(error, lang)`` gives it in
    Korean or English. ``str(error)`` is the short technical form, for logs.
    """

    def __init__(self, reason: str, position: int | None = None, token: str = "", **details):
        self.reason, self.position, self.token, self.details = reason, position, token, details
        where = "" if position is None else f" at position {position}: {token!r}"
        facts = "".join(f", {name}={value}" for name, value in details.items())
        super().__init__(f"formula refused ({reason}{facts}){where}")

    def __reduce__(self):  # pickles (and copies) by its fields, not by its formatted message
        return _formula_error, (self.reason, self.position, self.token, self.details)


def _formula_error(reason: str, position: int | None, token: str, details: dict) -> FormulaError:
    return FormulaError(reason, position, token, **details)


def _shown(text: str, limit: int = 24) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- checks on the raw text, before any parsing ----------------------------------------------------

def _check_characters(text: str) -> None:
    if not text.strip():
        raise FormulaError("empty")
    if len(text) > MAX_LENGTH:
        raise FormulaError("too_long", MAX_LENGTH + 1, _shown(text[MAX_LENGTH:], 12), length=len(text), limit=MAX_LENGTH)
    for index, char in enumerate(text):
        position = index + 1
        if char == "\x00":
            raise FormulaError("nul", position, "NUL")
        if ord(char) > 126:
            name = unicodedata.name(char, f"U+{ord(char):04X}")
            raise FormulaError("non_ascii", position, char, name=f"U+{ord(char):04X} {name}")
        if ord(char) < 32 or ord(char) == 127:
            raise FormulaError("control", position, f"U+{ord(char):04X}")
        if char in "#\\;":
            raise FormulaError("character", position, char)


def _check_parentheses(text: str) -> None:
    depth = 0
    for index, char in enumerate(text):
        if char in "([{":
            depth += 1
            if depth > MAX_DEPTH:
                raise FormulaError("parens_deep", index + 1, char, limit=MAX_DEPTH)
        elif char in ")]}":
            depth -= 1
            if depth < 0:
                raise FormulaError("unmatched", index + 1, char)


def _syntax_error(text: str, error: SyntaxError, lead: int) -> FormulaError:
    offset = (error.offset or 0) + lead
    if offset <= lead or offset > len(text):
        return FormulaError("unexpected_end", len(text) + 1, _shown(text.rstrip()[-12:], 12))
    index = offset - 1
    end = index + 1
    while end < len(text) and (text[end].isalnum() or text[end] in "._") and (text[index].isalnum() or text[index] in "._"):
        end += 1
    return FormulaError("syntax", offset, _shown(text[index:end], 12), detail=error.msg)


# --- the walk --------------------------------------------------------------------------------------

class _Walk:
    """Checks one parsed formula against the allowlist and builds its closure tree.

    ``survey`` visits every node once: it enforces the size limits as it descends and collects
    every node that is not allowed wherever it stands, so the error names the leftmost one.
    ``build`` then checks what depends on context (a name called or not, the number of arguments,
    folded constants) and returns the closures.
    """

    def __init__(self, text: str, lead: int = 0, skeleton: bool = False):
        self.text = text  # the formula without its leading spaces, which ``lead`` counts
        self.lead = lead
        self.skeleton = skeleton  # building a checked skeleton: names c0, c1, … read the constants
        self.nodes = 0
        self.offenses: list[FormulaError] = []

    def segment(self, node: ast.AST) -> str:
        return _shown(self.text[node.col_offset:node.end_col_offset])

    def refuse(self, reason: str, node: ast.AST, token: str | None = None, offset: int | None = None, **details):
        position = (node.col_offset if offset is None else offset) + self.lead + 1
        return FormulaError(reason, position, self.segment(node) if token is None else token, **details)

    # --- the survey: limits, and everything not allowed wherever it stands ---------------------

    def survey(self, node: ast.AST) -> None:
        self.visit(node, 1, None)
        if self.offenses:
            raise min(self.offenses, key=lambda error: error.position)

    def visit(self, node: ast.AST, depth: int, parent: ast.AST | None) -> None:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise self.refuse("too_many_nodes", node, limit=MAX_NODES)
        if depth > MAX_DEPTH:
            raise self.refuse("too_deep", node, limit=MAX_DEPTH)
        offense = self.offense(node, parent)
        if offense is not None:
            self.offenses.append(offense)
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.expr, ast.keyword)):
                self.visit(child, depth + self.nesting(node, child), node)

    @staticmethod
    def nesting(node: ast.AST, child: ast.AST) -> int:
        """A chain such as a + b - c + d counts as one level: its left spine adds no depth."""
        same_level = (
            isinstance(node, ast.BinOp) and isinstance(child, ast.BinOp) and child is node.left
            and _PRECEDENCE.get(type(node.op)) == _PRECEDENCE.get(type(child.op))
        )
        return 0 if same_level else 1

    def offense(self, node: ast.AST, parent: ast.AST | None) -> FormulaError | None:
        if isinstance(node, ast.Constant):
            value = node.value
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not abs(value) <= MAX_CONSTANT:
                return self.literal_error(node)
            return None
        if isinstance(node, ast.Name):
            called = isinstance(parent, ast.Call) and parent.func is node
            if node.id in NAMES or node.id in FUNCTIONS:
                return None
            if called:
                return self.refuse("unknown_function", node, functions=", ".join(FUNCTIONS))
            return self.refuse("unknown_name", node, functions=", ".join(FUNCTIONS))
        if isinstance(node, ast.BinOp) and type(node.op) not in _OPERATORS:
            between = self.text[node.left.end_col_offset:node.right.col_offset]
            token = between.strip(" ()")
            offset = node.left.end_col_offset + between.index(token)
            return self.refuse("caret" if isinstance(node.op, ast.BitXor) else "operator", node, token, offset)
        if isinstance(node, ast.UnaryOp) and not isinstance(node.op, (ast.USub, ast.UAdd)):
            return self.refuse("operator", node, "not" if isinstance(node.op, ast.Not) else "~")
        if isinstance(node, ast.keyword):
            return self.refuse("forbidden", node, what="keyword_argument")
        if isinstance(node, ast.Attribute):
            dot = node.value.end_col_offset
            return self.refuse("forbidden", node, "." + node.attr, dot, what="attribute")
        if isinstance(node, ast.Subscript):
            return self.refuse("forbidden", node, "[", node.value.end_col_offset, what="subscript")
        if isinstance(node, ast.NamedExpr):
            return self.refuse("forbidden", node, ":=", self.text.find(":=", node.col_offset), what="walrus")
        if isinstance(node, (ast.BinOp, ast.UnaryOp, ast.Call)):
            return None
        what = next((key for kind, key in _FORBIDDEN.items() if isinstance(node, kind)), "expression")
        return self.refuse("forbidden", node, what=what)

    def literal_error(self, node: ast.Constant) -> FormulaError:
        value = node.value
        if isinstance(value, complex):
            return self.refuse("complex", node)
        if isinstance(value, (str, bytes)):
            return self.refuse("forbidden", node, what="text")
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return self.refuse("not_number", node)
        return self.refuse("too_large", node, limit=MAX_CONSTANT)

    # --- the build: context checks and closures ---------------------------------------------------

    def build(self, node: ast.AST) -> Expr:
        folded = self.constant(node)
        if folded is not None:
            return lambda x, y, c: folded
        if isinstance(node, ast.Name):
            return self.name(node)
        if isinstance(node, ast.UnaryOp):
            operand = self.build(node.operand)
            return operand if isinstance(node.op, ast.UAdd) else (lambda x, y, c: -operand(x, y, c))
        if isinstance(node, ast.BinOp):
            return self.binary(node)
        return self.call(node)

    def constant(self, node: ast.AST) -> float | None:
        """The value of a constant sub-expression, folded in floats; None if it depends on x or y."""
        if isinstance(node, ast.Constant):
            return float(node.value)
        if isinstance(node, ast.Name):
            return NAMES.get(node.id)
        if isinstance(node, ast.UnaryOp):
            operand = self.constant(node.operand)
            return None if operand is None else (-operand if isinstance(node.op, ast.USub) else operand)
        if isinstance(node, ast.BinOp):
            left, right = self.constant(node.left), self.constant(node.right)
            if left is None or right is None:
                return None
            value = _fold(type(node.op), left, right)
            if value is None:
                return None  # undefined here (0/0, (-8)**0.5): left to the surface, where it is masked
            if not abs(value) <= MAX_CONSTANT:
                shown = "∞" if math.isinf(value) else f"{value:.3g}"
                raise self.refuse("constant_too_large", node, value=shown, limit=MAX_CONSTANT)
            return value
        return None

    def name(self, node: ast.Name) -> Expr:
        if node.id == "x":
            return lambda x, y, c: x
        if node.id == "y":
            return lambda x, y, c: y
        if self.skeleton and PARAMETER.fullmatch(node.id):
            index = int(node.id[1:])
            return lambda x, y, c: c[index]
        raise self.refuse("function_as_name", node)

    def binary(self, node: ast.BinOp) -> Expr:
        left, right = self.build(node.left), self.build(node.right)
        if isinstance(node.op, ast.Add):
            return lambda x, y, c: left(x, y, c) + right(x, y, c)
        if isinstance(node.op, ast.Sub):
            return lambda x, y, c: left(x, y, c) - right(x, y, c)
        if isinstance(node.op, ast.Mult):
            return lambda x, y, c: left(x, y, c) * right(x, y, c)
        if isinstance(node.op, ast.Div):
            return lambda x, y, c: jnp.divide(left(x, y, c), right(x, y, c))
        exponent = self.constant(node.right)
        if _is_count(exponent):
            count = int(exponent)  # repeated multiplication: exact, and defined for negative bases
            return lambda x, y, c: jax.lax.integer_pow(left(x, y, c), count)
        return lambda x, y, c: jnp.power(left(x, y, c), right(x, y, c))

    def call(self, node: ast.Call) -> Expr:
        if not (isinstance(node.func, ast.Name) and node.func.id in FUNCTIONS):
            raise self.refuse("not_callable", node.func)
        if any(isinstance(argument, ast.Starred) for argument in node.args):
            raise self.refuse("forbidden", next(a for a in node.args if isinstance(a, ast.Starred)), what="starred")
        function, arity, _ = FUNCTIONS[node.func.id]
        if len(node.args) != arity:
            raise self.refuse("arity", node.func, expected=arity, got=len(node.args))
        arguments = [self.build(argument) for argument in node.args]
        if arity == 1:
            (only,) = arguments
            return lambda x, y, c: function(only(x, y, c))
        first, second = arguments
        return lambda x, y, c: function(first(x, y, c), second(x, y, c))


def _is_count(exponent: float | None) -> bool:
    """A constant exponent taken as repeated multiplication (static in the compiled program)."""
    return exponent is not None and exponent == round(exponent) and abs(exponent) <= 64


def _fold(op: type, left: float, right: float) -> float | None:
    try:
        if op is ast.Add:
            return left + right
        if op is ast.Sub:
            return left - right
        if op is ast.Mult:
            return left * right
        if op is ast.Div:
            return left / right
        return math.pow(left, right)
    except OverflowError:
        return math.inf
    except (ZeroDivisionError, ValueError):
        return None


def _checked_tree(text: str) -> ast.expr:
    """The syntax tree of ``text`` once every check has passed; a FormulaError otherwise."""
    _check_characters(text)
    _check_parentheses(text)
    body = text.lstrip(" ")
    lead = len(text) - len(body)
    try:
        tree = ast.parse(body, mode="eval")  # parsing only: nothing is compiled or evaluated
    except SyntaxError as error:
        raise _syntax_error(text, error, lead) from None
    walk = _Walk(body, lead)
    walk.survey(tree.body)
    walk.build(tree.body)
    return tree.body


# --- LaTeX -------------------------------------------------------------------------------------------

_PRECEDENCE = {ast.Add: 1, ast.Sub: 1, ast.Mult: 2, ast.Div: 2, ast.Pow: 4}


def _latex(node: ast.expr) -> str:
    if isinstance(node, ast.Constant):
        return f"{node.value:g}"
    if isinstance(node, ast.Name):
        return {"pi": r"\pi"}.get(node.id, node.id)
    if isinstance(node, ast.UnaryOp):
        inner = _wrapped(node.operand, 3)
        return inner if isinstance(node.op, ast.UAdd) else "-" + inner
    if isinstance(node, ast.BinOp):
        op = type(node.op)
        if op is ast.Div:
            return rf"\frac{{{_latex(node.left)}}}{{{_latex(node.right)}}}"
        if op is ast.Pow:
            return f"{_wrapped(node.left, 5)}^{{{_latex(node.right)}}}"
        level = _PRECEDENCE[op]
        right = _wrapped(node.right, level + (op is not ast.Add and op is not ast.Mult))
        symbol = {ast.Add: " + ", ast.Sub: " - ", ast.Mult: r" \cdot "}[op]
        return _wrapped(node.left, level) + symbol + right
    function, _, command = FUNCTIONS[node.func.id]
    arguments = [_latex(argument) for argument in node.args]
    if "{0}" in command:
        return command.format(*arguments)
    return command.format() + r"\left(" + ", ".join(arguments) + r"\right)"


def _wrapped(node: ast.expr, level: int) -> str:
    inner = _latex(node)
    own = _PRECEDENCE.get(type(node.op), 9) if isinstance(node, ast.BinOp) else (3 if isinstance(node, ast.UnaryOp) else 9)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
        own = 9  # a \frac is already grouped
    return rf"\left({inner}\right)" if own < level else inner


# --- the landscape -------------------------------------------------------------------------------------

def _skeleton(tree: ast.expr) -> tuple[str, tuple[float, ...]]:
    """The formula with each constant sub-expression replaced by a name c0, c1, … (integer powers kept), and
    the constants' values: formulas that differ only in their numbers share one skeleton, hence one family."""
    walk = _Walk("")  # the tree is checked already: nothing here raises
    values: list[float] = []

    def replaced(node: ast.expr) -> ast.expr:
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow) and _is_count(walk.constant(node.right)):
            return ast.BinOp(replaced(node.left), node.op, ast.Constant(int(walk.constant(node.right))))
        value = walk.constant(node)
        if value is not None:
            values.append(value)
            return ast.Name(f"c{len(values) - 1}", ast.Load())
        if isinstance(node, ast.BinOp):
            return ast.BinOp(replaced(node.left), node.op, replaced(node.right))
        if isinstance(node, ast.UnaryOp):
            return ast.UnaryOp(node.op, replaced(node.operand))
        if isinstance(node, ast.Call):
            return ast.Call(node.func, [replaced(argument) for argument in node.args], [])
        return node  # x or y

    return ast.unparse(ast.fix_missing_locations(replaced(tree))), tuple(values)


@functools.lru_cache(maxsize=64)
def _family(skeleton: str):
    """One ``family(w, theta)`` per skeleton; theta holds the constants, so changing a number recompiles nothing."""
    tree = ast.parse(skeleton, mode="eval").body  # made by _skeleton from a checked tree
    expression = _Walk(skeleton, skeleton=True).build(tree)
    names = sorted({node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and PARAMETER.fullmatch(node.id)},
                   key=lambda name: int(name[1:]))

    def family(w, theta):
        return expression(w[0], w[1], [theta[name] for name in names]) + jnp.zeros_like(w[0])

    family.__qualname__ = family.__name__ = f"formula[{skeleton}]"
    return family


def _check_bounds(bounds) -> Bounds:
    try:
        (x0, x1), (y0, y1) = bounds
        values = tuple(float(v) for v in (x0, x1, y0, y1))
    except (TypeError, ValueError):
        raise FormulaError("bounds", None, str(bounds)[:40], limit=MAX_BOUND) from None
    x0, x1, y0, y1 = values
    if not (all(math.isfinite(v) and abs(v) <= MAX_BOUND for v in values) and x0 < x1 and y0 < y1):
        raise FormulaError("bounds", None, ", ".join(f"{v:g}" for v in values), limit=MAX_BOUND)
    return (x0, x1), (y0, y1)


def defined_share(family, theta: dict[str, float], bounds: Bounds, points: int = PROBE_POINTS) -> float:
    """The share of a points × points grid over ``bounds`` where ``family`` is finite (in float32, as plotted).

    Evaluated op by op on the whole grid at once, not jitted: no program is compiled per formula.
    """
    (x0, x1), (y0, y1) = bounds
    gx, gy = np.meshgrid(np.linspace(x0, x1, points, dtype=np.float32), np.linspace(y0, y1, points, dtype=np.float32))
    grid = jnp.asarray(np.stack([gx.ravel(), gy.ravel()]))
    values = family(grid, {name: jnp.float32(value) for name, value in theta.items()})
    return float(np.isfinite(np.asarray(values)).mean())


@functools.lru_cache(maxsize=128)
def _landscape(canonical: str, bounds: Bounds) -> Landscape:
    tree = ast.parse(canonical, mode="eval").body  # ``canonical`` is ast.unparse of a checked tree
    skeleton, constants = _skeleton(tree)
    family = _family(skeleton)
    share = defined_share(family, {f"c{k}": value for k, value in enumerate(constants)}, bounds)
    if share < MIN_DEFINED_SHARE:
        raise FormulaError("undefined", None, canonical[:24], share=100 * share, limit=100 * MIN_DEFINED_SHARE)
    params = tuple(Param(f"c{k}", value, -MAX_CONSTANT, MAX_CONSTANT, {"ko": f"c{k}", "en": f"c{k}"})
                   for k, value in enumerate(constants))
    (x0, x1), (y0, y1) = bounds
    at = lambda u, v: (x0 + u * (x1 - x0), y0 + v * (y1 - y0))
    return Landscape(
        id="custom",
        name={"ko": f"직접 입력: f(x, y) = {canonical}", "en": f"Custom: f(x, y) = {canonical}"},
        family=family,
        bounds=bounds,
        starts=(at(0.85, 0.85), at(0.15, 0.8), at(0.2, 0.15)),
        description={
            "ko": "직접 입력한 함수. 임계점은 수치적으로 찾는다.",
            "en": "A formula you typed; its critical points are found numerically.",
        },
        critical=functools.partial(critical_points_of, family, bounds),
        params=params,
        latex="f(x,y)=" + _latex(tree),
    )


def parse_formula(text: str, bounds=DEFAULT_BOUNDS) -> Landscape:
    """The landscape f(x, y) = ``text`` on ``bounds`` ((xmin, xmax), (ymin, ymax)), or a FormulaError."""
    if not isinstance(text, str):
        raise FormulaError("empty")
    return _landscape(ast.unparse(_checked_tree(text)), _check_bounds(bounds))
