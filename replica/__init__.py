"""A local replica of the sites mazhilis-watch crawls (see ../shared/sources)."""

from replica.app import build_app
from replica.command import main
from replica.dataset import (
    DatasetError,
    dump_dataset,
    generate_dataset,
    load_dataset,
    present_day,
    validate_dataset,
)
from replica.process import ReplicaProcess

__all__ = [
    "DatasetError",
    "ReplicaProcess",
    "build_app",
    "dump_dataset",
    "generate_dataset",
    "load_dataset",
    "main",
    "present_day",
    "validate_dataset",
]
