"""Reading the files people keep by hand (accounts, programmes)."""

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

Parsed = TypeVar("Parsed")


def read_text(path: Path, error: type[Exception]) -> str:
    """The file's UTF-8 text; `error` with a message naming the file when it
    cannot be read."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error(f"{path}: no such file") from None
    except IsADirectoryError:
        raise error(f"{path}: is a folder, not a file") from None
    except UnicodeDecodeError as exc:
        raise error(f"{path}: not UTF-8 text ({exc.reason})") from None
    except OSError as exc:
        raise error(f"{path}: {exc.strerror}") from None


def parsed_lines(
    path: Path,
    error: type[Exception],
    parse_line: Callable[[str], Parsed | None],
) -> tuple[list[tuple[int, Parsed]], list[tuple[int, str]]]:
    """Each line `parse_line` reads, with its number (blank and comment lines,
    for which it gives None, left out), and for each it refuses with a
    ValueError its number and a message naming the file and line: one bad line
    costs only itself."""
    read, problems = [], []
    for number, line in enumerate(read_text(path, error).splitlines(), start=1):
        try:
            parsed = parse_line(line)
        except ValueError as exc:
            problems.append((number, f"{path}:{number}: {exc}"))
            continue
        if parsed is not None:
            read.append((number, parsed))
    return read, problems
