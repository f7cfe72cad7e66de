"""Scrapy spiders over HTTP, one per source and record type (`mwatch crawl NAME`),
each beside the pure parser module(s) of its payloads (`<spider>_page.py`)."""
