"""The Mazhilis's deputies and convocations (SOURCES.md §1.1–1.2).

The deputies list comes in Kazakh (the default) and in Russian (Accept-Language:
ru); both are merged by the deputy's `id` so each deputy keeps both name forms.
The list is the sitting convocation's, so convocations are fetched first. The
by-alphabet lists, in both languages too, also name the deputies whose mandate
ended (`is_active: false`): they are stored as former deputies, not sitting.
"""

from collections.abc import Iterator
from typing import Any

from scrapy import Request
from scrapy.http import Response
from twisted.python.failure import Failure

from crawl.decoding import BadPayload, json_of
from records import DeputyItem, DocumentRef, Page, PublishedCountItem, Scope, scope_of
from spiders.mazhilis import MazhilisSpider
from spiders.mazhilis_deputies_page import (
    CONVOCATION_FIELDS,
    DEPUTY_FIELDS,
    DEPUTY_REQUIRED,
    DeputyRecord,
    ParseError,
    merge_deputy,
    parse_convocations,
    parse_deputy,
    sitting_convocation,
)

LANGUAGES = ("kk", "ru")


class MazhilisDeputiesSpider(MazhilisSpider):
    name = "mazhilis-deputies"
    sitting: int | None = None

    def complete_scopes(self) -> list[Scope]:
        """The lists are whole: a deputy, a name form, an account or a mandate of
        the sitting convocation no longer listed is gone."""
        return [Scope("deputies", convocation=self.sitting)]

    def deputies_request(self, lang: str, **cb_kwargs: Any) -> Request:
        return self.list_request(
            "deputies/?ord=last_name",
            lang,
            self.parse_deputies,
            self.on_deputies_error,
            cb_kwargs,
        )

    def alphabet_request(self, lang: str, **cb_kwargs: Any) -> Request:
        return self.list_request(
            "deputies/by-alphabet/",
            lang,
            self.parse_alphabet,
            self.on_alphabet_error,
            cb_kwargs,
        )

    def list_request(
        self,
        path: str,
        lang: str,
        callback: Any,
        errback: Any,
        cb_kwargs: dict[str, Any],
    ) -> Request:
        """A deputies list of the API in `lang` (by its Accept-Language)."""
        return Request(
            self.api(path),
            headers={"Accept-Language": lang, "Accept": "application/json"},
            callback=callback,
            errback=errback,
            cb_kwargs={"lang": lang, **cb_kwargs},
            # The same URL in another language: the dupefilter ignores headers.
            dont_filter=True,
        )

    async def start(self) -> Any:
        yield Request(
            self.api("convocations/"),
            headers={"Accept": "application/json"},
            callback=self.parse_convocations,
            errback=self.on_index_error,
        )

    def parse_convocations(self, response: Response) -> Iterator[Any]:
        """Store the convocations, then fetch the sitting one's deputies."""
        document = self.document(response)
        try:
            payload = json_of(response)
        except BadPayload as exc:
            yield from self.retry_or_fail(response, str(exc), index=True)
            return
        if isinstance(payload, list):
            payload = self.layout.complete(
                "convocations", response.url, payload, CONVOCATION_FIELDS, ("number",)
            )
        try:
            convocations = parse_convocations(payload)
            sitting = sitting_convocation(convocations)
        except (ParseError, KeyError, TypeError, ValueError) as exc:
            self.fail(f"{response.url}: {exc}")
        for convocation in convocations:
            convocation.document = document.ref
        self.sitting = sitting.number
        yield Page([document], convocations)
        yield self.deputies_request(
            LANGUAGES[0], convocation=sitting.number, records={}, documents={}
        )

    def parse_deputies(
        self,
        response: Response,
        lang: str,
        convocation: int,
        records: dict[str, dict[int, DeputyRecord]],
        documents: dict[str, DocumentRef],
    ) -> Iterator[Any]:
        """Parse one language's list; after the last, merge and yield deputies."""
        document = self.document(response, variant=lang)
        try:
            payload = json_of(response)
        except BadPayload as exc:
            yield from self.retry_or_fail(response, str(exc), index=True)
            return
        documents[lang] = document.ref
        if not isinstance(payload, list):
            self.fail(f"{response.url} ({lang}): expected a JSON list of deputies")
        if lang == LANGUAGES[0]:
            self.report["total"] = len(payload)
        low = self.settings.getint("MAZHILIS_DEPUTIES_MIN")
        high = self.settings.getint("MAZHILIS_DEPUTIES_MAX")
        if not low <= len(payload) <= high:
            self.fail(
                f"{response.url} ({lang}) lists {len(payload)} deputies, outside the "
                f"sanity band {low}..{high} for a 98-seat chamber: nothing stored"
            )
        records[lang] = {}
        complete = self.layout.complete(
            f"deputies-{lang}", response.url, payload, DEPUTY_FIELDS, DEPUTY_REQUIRED
        )
        for obj in complete:
            try:
                record = parse_deputy(obj, lang)
            except ParseError as exc:
                self.page_failed(response.url, str(exc))
                continue
            for name in record.unknown_fields:
                self.warn(f"deputies ({lang}): unknown field {name!r}, new in the API?")
            records[lang][record.mazhilis_id] = record
        listed = PublishedCountItem(
            self.name,
            "deputies",
            scope_of(lang=lang),
            len(payload),
            detail={"ids": sorted(records[lang])},
            document=document.ref,
        )
        following = LANGUAGES.index(lang) + 1
        if following < len(LANGUAGES):
            yield Page([document], [listed])
            yield self.deputies_request(
                LANGUAGES[following],
                convocation=convocation,
                records=records,
                documents=documents,
            )
            return
        changed = self.layout_changed()
        if changed:
            # Deputies lacking fields would overwrite what is stored: none is.
            yield Page([document])
            self.fail(changed)
        yield Page([document], [listed])
        yield self.alphabet_request(
            LANGUAGES[0],
            convocation=convocation,
            records=records,
            documents=documents,
            former={},
        )

    def parse_alphabet(
        self,
        response: Response,
        lang: str,
        convocation: int,
        records: dict[str, dict[int, DeputyRecord]],
        documents: dict[str, DocumentRef],
        former: dict[str, dict[int, DeputyRecord]],
    ) -> Iterator[Any]:
        """One language's by-alphabet list: the former deputies it names beside
        the sitting ones; after the last, every deputy is yielded."""
        document = self.document(response, variant=f"alphabet-{lang}")
        try:
            payload = json_of(response)
        except BadPayload as exc:
            retry = list(self.retry_or_fail(response, str(exc)))
            yield from retry or [
                Page([], self.all_deputies(records, former, convocation, documents))
            ]
            return
        former[lang] = {}
        try:
            listed = [d for group in payload for d in group["deputies"]]
        except (KeyError, TypeError) as exc:
            yield self.unreadable(document, "deputies-alphabet", f"no groups: {exc}")
            listed = []
        complete = self.layout.complete(
            f"deputies-alphabet-{lang}",
            response.url,
            listed,
            DEPUTY_FIELDS,
            DEPUTY_REQUIRED,
        )
        for obj in complete:
            if obj.get("is_active") is not False:
                continue  # a sitting deputy: the plain list has them
            try:
                record = parse_deputy(obj, lang)
            except ParseError as exc:
                self.page_failed(response.url, str(exc))
                continue
            if record.mazhilis_id not in records.get(lang, {}):
                former[lang][record.mazhilis_id] = record
        following = LANGUAGES.index(lang) + 1
        if following < len(LANGUAGES):
            yield Page([document])
            yield self.alphabet_request(
                LANGUAGES[following],
                convocation=convocation,
                records=records,
                documents=documents | {f"alphabet-{lang}": document.ref},
                former=former,
            )
            return
        documents = documents | {f"alphabet-{lang}": document.ref}
        self.report["former"] = len(set().union(*map(set, former.values())))
        deputies = self.all_deputies(records, former, convocation, documents)
        yield Page([document], deputies)

    def on_alphabet_error(self, failure: Failure) -> Iterator[Page]:
        """A by-alphabet list that failed: the sitting deputies are still stored,
        and the former ones the other language named."""
        self.on_error(failure)
        kwargs = failure.request.cb_kwargs  # type: ignore[attr-defined]
        yield Page(
            [],
            self.all_deputies(
                kwargs["records"],
                kwargs["former"],
                kwargs["convocation"],
                kwargs["documents"],
            ),
        )

    def all_deputies(
        self,
        records: dict[str, dict[int, DeputyRecord]],
        former: dict[str, dict[int, DeputyRecord]],
        convocation: int,
        documents: dict[str, DocumentRef],
    ) -> list[DeputyItem]:
        """The sitting deputies, then the former ones (their name forms point to
        the by-alphabet lists they were read in)."""
        alphabet = {
            lang: documents[f"alphabet-{lang}"]
            for lang in LANGUAGES
            if f"alphabet-{lang}" in documents
        }
        return [
            *self.merged(records, convocation, documents),
            *self.merged(former, convocation, alphabet),
        ]

    def on_deputies_error(self, failure: Failure) -> Iterator[Page]:
        """A list that failed: the languages fetched before it are still stored."""
        self.on_error(failure)
        kwargs = failure.request.cb_kwargs  # type: ignore[attr-defined]
        if kwargs["records"]:
            merged = self.merged(
                kwargs["records"], kwargs["convocation"], kwargs["documents"]
            )
            yield Page([], merged)

    def merged(
        self,
        records: dict[str, dict[int, DeputyRecord]],
        convocation: int,
        documents: dict[str, DocumentRef],
    ) -> list[DeputyItem]:
        ids = sorted(set().union(*(set(by_id) for by_id in records.values())))
        deputies = []
        for mazhilis_id in ids:
            forms = {
                lang: by_id[mazhilis_id]
                for lang, by_id in records.items()
                if mazhilis_id in by_id
            }
            for lang in LANGUAGES:
                if lang not in forms:
                    self.warn(f"deputy {mazhilis_id} is missing from the {lang} list")
            deputies.append(merge_deputy(forms, convocation, documents))
        return deputies
