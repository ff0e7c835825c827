"""Every Cypher statement of the skills service is constant text with `$param`
placeholders: no value is ever formatted into a query."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
MODULES = sorted((ROOT / "services" / "skills").rglob("*.py"))
CYPHER = re.compile(r"\b(MATCH|MERGE|CREATE|RETURN|UNWIND|DELETE|SET|WHERE)\b")
QUERY_CALLS = {"run", "execute_query", "Query", "read"}


def formatted_cypher(tree: ast.AST) -> list[int]:
    """Lines where text that reads as Cypher is built from values."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            text = "".join(
                part.value
                for part in node.values
                if isinstance(part, ast.Constant) and isinstance(part.value, str)
            )
            if CYPHER.search(text):
                lines.append(node.lineno)
        elif (
            isinstance(node, ast.BinOp)
            and isinstance(node.op, ast.Mod)
            and isinstance(node.left, ast.Constant)
            and isinstance(node.left.value, str)
            and CYPHER.search(node.left.value)
        ) or (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "format"
            and isinstance(node.func.value, ast.Constant)
            and CYPHER.search(str(node.func.value.value))
        ):
            lines.append(node.lineno)
    return lines


def built_query_arguments(tree: ast.AST) -> list[int]:
    """Lines where a query call is handed an f-string or a formatted string."""
    lines = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else ""
        if isinstance(node.func, ast.Name):
            name = node.func.id
        first = node.args[0]
        if name in QUERY_CALLS and (
            isinstance(first, ast.JoinedStr)
            or (isinstance(first, ast.BinOp) and isinstance(first.op, ast.Mod))
            or (
                isinstance(first, ast.Call)
                and isinstance(first.func, ast.Attribute)
                and first.func.attr == "format"
            )
        ):
            lines.append(node.lineno)
    return lines


@pytest.mark.parametrize("module", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_cypher_is_formatted(module: Path) -> None:
    tree = ast.parse(module.read_text(), filename=str(module))
    assert formatted_cypher(tree) == []
    assert built_query_arguments(tree) == []


def test_the_check_catches_a_formatted_query() -> None:
    bad = ast.parse(
        'person_id = "x"\n'
        "session.run(f\"MATCH (p:Person {{id: '{person_id}'}}) RETURN p\")\n"
        "tx.run(\"MATCH (p) WHERE p.id = '%s' RETURN p\" % person_id)\n"
    )
    assert formatted_cypher(bad) == [2, 3]
    assert built_query_arguments(bad) == [2, 3]
