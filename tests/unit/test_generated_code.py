"""The generated gRPC code must match the protos: regenerate and compare."""

from __future__ import annotations

import filecmp
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_generated_code_is_built_from_the_current_protos(tmp_path: Path) -> None:
    protos = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "protos").rglob("*.proto"))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "grpc_tools.protoc",
            "-I",
            "protos",
            f"--python_out={tmp_path}",
            f"--grpc_python_out={tmp_path}",
            f"--pyi_out={tmp_path}",
            *protos,
        ],
        cwd=ROOT,
        check=True,
    )
    fresh = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*.py*"))
    assert fresh, "protoc generated nothing"
    stale = [
        str(path)
        for path in fresh
        if not (ROOT / "gen" / path).exists()
        or not filecmp.cmp(tmp_path / path, ROOT / "gen" / path, shallow=False)
    ]
    assert not stale, f"generated code is stale, run 'make gen': {stale}"


def test_generated_imports_are_package_qualified() -> None:
    text = (ROOT / "gen" / "lps" / "skills" / "v1" / "skills_pb2.py").read_text()
    assert "from lps.common.v1 import common_pb2" in text
