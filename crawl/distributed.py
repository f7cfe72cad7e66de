"""Distributed crawling on scrapy-redis: `mwatch crawl --worker` processes, on one
machine or several, share one request queue and one seen-set in Redis and write
to one database.

scrapy-redis pops a request off the shared queue: a worker killed with requests in
flight would lose them, as their fingerprints stay in the seen-set and no worker
fetches them again. Here a pop is a lease instead: the request moves, atomically,
from the queue to the worker's lease hash, and leaves it only once Scrapy is done
with it (its callback ran, its items were stored, the requests it yielded were
queued). Each worker keeps a key alive in Redis; when that key expires (the worker
died), another worker puts its leased requests back in the queue. Writes are
idempotent, so a page fetched twice is stored once.

A worker's crawl of a source ends when the queue is empty and no live worker holds
a lease; the last one to leave clears the seen-set, so the next night starts
afresh. Keys, for a prefix P and a source S: P:S:requests (the queue, a sorted
set), P:S:dupefilter (the seen-set), P:S:leases:<worker>, P:S:workers, P:S:leases
(the lease counter) and P:alive:<worker>.
"""

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from redis.exceptions import RedisError
from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.utils.defer import deferred_from_coro
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler
from twisted.internet import task

logger = logging.getLogger(__name__)
Result = TypeVar("Result")

# Move the first request of the queue (KEYS[1]) into the lease hash (KEYS[2])
# under a new lease number (KEYS[3]), kept with its score: "score|request"; the
# worker (ARGV[1]) is one of the workers (KEYS[4]) while it holds a lease.
POP = """
local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #first == 0 then return false end
redis.call('ZREM', KEYS[1], first[1])
local lease = redis.call('INCR', KEYS[3])
redis.call('HSET', KEYS[2], lease, first[2] .. '|' .. first[1])
redis.call('SADD', KEYS[4], ARGV[1])
return {lease, first[1]}
"""
# Put a dead worker's (ARGV[1]) leased requests (KEYS[1]) back in the queue
# (KEYS[2]) with their scores, and forget the worker (KEYS[3], the workers).
RECLAIM = """
local entries = redis.call('HVALS', KEYS[1])
for _, entry in ipairs(entries) do
  local bar = string.find(entry, '|', 1, true)
  redis.call('ZADD', KEYS[2], string.sub(entry, 1, bar - 1),
             string.sub(entry, bar + 1))
end
redis.call('DEL', KEYS[1])
redis.call('SREM', KEYS[3], ARGV[1])
return #entries
"""
# A worker (ARGV[1]) leaving the crawl of a source after it finished: the last
# one out, with the queue (KEYS[2]) empty, clears the seen-set (KEYS[3]) and the
# lease counter (KEYS[4]). Returns 1 when it did.
LEAVE = """
redis.call('SREM', KEYS[1], ARGV[1])
if redis.call('SCARD', KEYS[1]) == 0 and redis.call('ZCARD', KEYS[2]) == 0 then
  redis.call('DEL', KEYS[3], KEYS[4])
  return 1
end
return 0
"""


def worker_settings(redis_url: str, prefix: str) -> dict[str, Any]:
    """The Scrapy settings that make a crawl a worker of the shared crawl."""
    if not prefix or "%" in prefix or ":" in prefix:
        raise ValueError(
            f"MWATCH_REDIS_PREFIX {prefix!r}: use letters, digits, - or _ (no : or %)"
        )
    return {
        "WORKER": True,
        "REDIS_URL": redis_url,
        "REDIS_PREFIX": prefix,
        "SCHEDULER": "crawl.distributed.LeasingScheduler",
        "SCHEDULER_QUEUE_CLASS": "crawl.distributed.LeasedQueue",
        "SCHEDULER_QUEUE_KEY": f"{prefix}:%(spider)s:requests",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_DUPEFILTER_KEY": f"{prefix}:%(spider)s:dupefilter",
        # The workers clear the shared state themselves, the last one out.
        "SCHEDULER_PERSIST": True,
        # Each page is written as soon as it is parsed, before the requests it
        # yields reach the shared queue: another worker may fetch a request's
        # PDF at once, and its file needs the request stored ("request 5497 is
        # not stored" when pages waited a second to be written in a group).
        "STORAGE_FLUSH_SECONDS": 0,
        # A Redis that does not answer is an error within seconds, not a wait.
        "REDIS_PARAMS": {"socket_timeout": 10, "socket_connect_timeout": 5},
    }


class LeasedQueue(PriorityQueue):
    """scrapy-redis's priority queue, whose pop leases the request."""

    def pop_leased(
        self, leases: str, counter: str, workers: str, worker: str
    ) -> tuple[int, Request] | None:
        popped = self.server.eval(POP, 4, self.key, leases, counter, workers, worker)
        if not popped:
            return None
        lease, encoded = popped
        return int(lease), self._decode_request(encoded)


class LeasingScheduler(Scheduler):
    """scrapy-redis's scheduler, leasing what it hands out (see the module)."""

    queue: LeasedQueue

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "LeasingScheduler":
        scheduler = super().from_crawler(crawler)
        scheduler.crawler = crawler
        scheduler.prefix = crawler.settings["REDIS_PREFIX"]
        scheduler.heartbeat = crawler.settings.getfloat("WORKER_HEARTBEAT")
        scheduler.grace = crawler.settings.getfloat("WORKER_REDIS_GRACE")
        scheduler.down_since = None
        scheduler.giving_up = False
        return scheduler

    def guarded(self, call: Callable[[], Result], fallback: Result) -> Result:
        """`call()`, or `fallback` while Redis cannot be reached: the worker waits
        for it (as for a slow page) up to WORKER_REDIS_GRACE seconds, then stops
        its crawl of the source, which is then recorded failed."""
        try:
            result = call()
        except RedisError as exc:
            self.redis_down(exc)
            return fallback
        if self.down_since is not None:
            logger.warning("worker %s: Redis answers again", self.worker)
            self.down_since = None
        return result

    def redis_down(self, exc: Exception) -> None:
        now = time.monotonic()
        if self.down_since is None:
            self.down_since = now
            logger.warning(
                "worker %s: Redis does not answer (%s); the crawl stops if it "
                "does not answer within %.0f seconds (MWATCH_WORKER_REDIS_GRACE)",
                self.worker,
                exc,
                self.grace,
            )
        elif now - self.down_since >= self.grace and not self.giving_up:
            self.giving_up = True
            reason = f"redis unreachable for {self.grace:.0f} seconds: {exc}"
            logger.error("worker %s: %s; stopping", self.worker, reason)
            from twisted.internet import reactor  # the one Scrapy installed

            engine = self.crawler.engine
            reactor.callLater(
                0, lambda: deferred_from_coro(engine.close_spider_async(reason=reason))
            )

    def open(self, spider: Spider) -> None:
        super().open(spider)
        base = f"{self.prefix}:{spider.name}"
        self.worker = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.workers_key = f"{base}:workers"
        self.counter_key = f"{base}:leases"
        self.leased: dict[int, Request] = {}
        # The heartbeat runs in a thread of its own: a worker busy reading a
        # large PDF is slow, not dead.
        self.stopping = threading.Event()
        self.beat()
        self.heart = threading.Thread(target=self.keep_beating, daemon=True)
        self.heart.start()
        if hasattr(spider, "report"):
            spider.report["worker"] = self.worker
        self.reclaim_dead()
        if not self.live_others() and not len(self.queue):
            # The last crawl ended, or every worker of it died with nothing
            # queued: its seen-set would hide tonight's pages.
            self.df.clear()
        self.loop = task.LoopingCall(self.release_done)
        self.loop.start(1.0, now=False)
        logger.info("worker %s joined the crawl of %s", self.worker, spider.name)

    def leases_key(self, worker: str) -> str:
        return f"{self.prefix}:{self.spider.name}:leases:{worker}"

    def alive_key(self, worker: str) -> str:
        return f"{self.prefix}:alive:{worker}"

    def beat(self) -> None:
        """Say this worker is alive, for three heartbeats, and one of the crawl's."""
        ttl = max(1, int(self.heartbeat * 3 * 1000))
        self.server.set(self.alive_key(self.worker), 1, px=ttl)
        self.server.sadd(self.workers_key, self.worker)

    def keep_beating(self) -> None:
        """Beat until the worker stops; an outage is logged once, not per beat
        (the scheduler decides when it has lasted too long)."""
        failing = False
        while not self.stopping.wait(self.heartbeat):
            try:
                self.beat()
            except RedisError as exc:
                if not failing:
                    logger.warning("worker %s: no heartbeat: %s", self.worker, exc)
                failing = True
            else:
                failing = False

    def release_done(self) -> None:
        self.guarded(self._release_done, None)

    def _release_done(self) -> None:
        """End the leases of the requests Scrapy is done with: it keeps a request
        in its engine's in-progress set until its response went through the
        callback, the items were stored and the new requests queued."""
        engine = self.crawler.engine
        slot = getattr(engine, "_slot", None) if engine else None
        if slot is None:
            return
        running = slot.inprogress
        done = [n for n, request in self.leased.items() if request not in running]
        if done:
            self.server.hdel(self.leases_key(self.worker), *done)
            for lease in done:
                del self.leased[lease]

    def others(self) -> list[str]:
        members = self.server.smembers(self.workers_key)
        names = (m.decode() if isinstance(m, bytes) else m for m in members)
        return [name for name in names if name != self.worker]

    def live_others(self) -> list[str]:
        return [w for w in self.others() if self.server.exists(self.alive_key(w))]

    def reclaim_dead(self) -> int:
        """Put the requests leased by workers that died back in the queue."""
        reclaimed = 0
        for worker in self.others():
            if self.server.exists(self.alive_key(worker)):
                continue
            count = self.server.eval(
                RECLAIM,
                3,
                self.leases_key(worker),
                self.queue.key,
                self.workers_key,
                worker,
            )
            if count:
                logger.warning(
                    "worker %s is gone: the %d requests it had taken are back in "
                    "the queue",
                    worker,
                    count,
                )
                self.stats.inc_value("mwatch/worker/reclaimed", count)
            reclaimed += count
        return reclaimed

    def enqueue_request(self, request: Request) -> bool:
        # Lost with Redis: the crawl stops, and the next one fetches it again.
        return self.guarded(lambda: self._enqueue(request), False)

    def _enqueue(self, request: Request) -> bool:
        if not request.dont_filter and self.df.request_seen(request):
            self.df.log(request, self.spider)
            return False
        self.stats.inc_value("scheduler/enqueued/redis")
        self.queue.push(request)
        return True

    def next_request(self) -> Request | None:
        return self.guarded(self._next_request, None)

    def _next_request(self) -> Request | None:
        self._release_done()
        popped = self.pop()
        if popped is None and self.reclaim_dead():
            popped = self.pop()
        if popped is None:
            return None
        lease, request = popped
        self.leased[lease] = request
        self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def pop(self) -> tuple[int, Request] | None:
        return self.queue.pop_leased(
            self.leases_key(self.worker),
            self.counter_key,
            self.workers_key,
            self.worker,
        )

    def has_pending_requests(self) -> bool:
        """Requests queued, or leased by another live worker (whose pages may
        yield more): this worker's crawl of the source is not over. Without
        Redis, it is not over either, until the grace runs out."""
        return self.guarded(self._has_pending_requests, True)

    def _has_pending_requests(self) -> bool:
        self._release_done()
        if len(self.queue) or self.reclaim_dead():
            return True
        return any(
            self.server.hlen(self.leases_key(worker)) for worker in self.live_others()
        )

    def close(self, reason: str) -> None:
        if self.loop.running:
            self.loop.stop()
        self.stopping.set()
        self.heart.join()
        try:
            self.leave(reason)
        except RedisError as exc:
            logger.warning(
                "worker %s could not leave the shared crawl (%s): its requests "
                "return to the queue once its heartbeat key expires",
                self.worker,
                exc,
            )

    def leave(self, reason: str) -> None:
        if reason != "finished":
            # Stopped early: what it leased and did not finish goes back to the
            # queue as soon as the others see it gone.
            self.server.delete(self.alive_key(self.worker))
            logger.warning(
                "worker %s stopped (%s); its unfinished requests return to the queue",
                self.worker,
                reason,
            )
            return
        self.reclaim_dead()
        self.server.delete(self.leases_key(self.worker), self.alive_key(self.worker))
        last = self.server.eval(
            LEAVE,
            4,
            self.workers_key,
            self.queue.key,
            self.df.key,
            self.counter_key,
            self.worker,
        )
        logger.info(
            "worker %s left the crawl of %s%s",
            self.worker,
            self.spider.name,
            ", the last one: the crawl is complete" if last else "",
        )
