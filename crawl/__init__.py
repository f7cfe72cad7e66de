"""The machinery every crawler runs in: the base spider, the item pipeline that
calls storage, downloader middlewares, progress, distributed workers, and the
helpers parsers share for reading payloads."""
