"""Reading the files people keep by hand (accounts, programmes)."""

from pathlib import Path


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
