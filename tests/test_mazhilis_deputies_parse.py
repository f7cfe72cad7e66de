"""The deputies spider's parsers on the shared samples, unchanged
(SOURCES.md §1.1–1.2)."""

import json
from datetime import date
from pathlib import Path

import pytest

from crawl.text import party_in
from records import DocumentRef
from spiders.mazhilis_deputies_page import (
    ParseError,
    merge_deputy,
    parse_convocations,
    parse_deputy,
    sitting_convocation,
)


def load(samples: Path, name: str):
    return json.loads((samples / "mazhilis" / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def kk(samples):
    return {d["id"]: parse_deputy(d, "kk") for d in load(samples, "deputies.kk.json")}


@pytest.fixture(scope="module")
def ru(samples):
    return {d["id"]: parse_deputy(d, "ru") for d in load(samples, "deputies.ru.json")}


@pytest.fixture(scope="module")
def merged(kk, ru):
    documents = {
        "kk": DocumentRef("https://x/api/core/deputies/", "kk", "a" * 64),
        "ru": DocumentRef("https://x/api/core/deputies/", "ru", "b" * 64),
    }
    return {
        i: merge_deputy({"kk": kk[i], "ru": ru[i]}, 8, documents) for i in sorted(kk)
    }


def test_every_sample_deputy_is_parsed_in_both_languages(kk, ru):
    assert sorted(kk) == sorted(ru) == [56, 71, 88]


def test_kazakh_name_keeps_the_capital_surname_and_patronymic(kk):
    name = kk[56].name
    assert (name.last_name, name.first_name, name.patronymic) == (
        "ҚАЛЫҚОВ",
        "Арман",
        "Қобыландыұлы",
    )
    assert name.full_name == "ҚАЛЫҚОВ Арман Қобыландыұлы"
    assert (name.lang, name.script) == ("kk", "Cyrl")


def test_russian_name_is_the_russian_transliteration(ru):
    name = ru[56].name
    assert name.full_name == "Калыков Арман Кобыландынович"
    assert name.lang == "ru"


def test_patronymic_given_as_the_string_none_is_missing(kk):
    assert kk[88].name.patronymic is None
    assert kk[88].name.full_name == "ТАУ Нұргүл"


def test_patronymic_given_as_null_is_missing(ru):
    assert ru[88].name.patronymic is None


def test_stray_space_before_the_at_sign_is_removed(kk):
    assert kk[56].email == "a.kalykov@parlam.kz"


def test_single_mandate_deputy_has_district_and_region(kk, ru):
    assert kk[56].deputy_type == "single_mandate"
    assert kk[56].district_number == 19
    assert kk[56].region == "Қарағанды облысы"
    assert ru[56].region == "Карагандинская область"


def test_party_list_deputy_has_no_region(kk):
    assert kk[88].deputy_type == "party_list"
    assert kk[88].region is None
    assert kk[88].district_number is None


def test_committee_and_position_in_each_language(kk, ru):
    assert kk[71].committee == "Заңнама және сот-құқықтық реформа комитеті"
    assert ru[71].committee == "Комитет по законодательству и судебно-правовой реформе"
    assert (kk[71].position, ru[71].position) == ("Комитет мүшесі", "Член комитета")


def test_social_links_become_accounts_with_handles(kk):
    accounts = {(a.platform, a.handle) for a in kk[71].accounts}
    assert accounts == {
        ("telegram", "kuspan_abzal"),
        ("facebook", "abzal.kuspan"),
        ("youtube", "kuspan"),
    }
    assert {a.learned_from for a in kk[71].accounts} == {"mazhilis-api"}
    assert kk[88].accounts == []


def test_no_sample_field_is_left_unread(kk, ru):
    assert all(not d.unknown_fields for d in [*kk.values(), *ru.values()])


def test_a_new_field_in_the_source_is_noticed(samples):
    deputy = load(samples, "deputies.kk.json")[0] | {"instagram_followers": 10}
    assert parse_deputy(deputy, "kk").unknown_fields == ["instagram_followers"]


def test_deputy_without_a_name_is_an_error_naming_it(samples):
    deputy = load(samples, "deputies.kk.json")[0] | {"last_name": None}
    with pytest.raises(ParseError, match="deputy 56"):
        parse_deputy(deputy, "kk")


def test_unknown_deputy_type_is_an_error(samples):
    deputy = load(samples, "deputies.kk.json")[0] | {"deputy_type": 3}
    with pytest.raises(ParseError, match="deputy_type 3"):
        parse_deputy(deputy, "kk")


def test_merged_deputy_keeps_both_name_forms(merged):
    names = {n.lang: n.full_name for n in merged[71].names}
    assert names == {
        "kk": "ҚҰСПАН Абзал Темірғалиұлы",
        "ru": "Куспан Абзал Темиргалиулы",
    }


def test_merged_deputy_mandate_has_both_languages_and_the_party(merged):
    mandate = merged[56].mandate
    assert mandate.convocation_number == 8
    assert mandate.party == "AMANAT"
    assert mandate.faction_kk == "«AMANAT» партиясының фракциясы"
    assert mandate.faction_ru == "Фракция партии «AMANAT»"
    assert (mandate.region_kk, mandate.region_ru) == (
        "Қарағанды облысы",
        "Карагандинская область",
    )


@pytest.mark.parametrize(
    ("faction", "party"),
    [
        ("«Ақ жол» партиясының фракциясы", "Ak Zhol"),
        ("Фракция партии «Ак жол»", "Ak Zhol"),
        ("«Қазақстан Халық партиясы» фракциясы", "People's Party"),
        ("Фракция «Народная партия Казахстана»", "People's Party"),
        ("Фракция «Общенациональная социал-демократическая партия»", "OSDP"),
        ("Фракция партии «Новая партия»", "Новая партия"),
        ("Депутатская группа", None),
    ],
)
def test_party_is_one_name_in_both_languages(faction, party):
    assert party_in(faction) == party


def test_independent_deputy_has_no_party(merged):
    assert merged[71].mandate.party is None
    assert merged[71].mandate.faction_kk is None


def test_name_forms_point_to_their_language_document(merged):
    variants = {n.lang: n.document.variant for n in merged[56].names}
    assert variants == {"kk": "kk", "ru": "ru"}


@pytest.fixture(scope="module")
def alphabet(samples):
    groups = load(samples, "deputies_by_alphabet.ru.json")
    return {
        d["id"]: parse_deputy(d, "ru") for group in groups for d in group["deputies"]
    }


def test_by_alphabet_lists_sitting_and_former_deputies(samples, alphabet):
    letters = [g["letter"] for g in load(samples, "deputies_by_alphabet.ru.json")]
    assert letters == ["К", "Т"]
    assert {i: d.is_active for i, d in alphabet.items()} == {
        56: True,
        71: True,
        19: False,
        88: True,
    }
    former = alphabet[19]
    assert former.name.full_name == "Кенжебеков Ержан"
    assert (former.deputy_type, former.region, former.email) == (
        "party_list",
        None,
        None,
    )
    assert former.committee == "Комитет по финансам и бюджету"
    assert not former.unknown_fields


def test_absolute_avatar_links_are_kept_on_the_public_host_encoded_once(alphabet, ru):
    assert alphabet[56].avatar_url == (
        "https://mazhilis.parlam.kz/media/deputy_avatars/56/2023-03-29/"
        "%D0%9A%D0%B0%D0%BB%D1%8B%D0%BA%D0%BE%D0%B2_2023_22.JPG"
    )
    # The plain list's path (Cyrillic as is) is the same file.
    assert ru[56].avatar_url == alphabet[56].avatar_url
    # The site's own "None" for a missing id stays: it is the file's real path.
    assert alphabet[88].avatar_url == (
        "https://mazhilis.parlam.kz/media/deputy_avatars/None/2023-03-29/"
        "%D0%A2%D0%B0%D1%83_2023_22.JPG"
    )


def test_the_alphabet_sample_agrees_with_the_plain_list(alphabet, ru):
    for deputy_id in (56, 71, 88):
        assert alphabet[deputy_id].name.full_name == ru[deputy_id].name.full_name
        assert alphabet[deputy_id].accounts == ru[deputy_id].accounts
        assert alphabet[deputy_id].email == ru[deputy_id].email


def test_convocations_with_sessions(samples):
    convocations = parse_convocations(load(samples, "convocations.json"))
    eighth = next(c for c in convocations if c.number == 8)
    assert eighth.start_date == date(2023, 3, 29)
    assert eighth.end_date is None
    assert [(s.number, s.source_id) for s in eighth.sessions] == [
        (1, 81),
        (2, 82),
        (3, 83),
    ]
    assert eighth.sessions[0].end_date == date(2023, 6, 30)
    assert eighth.sessions[1].start_date == date(2023, 9, 1)


def test_the_sitting_convocation_is_the_one_not_ended(samples):
    convocations = parse_convocations(load(samples, "convocations.json"))
    assert sitting_convocation(convocations).number == 8
