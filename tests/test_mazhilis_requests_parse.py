"""The requests spider's parsers on the shared sample, unchanged (SOURCES.md §1.3),
and the reading of PDFs."""

import json
from datetime import date
from urllib.parse import unquote

import pytest
from fpdf import FPDF

from crawl.pdf import read_pdf
from spiders.mazhilis_deputies_page import file_link, site_path
from spiders.mazhilis_requests_page import parse_request

DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


@pytest.fixture(scope="module")
def page(samples):
    return json.loads(
        (samples / "mazhilis" / "deputy_requests.page1.json").read_text("utf-8")
    )


@pytest.fixture(scope="module")
def requests(page):
    return {item["id"]: parse_request(item) for item in page["result"]}


def test_every_item_of_the_page_is_parsed(page, requests):
    assert page["count"] == 3
    assert sorted(requests) == [5012, 5013, 5020]


def test_request_fields(requests):
    request = requests[5012]
    assert request.number == "ДЗ-8-1-112"
    assert request.request_date == date(2023, 10, 4)
    assert request.title.startswith("О возврате незаконно выведенных активов")
    assert request.addressee == "Премьер-Министру Республики Казахстан Смаилову А.А."
    assert (request.source_convocation_id, request.source_session_id) == (8, 82)
    # A path is kept on the site's public host, for people to click.
    assert request.document_url == "https://mazhilis.parlam.kz/media/requests/5012.pdf"


def test_answer_date_and_document(requests):
    assert requests[5012].answer_date == date(2023, 11, 3)
    assert (
        requests[5012].answer_document_url
        == "https://mazhilis.parlam.kz/media/requests/5012-answer.pdf"
    )


def test_unanswered_request_has_no_answer(requests):
    assert requests[5013].answer_date is None
    assert requests[5013].answer_document_url is None


def test_initiators_and_signatories_keep_roles_ids_and_names_as_given(requests):
    people = [
        (p.role, p.position, p.source_deputy_id, p.name_as_given)
        for p in requests[5013].participants
    ]
    assert people == [
        ("initiator", 0, 64, "Исабеков Д.Д."),
        ("signatory", 0, 56, "Калыков А.К."),
        ("signatory", 1, 71, "Куспан А. Т."),
    ]


def test_a_request_without_signatories(requests):
    assert [p.role for p in requests[5020].participants] == ["initiator"]


def test_a_participant_without_an_id_is_kept_by_name(page):
    item = page["result"][0] | {"signatories": [{"id": None, "full_name": "Иванов И."}]}
    signatory = parse_request(item).participants[-1]
    assert (signatory.source_deputy_id, signatory.name_as_given) == (None, "Иванов И.")


def test_item_hash_changes_with_the_content(page):
    item = page["result"][1]
    answered = item | {
        "answer": {"answer_date": "2023-12-01", "document_url": "/a.pdf"}
    }
    assert parse_request(item).item_hash == parse_request(dict(item)).item_hash
    assert parse_request(item).item_hash != parse_request(answered).item_hash


def test_request_without_title_is_an_error(page):
    with pytest.raises(ValueError, match="5012"):
        parse_request(page["result"][0] | {"title": ""})


@pytest.fixture(scope="module")
def absolute(samples):
    page = json.loads(
        (samples / "mazhilis" / "deputy_requests.absolute_urls.json").read_text("utf-8")
    )
    return {item["id"]: parse_request(item) for item in page["result"]}


# "Депутатский запрос №5012.pdf" and "Ответ на запрос №5012.pdf", encoded once.
REQUEST_5012 = (
    "/media/requests/2023/10/%D0%94%D0%B5%D0%BF%D1%83%D1%82%D0%B0%D1%82%D1%81"
    "%D0%BA%D0%B8%D0%B9%20%D0%B7%D0%B0%D0%BF%D1%80%D0%BE%D1%81%20%E2%84%965012.pdf"
)
ANSWER_5012 = (
    "/media/requests/2023/11/%D0%9E%D1%82%D0%B2%D0%B5%D1%82%20%D0%BD%D0%B0%20"
    "%D0%B7%D0%B0%D0%BF%D1%80%D0%BE%D1%81%20%E2%84%965012.pdf"
)


def test_absolute_links_on_the_site_host_are_kept_public_and_encoded_once(absolute):
    assert sorted(absolute) == [5012, 5013, 5020]
    request = absolute[5012]
    assert request.document_url == "https://mazhilis.parlam.kz" + REQUEST_5012
    assert request.answer_document_url == "https://mazhilis.parlam.kz" + ANSWER_5012
    assert request.answer_date == date(2023, 11, 3)
    assert unquote(request.document_url).endswith("/Депутатский запрос №5012.pdf")
    # What the crawler fetches from its configured base: the path, as encoded.
    assert site_path(request.document_url) == REQUEST_5012
    assert "%25" not in site_path(request.answer_document_url)


def test_the_other_fields_of_the_absolute_sample_are_those_of_the_first(
    absolute, requests
):
    for request_id in (5012, 5020):
        assert absolute[request_id].title == requests[request_id].title
        assert absolute[request_id].number == requests[request_id].number
        assert absolute[request_id].participants == requests[request_id].participants


def test_a_former_deputy_is_named_without_an_id(absolute):
    people = [
        (p.role, p.position, p.source_deputy_id, p.name_as_given)
        for p in absolute[5013].participants
    ]
    assert people == [
        ("initiator", 0, 64, "Исабеков Д.Д."),
        ("signatory", 0, 56, "Калыков А.К."),
        ("signatory", 1, 71, "Куспан А. Т."),
        ("signatory", 2, None, "Смагулов Р.Б."),
    ]


@pytest.mark.parametrize(
    ("given", "public", "path"),
    [
        ("/media/requests/5012.pdf", "https://mazhilis.parlam.kz/media/requests/5012.pdf",
         "/media/requests/5012.pdf"),
        # Unencoded Cyrillic and spaces are encoded; the %XX already there stay.
        ("http://mazhilis.parlam.kz/media/r/Ответ №1.pdf",
         "https://mazhilis.parlam.kz/media/r/%D0%9E%D1%82%D0%B2%D0%B5%D1%82%20%E2%84%961.pdf",
         "/media/r/%D0%9E%D1%82%D0%B2%D0%B5%D1%82%20%E2%84%961.pdf"),
        ("https://www.mazhilis.parlam.kz/media/a%20b.pdf?v=2",
         "https://mazhilis.parlam.kz/media/a%20b.pdf?v=2", "/media/a%20b.pdf?v=2"),
        # Another host is kept as given and never fetched.
        ("https://evil.example/media/r/1.pdf", "https://evil.example/media/r/1.pdf",
         None),
    ],
)  # fmt: skip
def test_file_links_become_public_and_their_path_is_fetched(given, public, path):
    assert file_link(given) == public
    assert site_path(public) == path


def pdf_with(text: str | None) -> bytes:
    pdf = FPDF()
    pdf.add_page()
    if text is None:
        pdf.line(10, 10, 100, 100)
    else:
        pdf.add_font("DejaVu", fname=DEJAVU)
        pdf.set_font("DejaVu", size=12)
        pdf.multi_cell(0, 8, text)
    return bytes(pdf.output())


def test_pdf_text_in_cyrillic_is_read():
    reading = read_pdf(pdf_with("Депутатский запрос ДЗ-8-1-112\nҚұспан Әбенов"))
    assert reading.status == "ok"
    assert reading.pages == 1
    assert "ДЗ-8-1-112" in reading.text
    assert "Құспан Әбенов" in reading.text


def test_pdf_without_text_layer_is_no_text():
    assert read_pdf(pdf_with(None)).status == "no_text"


@pytest.mark.parametrize(
    "body", [b"<html>error</html>", b"%PDF-1.7\n garbage", pdf_with("x")[:200]]
)
def test_broken_pdf_is_broken_not_an_exception(body):
    reading = read_pdf(body)
    assert reading.status == "broken"
    assert reading.detail
