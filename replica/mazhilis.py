"""The Mazhilis API (SOURCES.md §1.1-1.2): deputies and convocations.

The plain list holds the sitting deputies; by-alphabet also names the former
ones (`is_active: false`) and gives every avatar as an absolute link on the
site's host, percent-encoded, as deputies_by_alphabet.ru.json shows."""

from aiohttp import web

from replica.dataset import LANGUAGES
from replica.http import add_get, json_response, request_language
from replica.names import KAZAKH_ALPHABET, RUSSIAN_ALPHABET, sort_key
from replica.samples import site_link

ALPHABETS = {"kk": KAZAKH_ALPHABET, "ru": RUSSIAN_ALPHABET}
NOT_FOUND = {"detail": "Not found."}


class MazhilisApi:
    """Serves the dataset's deputies in the language the request asks for."""

    def __init__(self, dataset: dict) -> None:
        self.convocations = dataset["convocations"]
        self.by_id = {
            language: {d[language]["id"]: d[language] for d in dataset["deputies"]}
            for language in LANGUAGES
        }
        self.sitting = {
            language: _alphabetical(
                [d for d in self.by_id[language].values() if d["is_active"]],
                ALPHABETS[language],
            )
            for language in LANGUAGES
        }
        self.letters = {
            language: _letter_groups(
                _alphabetical(
                    [_absolute_avatar(d) for d in self.by_id[language].values()],
                    ALPHABETS[language],
                )
            )
            for language in LANGUAGES
        }

    async def deputies(self, request: web.Request) -> web.Response:
        """GET /api/core/deputies/?ord=last_name: the sitting deputies."""
        language = request_language(request)
        return json_response(self.sitting[language], language=language)

    async def deputy(self, request: web.Request) -> web.Response:
        """GET /api/core/deputies/<id>/: any deputy, sitting or former."""
        language = request_language(request)
        deputy = self.by_id[language].get(int(request.match_info["deputy_id"]))
        if deputy is None:
            return json_response(NOT_FOUND, status=404, language=language)
        return json_response(deputy, language=language)

    async def by_alphabet(self, request: web.Request) -> web.Response:
        """GET /api/core/deputies/by-alphabet/: sitting and former deputies by
        initial."""
        language = request_language(request)
        return json_response(self.letters[language], language=language)

    async def convocations_list(self, request: web.Request) -> web.Response:
        """GET /api/core/convocations/."""
        return json_response(self.convocations, language=request_language(request))


def _alphabetical(deputies: list[dict], alphabet: str) -> list[dict]:
    """Deputies by last name, then first name, in the order of `alphabet`."""
    return sorted(
        deputies,
        key=lambda d: (
            sort_key(d["last_name"], alphabet),
            sort_key(d["first_name"], alphabet),
            d["id"],
        ),
    )


def _absolute_avatar(deputy: dict) -> dict:
    """The deputy with its avatar's path as an absolute link on the site's host."""
    avatar = deputy["avatar_url"]
    if avatar and avatar.startswith("/"):
        return deputy | {"avatar_url": site_link(avatar)}
    return deputy


def _letter_groups(deputies: list[dict]) -> list[dict]:
    """[{"letter": "Қ", "deputies": [...]}, ...] from alphabetical deputies."""
    groups: list[dict] = []
    for deputy in deputies:
        letter = deputy["last_name"][:1].upper()
        if not groups or groups[-1]["letter"] != letter:
            groups.append({"letter": letter, "deputies": []})
        groups[-1]["deputies"].append(deputy)
    return groups


def add_routes(app: web.Application, dataset: dict) -> None:
    """Route the Mazhilis API's paths, each with and without its final slash."""
    api = MazhilisApi(dataset)
    add_get(app, "/api/core/deputies/", api.deputies)
    add_get(app, "/api/core/deputies/by-alphabet/", api.by_alphabet)
    add_get(app, r"/api/core/deputies/{deputy_id:\d+}/", api.deputy)
    add_get(app, "/api/core/convocations/", api.convocations_list)
