"""The code follows the project's lint rules (pyproject.toml [tool.ruff]).

Among them B015/B018, which catch a bare comparison or expression standing where an
``assert`` was meant: a test that cannot fail.
"""

import shutil
import subprocess
import sys
from pathlib import Path

from conftest import require

ROOT = Path(__file__).resolve().parents[1]


def test_ruff_finds_nothing():
    require("ruff")
    ruff = shutil.which("ruff") or str(Path(sys.executable).with_name("ruff"))
    result = subprocess.run([ruff, "check", "nnlessons", "tests", "benchmarks", "course.py"],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
