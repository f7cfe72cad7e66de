"""Playwright-driven crawlers, and the parsers of the pages a browser renders."""
