"""The deputies of the contract's samples (deputies.kk.json, deputies.ru.json),
the former deputy of deputies_by_alphabet.ru.json, and the sample requests and
activities.

Kept verbatim, dirty values included, so the replica serves them as the samples
show them.
"""

from urllib.parse import quote

# The host the API names in its absolute file links (SOURCES.md §1.1, §1.3): the
# replica writes it and never serves it; a crawler fetches the path from its base.
SITE = "http://mazhilis.parlam.kz"


def site_link(path: str) -> str:
    """An absolute link on the site's host with the file name percent-encoded,
    as the API writes it: `http://mazhilis.parlam.kz/media/.../%D0%9A...JPG`."""
    return SITE + quote(path)


SAMPLE_DEPUTIES: tuple[dict[str, dict], ...] = (
    {
        "kk": {
            "id": 56,
            "last_name": "ҚАЛЫҚОВ",
            "first_name": "Арман",
            "patronymic": "Қобыландыұлы",
            "email": "a.kalykov @parlam.kz",
            "phone": "+7 (7172) 74-00-00",
            "deputy_type": 1,
            "position": "Комитет мүшесі",
            "committee_role": "member",
            "party_role": None,
            "dep_group_role": None,
            "is_active": True,
            "committee": {
                "name": "Экология мәселелері және табиғатты пайдалану комитеті"
            },
            "party": {"name": "«AMANAT» партиясының фракциясы"},
            "region": {"id": 19, "number": 19, "name": "Қарағанды облысы"},
            "avatar_url": "/media/deputy_avatars/56/2023-03-29/Калыков_2023_22.JPG",
            "timestamp": "2024-11-02T08:15:00+05:00",
            "public_financial_disclosure": None,
            "telegram_link": "https://t.me/kalykov_arman",
            "twitter_link": None,
            "youtube_link": None,
            "instagram_link": "https://www.instagram.com/arman.kalykov/",
            "facebook_link": None,
        },
        "ru": {
            "id": 56,
            "last_name": "Калыков",
            "first_name": "Арман",
            "patronymic": "Кобыландынович",
            "email": "a.kalykov @parlam.kz",
            "phone": "+7 (7172) 74-00-00",
            "deputy_type": 1,
            "position": "Член комитета",
            "committee_role": "member",
            "party_role": None,
            "dep_group_role": None,
            "is_active": True,
            "committee": {"name": "Комитет по вопросам экологии и природопользованию"},
            "party": {"name": "Фракция партии «AMANAT»"},
            "region": {"id": 19, "number": 19, "name": "Карагандинская область"},
            "avatar_url": "/media/deputy_avatars/56/2023-03-29/Калыков_2023_22.JPG",
            "timestamp": "2024-11-02T08:15:00+05:00",
            "public_financial_disclosure": None,
            "telegram_link": "https://t.me/kalykov_arman",
            "twitter_link": None,
            "youtube_link": None,
            "instagram_link": "https://www.instagram.com/arman.kalykov/",
            "facebook_link": None,
        },
    },
    {
        "kk": {
            "id": 71,
            "last_name": "ҚҰСПАН",
            "first_name": "Абзал",
            "patronymic": "Темірғалиұлы",
            "email": "a.kuspan@parlam.kz",
            "phone": None,
            "deputy_type": 1,
            "position": "Комитет мүшесі",
            "committee_role": "member",
            "party_role": None,
            "dep_group_role": None,
            "is_active": True,
            "committee": {"name": "Заңнама және сот-құқықтық реформа комитеті"},
            "party": None,
            "region": {"id": 14, "number": 14, "name": "Батыс Қазақстан облысы"},
            "avatar_url": "/media/deputy_avatars/71/2023-03-29/Куспан_2023_22.JPG",
            "timestamp": "2024-11-02T08:15:00+05:00",
            "public_financial_disclosure": None,
            "telegram_link": "https://t.me/kuspan_abzal",
            "twitter_link": None,
            "youtube_link": "https://www.youtube.com/@kuspan",
            "instagram_link": None,
            "facebook_link": "https://www.facebook.com/abzal.kuspan",
        },
        "ru": {
            "id": 71,
            "last_name": "Куспан",
            "first_name": "Абзал",
            "patronymic": "Темиргалиулы",
            "email": "a.kuspan@parlam.kz",
            "phone": None,
            "deputy_type": 1,
            "position": "Член комитета",
            "committee_role": "member",
            "party_role": None,
            "dep_group_role": None,
            "is_active": True,
            "committee": {
                "name": "Комитет по законодательству и судебно-правовой реформе"
            },
            "party": None,
            "region": {"id": 14, "number": 14, "name": "Западно-Казахстанская область"},
            "avatar_url": "/media/deputy_avatars/71/2023-03-29/Куспан_2023_22.JPG",
            "timestamp": "2024-11-02T08:15:00+05:00",
            "public_financial_disclosure": None,
            "telegram_link": "https://t.me/kuspan_abzal",
            "twitter_link": None,
            "youtube_link": "https://www.youtube.com/@kuspan",
            "instagram_link": None,
            "facebook_link": "https://www.facebook.com/abzal.kuspan",
        },
    },
    {
        "kk": {
            "id": 88,
            "last_name": "ТАУ",
            "first_name": "Нұргүл",
            "patronymic": "None",
            "email": "n.tau@parlam.kz",
            "phone": None,
            "deputy_type": 2,
            "position": "Комитет мүшесі",
            "committee_role": "member",
            "party_role": "member",
            "dep_group_role": None,
            "is_active": True,
            "committee": {"name": "Әлеуметтік-мәдени даму комитеті"},
            "party": {"name": "«AMANAT» партиясының фракциясы"},
            "region": None,
            "avatar_url": "/media/deputy_avatars/None/2023-03-29/Тау_2023_22.JPG",
            "timestamp": "2024-11-02T08:15:00+05:00",
            "public_financial_disclosure": None,
            "telegram_link": None,
            "twitter_link": None,
            "youtube_link": None,
            "instagram_link": None,
            "facebook_link": None,
        },
        "ru": {
            "id": 88,
            "last_name": "Тау",
            "first_name": "Нургуль",
            "patronymic": None,
            "email": "n.tau@parlam.kz",
            "phone": None,
            "deputy_type": 2,
            "position": "Член комитета",
            "committee_role": "member",
            "party_role": "member",
            "dep_group_role": None,
            "is_active": True,
            "committee": {"name": "Комитет по социально-культурному развитию"},
            "party": {"name": "Фракция партии «AMANAT»"},
            "region": None,
            "avatar_url": "/media/deputy_avatars/None/2023-03-29/Тау_2023_22.JPG",
            "timestamp": "2024-11-02T08:15:00+05:00",
            "public_financial_disclosure": None,
            "telegram_link": None,
            "twitter_link": None,
            "youtube_link": None,
            "instagram_link": None,
            "facebook_link": None,
        },
    },
)

# The contract's sample requests (deputy_requests.absolute_urls.json), verbatim:
# 5012 is numbered "ДЗ-8-1-112" though it belongs to session 82 (the 2nd); their
# documents are absolute links on the site's host with Cyrillic file names, and
# 5013 has a co-signatory without an id (a former deputy, Смагулов Р.Б.).
REQUESTS_PATH = "/media/requests"


def _request_pdf(month: str, name: str) -> str:
    return site_link(f"{REQUESTS_PATH}/{month}/{name}.pdf")


SAMPLE_REQUESTS: tuple[dict, ...] = (
    {
        "id": 5012,
        "number": "ДЗ-8-1-112",
        "request_date": "2023-10-04",
        "title": "О возврате незаконно выведенных активов и справедливом "
        "распределении бюджетных средств",
        "addressee": "Премьер-Министру Республики Казахстан Смаилову А.А.",
        "initiators": [{"id": 71, "full_name": "Куспан А.Т."}],
        "signatories": [],
        "document_url": _request_pdf("2023/10", "Депутатский запрос №5012"),
        "answer": {
            "answer_date": "2023-11-03",
            "document_url": _request_pdf("2023/11", "Ответ на запрос №5012"),
        },
        "convocation_id": 8,
        "session_id": 82,
    },
    {
        "id": 5013,
        "number": "ДЗ-8-1-113",
        "request_date": "2023-10-04",
        "title": "Об очистных сооружениях города Шымкента",
        "addressee": "Премьер-Министру Республики Казахстан Смаилову А.А.",
        "initiators": [{"id": 64, "full_name": "Исабеков Д.Д."}],
        "signatories": [
            {"id": 56, "full_name": "Калыков А.К."},
            {"id": 71, "full_name": "Куспан А. Т."},
            {"id": None, "full_name": "Смагулов Р.Б."},
        ],
        "document_url": _request_pdf("2023/10", "Депутатский запрос №5013"),
        "answer": None,
        "convocation_id": 8,
        "session_id": 82,
    },
    {
        "id": 5020,
        "number": "ДЗ-8-1-120",
        "request_date": "2023-10-11",
        "title": "О качестве автомобильных дорог Алматинской области",
        "addressee": "Министру транспорта Республики Казахстан",
        "initiators": [{"id": 61, "full_name": "Назаров А."}],
        "signatories": [],
        "document_url": _request_pdf("2023/10", "Депутатский запрос №5020"),
        "answer": None,
        "convocation_id": 8,
        "session_id": 82,
    },
)

# The contract's sample activities of deputy 71 (deputy_activities.json), verbatim.
SAMPLE_ACTIVITIES: dict[int, tuple[dict, ...]] = {
    71: (
        {
            "id": 900311,
            "date": "2023-07-05",
            "title": "Встреча с жителями Бокейординского района",
            "text": "Депутат Мажилиса Абзал Куспан провел встречу с жителями "
            "Бокейординского района. Обсуждены вопросы водоснабжения, ремонта дорог "
            "и занятости молодежи.",
            "place": "Западно-Казахстанская область, Бокейординский район, с. Сайхин",
            "url": "/ru/deputies/71/activities/900311",
        },
        {
            "id": 900298,
            "date": "2023-06-21",
            "title": "Прием граждан в Мажилисе",
            "text": "Абзал Куспан провел прием граждан в здании Мажилиса. Поступило "
            "14 обращений по земельным вопросам и долговой нагрузке.",
            "place": "Астана, Мажилис Парламента",
            "url": "/ru/deputies/71/activities/900298",
        },
    ),
}
