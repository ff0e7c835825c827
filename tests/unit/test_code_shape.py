"""Units a reader can hold in their head: no function over MAX_FUNCTION_LINES
and no module over MAX_MODULE_LINES in services/. Generated gRPC code and the
web page's node_modules are not ours to shape."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ROOT / "services"
MAX_FUNCTION_LINES = 50
MAX_MODULE_LINES = 400
GENERATED_SUFFIXES = ("_pb2.py", "_pb2_grpc.py")
SKIPPED_FOLDERS = {"node_modules", "__pycache__"}


def source_files() -> list[Path]:
    return sorted(
        path
        for path in SERVICES.rglob("*.py")
        if not SKIPPED_FOLDERS & set(path.relative_to(SERVICES).parts)
        and not path.name.endswith(GENERATED_SUFFIXES)
    )


def long_functions(path: Path, root: Path = ROOT) -> list[str]:
    """`path:line name (n lines)` for every function, method or nested function
    longer than the limit, decorators not counted; paths relative to `root`."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            assert node.end_lineno is not None
            length = node.end_lineno - node.lineno + 1
            if length > MAX_FUNCTION_LINES:
                where = path.relative_to(root)
                found.append(f"{where}:{node.lineno} {node.name} ({length} lines)")
    return found


def line_count(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def test_the_walk_finds_the_services_code() -> None:
    names = {path.relative_to(SERVICES).as_posix() for path in source_files()}
    assert "matching/entrypoints/server.py" in names
    assert not any("node_modules" in name or name.endswith("_pb2.py") for name in names)


def test_the_check_names_a_function_one_line_over(tmp_path: Path) -> None:
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_FUNCTION_LINES))
    sample = tmp_path / "sample.py"
    sample.write_text(f"def long_one() -> None:\n{body}\n\n\ndef short_one() -> None:\n    pass\n")
    found = long_functions(sample, root=tmp_path)
    assert found == [f"sample.py:1 long_one ({MAX_FUNCTION_LINES + 1} lines)"]


def test_no_function_is_over_the_limit() -> None:
    found = [entry for path in source_files() for entry in long_functions(path)]
    assert found == [], f"functions over {MAX_FUNCTION_LINES} lines:\n" + "\n".join(found)


def test_no_module_is_over_the_limit() -> None:
    found = [
        f"{path.relative_to(ROOT)} ({count} lines)"
        for path in source_files()
        if (count := line_count(path)) > MAX_MODULE_LINES
    ]
    assert found == [], f"modules over {MAX_MODULE_LINES} lines:\n" + "\n".join(found)
