"""The `mwatch` command line."""
