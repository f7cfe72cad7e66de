"""Topics: what requests, meetings, posts and party news are about."""
