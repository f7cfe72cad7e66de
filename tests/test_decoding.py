"""Payloads whatever their encoding says, and waits a site asks for."""

from datetime import UTC, datetime

import pytest
from scrapy.http import Request, TextResponse

from crawl.decoding import BadPayload, decoded, json_of
from crawl.middlewares import retry_after_seconds

TEXT = '{"title": "О качестве автомобильных дорог"}'


def response(body: bytes, content_type: str) -> TextResponse:
    return TextResponse(
        "https://example.org/api",
        body=body,
        headers={"Content-Type": content_type},
        request=Request("https://example.org/api"),
    )


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (TEXT.encode(), "application/json"),
        (TEXT.encode(), "application/json; charset=windows-1251"),
        (TEXT.encode("cp1251"), "application/json; charset=windows-1251"),
        (TEXT.encode("cp1251"), "application/json"),
        (b"\xef\xbb\xbf" + TEXT.encode(), "application/json"),
    ],
    ids=["no-charset", "wrong-charset", "cp1251", "cp1251-unlabelled", "bom"],
)
def test_json_is_read_whatever_the_charset_says(body, content_type):
    assert json_of(response(body, content_type)) == {
        "title": "О качестве автомобильных дорог"
    }


def test_kazakh_letters_in_utf8_labelled_cp1251_stay_kazakh():
    assert decoded("ҚҰСПАН Әбенов".encode(), "windows-1251") == "ҚҰСПАН Әбенов"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (TEXT.encode()[:20], "malformed JSON"),
        ('{"detail": "Сервис недоступен"}'.encode(), "an error message instead"),
    ],
)
def test_a_broken_payload_is_an_error_of_that_page(body, message):
    with pytest.raises(BadPayload, match=message):
        json_of(response(body, "application/json"))


def test_retry_after_in_seconds_and_as_a_date():
    now = datetime(2026, 11, 22, 12, 0, 0, tzinfo=UTC)
    assert retry_after_seconds(b"120", now) == 120
    assert retry_after_seconds("Sun, 22 Nov 2026 12:00:30 GMT", now) == 30
    assert retry_after_seconds("Sun, 22 Nov 2026 11:00:00 GMT", now) == 0
    assert retry_after_seconds(b"soon", now) is None
    assert retry_after_seconds(None, now) is None
