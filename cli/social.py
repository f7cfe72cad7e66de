"""Instagram and Facebook on the command line."""

# The sources crawled in a real browser: minutes, not seconds, on the replica.
BROWSER_SOURCES = ("instagram", "facebook")
