"""Python pipeline files, recognised from their syntax tree alone: never imported or run.

A file counts when it defines a pipeline with a name imported from the framework: an
Airflow ``DAG(...)``/``with DAG(...)``/``@dag``, a Kedro ``Pipeline(...)``/``pipeline(...)``,
a ZenML ``@pipeline``, a Metaflow flow class (``@step`` methods), a KFP
``@dsl.pipeline``. Parts of a pipeline alone (KFP components, ZenML steps, Kedro nodes,
Airflow tasks) are not one, and a name that merely looks right (a local ``DAG`` class)
does not count; such files get a :class:`NotPipeline` saying what was found instead.
"""

from __future__ import annotations

import ast
from collections import deque
from collections.abc import Iterator

from mlpolicy.artifacts.pipeline_defects import Defect, NotPipeline

PYTHON = "python"
_NONE = (
    "Python file defines no pipeline (no Airflow DAG, Kedro pipeline, KFP @dsl.pipeline, "
    "Metaflow FlowSpec or ZenML @pipeline)"
)

# format, package, (calls, decorators) that define a pipeline, (calls, decorators) that
# only define its parts, and what those parts are called in a message.
_Marks = tuple[frozenset[str], frozenset[str]]
_MARKERS: tuple[tuple[str, str, _Marks, _Marks, str], ...] = (
    (
        "airflow",
        "airflow",
        (frozenset({"DAG", "dag"}), frozenset({"dag"})),
        (frozenset(), frozenset({"task"})),
        "Airflow @task functions",
    ),
    (
        "kedro",
        "kedro",
        (frozenset({"Pipeline", "pipeline"}), frozenset()),
        (frozenset({"node", "Node"}), frozenset()),
        "Kedro node(...) calls",
    ),
    (
        "zenml",
        "zenml",
        (frozenset(), frozenset({"pipeline"})),
        (frozenset(), frozenset({"step"})),
        "ZenML @step functions",
    ),
    (
        "kfp",
        "kfp",
        (frozenset(), frozenset({"pipeline"})),
        (frozenset(), frozenset({"component", "container_component"})),
        "@dsl.component functions",
    ),
)


def parse(data: bytes) -> tuple[str, tuple[Defect, ...]] | NotPipeline:
    """The framework of a Python file and its defects, or why it defines no pipeline."""
    try:
        tree = ast.parse(data)
    except SyntaxError as exc:
        return PYTHON, (Defect(f"Python syntax error: {exc.msg}", exc.lineno, exc.offset),)
    except (ValueError, RecursionError, MemoryError) as exc:
        # Null bytes (ValueError) and pathologically nested expressions never reach a tree.
        return PYTHON, (Defect(f"Python source cannot be parsed ({type(exc).__name__})"),)
    if _spells_no_framework(data):
        return NotPipeline(_NONE)
    survey = _Survey(tree)
    names = _Names(survey.imports)
    # A Metaflow flow: a class with @step methods deriving from a base class, FlowSpec or a
    # project's base such as Outerbounds' ProjectFlow (steps only ever live on a flow class).
    flows = [c for c in survey.classes if c.bases and _steps(c, names)]
    if flows:
        return "metaflow", tuple(defect for flow in flows for defect in _flow_defects(flow, names))
    calls, decorators = _usages(survey, names)
    for format_name, package, defining, _, _ in _MARKERS:
        if _uses(calls, package, defining[0]) or _uses(decorators, package, defining[1]):
            return format_name, ()
    parts = [
        what
        for _, package, _, (part_calls, part_decorators), what in _MARKERS
        if _uses(calls, package, part_calls) or _uses(decorators, package, part_decorators)
    ]
    if parts:
        return NotPipeline(f"Python file defines no pipeline (found only {' and '.join(parts)})")
    return NotPipeline(_NONE)


# Every name a marker can match is qualified through an import of one of these packages,
# so a file whose bytes never spell one defines no pipeline and needs no walk. Only for
# plain ASCII without a coding cookie: an identifier may be spelled in other Unicode
# forms (NFKC-normalised by Python) or in another source encoding.
_PACKAGES = (b"airflow", b"kedro", b"zenml", b"kfp", b"metaflow")


def _spells_no_framework(data: bytes) -> bool:
    return data.isascii() and b"coding" not in data and not any(p in data for p in _PACKAGES)


# Nodes with no node below them that matters here: names, constants, and the context and
# operator singletons. Skipping them halves the nodes visited.
_LEAVES: tuple[type[ast.AST], ...] = (ast.Name, ast.Constant, ast.expr_context)
_LEAVES += (ast.operator, ast.unaryop, ast.cmpop, ast.boolop)
_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


class _Survey:
    """The nodes the reader judges, gathered in one breadth-first pass in ``ast.walk`` order.

    The order matters: a name imported twice means what its last import in walk order says.
    """

    def __init__(self, tree: ast.Module) -> None:
        self.imports: list[ast.Import | ast.ImportFrom] = []
        self.callees: list[ast.expr] = []
        self.defs: list[ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef] = []
        self.classes: list[ast.ClassDef] = []
        queue: deque[ast.AST] = deque([tree])
        while queue:
            node = queue.popleft()
            if isinstance(node, ast.Call):
                self.callees.append(node.func)
            elif isinstance(node, _DEFS):
                self.defs.append(node)
                if isinstance(node, ast.ClassDef):
                    self.classes.append(node)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                self.imports.append(node)
            for field in node._fields:
                value = getattr(node, field, None)
                if isinstance(value, list):
                    queue.extend(
                        item
                        for item in value
                        if isinstance(item, ast.AST) and not isinstance(item, _LEAVES)
                    )
                elif isinstance(value, ast.AST) and not isinstance(value, _LEAVES):
                    queue.append(value)


class _Names:
    """What each top-level name of a module refers to, from its ``import`` statements."""

    def __init__(self, imports: list[ast.Import | ast.ImportFrom]) -> None:
        self.imported: dict[str, str] = {}
        self.star: list[str] = []
        for node in imports:
            if isinstance(node, ast.Import):
                for alias in node.names:
                    local = alias.asname or alias.name.split(".")[0]
                    self.imported[local] = alias.name if alias.asname else local
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                for alias in node.names:
                    if alias.name == "*":
                        self.star.append(node.module)
                    else:
                        self.imported[alias.asname or alias.name] = f"{node.module}.{alias.name}"

    def qualify(self, expr: ast.expr) -> tuple[str, ...]:
        """Dotted names ``expr`` may refer to (``dsl.pipeline`` -> ``kfp.dsl.pipeline``)."""
        parts: list[str] = []
        # A loop, not recursion: an attribute chain may be thousands of links long.
        while isinstance(expr, ast.Attribute):
            parts.append(expr.attr)
            expr = expr.value
        if not isinstance(expr, ast.Name):
            return ()
        tail = "".join(f".{part}" for part in reversed(parts))
        head = self.imported.get(expr.id)
        heads = [head] if head else [f"{module}.{expr.id}" for module in self.star]
        return tuple(f"{h}{tail}" for h in heads)


def _usages(survey: _Survey, names: _Names) -> tuple[set[str], set[str]]:
    calls = {q for callee in survey.callees for q in names.qualify(callee)}
    decorators = {
        q for node in survey.defs for d in node.decorator_list for q in names.qualify(_callee(d))
    }
    return calls, decorators


def _uses(qualified: set[str], package: str, wanted: frozenset[str]) -> bool:
    return any(_is(name, package, wanted) for name in qualified)


def _is(name: str, package: str, wanted: frozenset[str]) -> bool:
    head, _, last = name.rpartition(".")
    return last in wanted and (head == package or head.startswith(package + "."))


def _steps(flow: ast.ClassDef, names: _Names) -> set[str]:
    steps = set()
    for item in flow.body:
        if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
            marks = {q for d in item.decorator_list for q in names.qualify(_callee(d))}
            if _uses(marks, "metaflow", frozenset({"step"})):
                steps.add(item.name)
    return steps


def _callee(decorator: ast.expr) -> ast.expr:
    return decorator.func if isinstance(decorator, ast.Call) else decorator


def _flow_defects(flow: ast.ClassDef, names: _Names) -> Iterator[Defect]:
    """Metaflow refuses to run a flow without a ``start`` and an ``end`` step."""
    steps = _steps(flow, names)
    for required in ("start", "end"):
        if required not in steps:
            yield Defect(
                f'Metaflow flow {flow.name} has no "{required}" step',
                flow.lineno,
                flow.col_offset + 1,
            )
