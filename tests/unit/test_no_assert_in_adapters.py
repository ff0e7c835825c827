"""`python -O` strips `assert`: a check on what the graph or a peer service
returns must be a real one, raising a domain error."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SERVICES = Path(__file__).resolve().parents[2] / "services"
ADAPTERS = sorted(SERVICES.glob("*/adapters/*.py"))


def test_there_are_adapters_to_check() -> None:
    assert any(path.name == "neo4j_staffing.py" for path in ADAPTERS)


@pytest.mark.parametrize("path", ADAPTERS, ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_no_adapter_checks_with_assert(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    lines = [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Assert)]
    assert lines == [], f"{path.name}: assert on lines {lines}"
