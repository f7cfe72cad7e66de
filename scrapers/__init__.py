"""The Playwright-driven crawlers (`mwatch crawl instagram|facebook`, the rendered
activities page the activities spider falls back to), each beside the pure parser
of the page a browser renders."""
