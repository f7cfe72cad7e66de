"""The browser spiders' requests can be queued in Redis, as `mwatch crawl
--worker` does: nothing in them but names and plain values."""

import pickle

import pytest
from scrapy.utils.request import request_from_dict
from scrapy.utils.test import get_crawler

from scrapers.facebook import FacebookSpider
from scrapers.instagram import InstagramSpider

SETTINGS = {"INSTAGRAM_URL": "http://x/instagram", "FACEBOOK_URL": "http://x/facebook"}


@pytest.mark.parametrize("spider_class", [InstagramSpider, FacebookSpider])
def test_account_requests_survive_a_queue(spider_class, tmp_path):
    spider = spider_class.from_crawler(get_crawler(spider_class, SETTINGS))
    spider.pages_opened, spider.pages_per_context, spider.open_pages = 0, 2, {}
    spider.state_path = str(tmp_path / "state.json")
    request = spider.account_request("someone")
    queued = request_from_dict(
        pickle.loads(pickle.dumps(request.to_dict(spider=spider))), spider=spider
    )
    assert queued.url == request.url and queued.callback == request.callback
    assert queued.meta["playwright_context_kwargs"]["storage_state"] == str(
        tmp_path / "state.json"
    )
    # Pages share a context up to PAGES_PER_CONTEXT, then a new one opens.
    contexts = [spider.account_request(h).meta["playwright_context"] for h in "ab"]
    assert contexts == [f"{spider.name}-0", f"{spider.name}-1"]
