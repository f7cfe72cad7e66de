"""The layering holds: imports point down, to the records and the pure logic.

`make test` runs import-linter with pyproject.toml's contracts; these tests show
that those contracts catch a break, and hold the two ground-floor modules the tool
cannot take as roots (records.py, settings.py) to the standard library.
"""

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = (
    "cli",
    "reports",
    "replica",
    "spiders",
    "scrapers",
    "crawl",
    "storage",
    "matching",
    "topics",
)
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def imported_roots(path: Path) -> set[str]:
    """The top-level names a module imports, wherever in it."""
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("module", ["records.py", "settings.py"])
def test_ground_floor_modules_import_only_the_standard_library(module: str) -> None:
    outside = imported_roots(ROOT / module) - set(sys.stdlib_module_names)
    assert outside == set(), f"{module} imports {sorted(outside)}"


def lint(tree: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--config", str(tree / "pyproject.toml")],
        cwd=tree,
        env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def copy_of_tree(tmp_path: Path) -> Path:
    """The project's packages and configuration, to break on purpose."""
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package,
            tmp_path / package,
            ignore=shutil.ignore_patterns("__pycache__"),
        )
    for module in ("records.py", "settings.py", "pyproject.toml"):
        shutil.copy(ROOT / module, tmp_path / module)
    return tmp_path


def test_the_project_keeps_its_contracts(copy_of_tree: Path) -> None:
    result = lint(copy_of_tree)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        (
            "storage/crawler_inside.py",
            "from scrapy import Spider\n",
            "Storage, matching and topics know nothing of Scrapy",
        ),
        (
            "storage/upward.py",
            "from crawl.base import SourceSpider\n",
            "Layers:",
        ),
        (
            "matching/with_a_database.py",
            "from sqlalchemy import select\n",
            "Matching and topics are pure logic",
        ),
        (
            "spiders/telegram_page.py",
            "from storage.models import Post\n",
            "Parsers are functions of a payload",
        ),
    ],
)
def test_a_broken_layer_fails_the_check(
    copy_of_tree: Path, module: str, line: str, contract: str
) -> None:
    path = copy_of_tree / module
    before = path.read_text(encoding="utf-8") if path.exists() else ""
    path.write_text(line + before, encoding="utf-8")
    result = lint(copy_of_tree)
    assert result.returncode != 0
    broken = result.stdout.split("Broken contracts")[-1]
    assert contract in broken, result.stdout
