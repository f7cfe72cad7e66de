"""Storage: the models, database sessions, idempotent upserts and every table
read and write (writers by record family, name mentions, topic tags, meetings,
changes, published totals, gates, the steps after a crawl), with nothing of
Scrapy."""
