"""Scrapy spiders, one per source and record type (`mwatch crawl NAME`)."""
