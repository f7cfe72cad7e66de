"""Which posts report a meeting with voters or a reception of citizens, on what
day and where: transparent rules in Kazakh, Russian and English.

A keyword alone does not tell a meeting: "встреча" is also a minister's working
meeting, a football match or a school reunion, "кездесу" a match ("футбол
кездесуі"), and "қабылдау" also adopting a law ("заңды қабылдады"). So a post is
a meeting only when the meeting is *with* the people of a place (жителями,
избирателями, сайлаушылармен, residents, voters, teachers, farmers, ...), and a
reception only when citizens are received (прием граждан, азаматтарды қабылдау,
reception of citizens). `classify` says which rule decided, so a person can see
why.

The date is a day written in the text ("5 июля", "5 шілдеде", "July 5",
"05.07.2025", "вчера"/"кеше"/"yesterday"), never a time of day ("10:00", "15.00")
and never a date of something else: a law "от 5 июля 2023 года", a deadline "до 1
сентября", "с 1 января", "1 қыркүйекке дейін", or a day far from the post's.
Among the days left, the one nearest the words that made it a meeting wins. The
year is the one that puts the day nearest the post's.

The place is the most specific locality the text names ("села Сайхин", "Сайхин
ауылында", "Saikhin village", "📍 Темиртау қаласы"), else the reception's office
("в Мажилисе", "AMANAT"). `place_stems` reduces a place in any of the three
languages to comparable stems ("Темиртау қаласының" and "города Темиртау" both
give {"temir"}).
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from matching.names import word_forms, word_key

# Whom a deputy meets: the residents and voters, or groups of them.
_GROUPS_RU = (
    r"жител|избирател|населени|сельчан|земляк|горожан|аульчан|трудов\w*\s+коллектив"
    r"|коллектив\w*\s+(?:предприят|школ|больниц|завод|комбинат|рудник)"
    r"|ветеран|молодеж|молодёж|педагог|учител|медицинск\w*\s+работник|медик|врач"
    r"|предпринимател|бизнесмен|фермер|сельхозпроизводител|аграри|животновод"
    r"|актив\w*\s+(?:сел|район|город|аул|округ)|общественност|родител|студент"
    r"|пенсионер|многодетн|работник|горняк|шахт[её]р|нефтяник|металлург|волонт[её]р"
    r"|женщин|матер|рыбак|медик"
)
_GROUPS_KK = (
    r"сайлаушы|тұрғын|халық|халқы|жұртшылық|ауылдас|жерлес|жастар|ұстаз|мұғалім"
    r"|педагог|дәрігер|медицина\s+қызметкер|кәсіпкер|фермер|шаруа|ардагер"
    r"|еңбек\s+ұжым|ұжым|зейнеткер|ата-ана|студент|көпбалалы|белсенді|кеншілер"
    r"|мұнайшылар|азамат|жұртшылы|халқ|аналар|әйелдер|балықшы"
)
_GROUPS_EN = (
    r"residents|voters|constituents|villagers|locals|local\s+people|people\s+of"
    r"|community|farmers|teachers|doctors|medical\s+workers|entrepreneurs"
    r"|business\s+owners|young\s+people|youth|students|pensioners|veterans|parents"
    r"|workers|workforce|miners|citizens"
)
_WORD = r"[\w«»\"'-]+"

# (kind, rule name, pattern) on the lowercased text; the first that matches wins.
RULES: tuple[tuple[str, str, re.Pattern[str]], ...] = tuple(
    (kind, name, re.compile(pattern))
    for kind, name, pattern in (
        # Receptions first: "прием граждан" also says "граждан", a group.
        (
            "reception",
            "ru: прием граждан",
            r"при[её]м\w*\s+(?:(?:личн|выездн|еженедельн|очередн|традиционн)\w*\s+)?"
            r"(?:граждан|населени|жител|избирател|посетител)",
        ),
        ("reception", "ru: личный прием", r"(?:личн|выездн)\w*\s+при[её]м"),
        (
            "reception",
            "ru: принял граждан",
            r"принял\w*\s+(?:\w+\s+)?(?:граждан|жител|избирател|посетител)",
        ),
        (
            "reception",
            "kk: азаматтарды қабылдау",
            r"(?:азаматтар|тұрғындар|сайлаушылар|халық)(?:ды|ты)\s+"
            r"(?:\w+\s+){0,3}?қабылда",
        ),
        (
            "reception",
            "kk: жеке қабылдау",
            r"(?:жеке|көшпелі|көшпелі\s+жеке)\s+қабылда",
        ),
        (
            "reception",
            "en: reception of citizens",
            r"(?:reception|receiving)\s+(?:of\s+)?(?:the\s+)?(?:citizens|constituents"
            r"|residents|voters)|citizens['’]?\s+reception|received\s+(?:\w+\s+)?"
            r"(?:citizens|constituents|residents)|personal\s+reception",
        ),
        (
            "meeting",
            "ru: встреча с жителями",
            rf"встреч\w*\s+(?:с|со)\s+(?:{_WORD}\s+){{0,2}}?(?:\w+-)?(?:{_GROUPS_RU})",
        ),
        (
            "meeting",
            "ru: встретился с жителями",
            rf"встрет\w*\s+(?:с|со)\s+(?:{_WORD}\s+){{0,2}}?(?:\w+-)?(?:{_GROUPS_RU})",
        ),
        # An announcement to the residents: "встреча с депутатом Мажилиса".
        ("meeting", "ru: встреча с депутатом", r"встреч\w*\s+с\s+депутатом\b"),
        (
            "meeting",
            "kk: депутатпен кездесу",
            r"депутат(?:пен|ымен)\s+(?:\w+\s+)?кездес",
        ),
        (
            "meeting",
            "en: meet your deputy",
            r"(?:meeting|meet)\s+(?:with\s+)?(?:your|the)\s+deputy\b",
        ),
        ("meeting", "ru: отчетная встреча", r"отч[её]тн\w*\s+встреч"),
        ("meeting", "ru: сход граждан", r"сход\w*\s+(?:граждан|жител|сельчан)"),
        (
            "meeting",
            "kk: сайлаушылармен кездесу",
            rf"(?:{_GROUPS_KK})\w*(?:мен|пен|бен)\s+(?:{_WORD}\s+){{0,2}}?"
            r"(?:кездес|жүздес)",
        ),
        (
            "meeting",
            "en: reported to voters",
            r"report\w*\s+(?:back\s+)?to\s+(?:the\s+)?(?:voters|constituents)",
        ),
        (
            "meeting",
            "en: meeting with voters",
            rf"(?:\bmet|meeting|meetings|\bmeet|town\s+hall)\s+(?:with\s+)?(?:the\s+)?"
            rf"(?:{_WORD}\s+){{0,2}}?(?:{_GROUPS_EN})\b",
        ),
    )
)

MONTHS = {
    "ru": (
        "январ", "феврал", "март", "апрел", "ма[йяе]", "июн", "июл", "август",
        "сентябр", "октябр", "ноябр", "декабр",
    ),
    "kk": (
        "қаңтар", "ақпан", "наурыз", "сәуір", "мамыр", "маусым", "шілде", "тамыз",
        "қыркүйек", "қазан", "қараша", "желтоқсан",
    ),
    "en": (
        "jan(?:uary)?", "feb(?:ruary)?", "mar(?:ch)?", "apr(?:il)?", "may",
        "june?", "july?", "aug(?:ust)?", "sep(?:t(?:ember)?)?", "oct(?:ober)?",
        "nov(?:ember)?", "dec(?:ember)?",
    ),
}  # fmt: skip
_MONTH_WORD = {
    "ru": r"(?P<month>" + "|".join(f"{m}\\w*" for m in MONTHS["ru"]) + ")",
    "kk": r"(?P<month>" + "|".join(f"{m}\\w*" for m in MONTHS["kk"]) + ")",
    "en": r"(?P<month>" + "|".join(f"{m}\\b\\.?" for m in MONTHS["en"]) + ")",
}
_DAY = r"(?P<day>[0-3]?\d)"
_DATE_PATTERNS = (
    ("ru", rf"\b{_DAY}\s*{_MONTH_WORD['ru']}(?:\s+(?P<year>20\d\d))?"),
    (
        "kk",
        rf"(?:\b(?P<year>20\d\d)\s*(?:жылғы|жылы|ж\.)\s*)?\b{_DAY}\s*{_MONTH_WORD['kk']}",
    ),
    (
        "en",
        rf"\b{_MONTH_WORD['en']}\s+{_DAY}(?:st|nd|rd|th)?\b(?:,?\s+(?P<year>20\d\d))?",
    ),
    (
        "en",
        rf"\b{_DAY}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH_WORD['en']}"
        r"(?:,?\s+(?P<year>20\d\d))?",
    ),
    ("num", r"\b(?P<day>[0-3]?\d)\.(?P<month>[01]\d)\.(?P<year>20\d\d|\d\d)\b"),
)
DATE_PATTERNS = tuple((kind, re.compile(p)) for kind, p in _DATE_PATTERNS)
# Days relative to the post's: (pattern, days to add).
RELATIVE_DAYS = (
    (re.compile(r"\b(?:сегодня|бүгін|today|this\s+morning)\b"), 0),
    (re.compile(r"\b(?:вчера|кеше|yesterday)\b"), -1),
    (re.compile(r"\b(?:позавчера|алдыңғы\s+күні)\b"), -2),
    (re.compile(r"\b(?:завтра|ертең|tomorrow)\b"), 1),
)
# A day that belongs to something else: "закон от 5 июля", "до 1 сентября", "с 1
# января вступает", "since May 5", "1 қыркүйекке дейін", "15 мамырдан бастап".
_OTHER_BEFORE = re.compile(
    r"(?:\b(?:от|до|с|со|по|к|since|until|till|by|from|before|after|dated|of)\s+"
    r"|№\s*\S+\s+)$"
)
_OTHER_AFTER = re.compile(
    r"^(?:\S*?(?:ге|ке|ға|қа|на)?\s+дейін|\S*?(?:нан|нен|дан|ден|тан|тен)\s+бастап"
    r"|\S*\s+(?:года\s+)?рождения|\s*(?:года\s+)?№|\s+жылы\s+туған|\s+вступ)"
)
# How far from the post's day a stated day may be (announcements, late reports).
MAX_DAYS_FROM_POST = 45

# Words that say what kind of place follows or precedes a name, in any case form.
_KINDS_RU = (
    r"(?:сел[оаеу]|с\.|аул[аеу]?|город[аеу]?|г\.|пос[её]лк[аеу]|пос[её]лок|п\.|пгт"
    r"|станци[ияю]|ст\.|микрорайон[ае]?|мкр\.?)"
)
_NAME = r"[А-ЯЁӘҒҚҢӨҰҮҺІA-Z][\w-]+"
# Where a locality is named, most telling first; the nearest to the event's words
# wins among equally telling ones.
_PLACE_PATTERNS = tuple(
    re.compile(p)
    for p in (
        rf"\b{_KINDS_RU}\s*(?P<place>{_NAME}(?:[\s-](?:{_NAME}|би|батыр|ата))?)",
        rf"(?P<place>{_NAME}(?:\s+(?:би|батыр|ата))?)\s+(?:ауыл|қала|кент|елді\s+мекен)"
        r"\w*",
        rf"(?P<place>{_NAME}(?:\s+{_NAME})?)\s+(?:village|town|settlement)\b",
        rf"\b(?:village|town|city)\s+of\s+(?P<place>{_NAME})",
        rf"(?:{_GROUPS_EN}|people)\s+(?:of|in|from)\s+(?:the\s+)?"
        rf"(?P<place>{_NAME}(?:\s+(?:village|district))?)",
        rf"(?:{_GROUPS_RU})\w*\s+(?P<place>{_NAME}(?:\s+район\w*)?)",
        rf"(?P<place>{_NAME})\s+(?:тұрғын|сайлаушы|халқ|жұртшылы)",
        rf"(?P<place>{_NAME}\w*\s+(?:район\w*|аудан\w*|district))",
        rf"\bрайон\w*\s+(?P<place>{_NAME})",
        r"📍\s*(?P<place>[^\n.!;]+)",
        rf"\b(?:[Ii]n|[Tt]o|[Aa]t|[Вв]о?)\s+(?P<place>{_NAME})(?=[\s,.!:;]|$)",
    )
)
# Offices where receptions are held, as each language names them.
_OFFICES = (
    ("AMANAT", re.compile(r"amanat|аманат", re.IGNORECASE)),
    ("Мажилис", re.compile(r"мажилис|мәжіліс|mazhilis|majilis", re.IGNORECASE)),
)
# Capitalized words that are not places: "in Kazakhstan" is not a meeting's place.
_NOT_PLACES = frozenset(
    word_key(w)[:5]
    for w in (
        "Казахстан", "Қазақстан", "Kazakhstan", "Парламент", "Parliament", "Thank",
        "Today", "Yesterday", "Спасибо", "Рахмет", "Благодарю", "Астана", "Astana",
        "Министерство", "Правительство", "Минэнерго", "Акимат", "Ministry",
        "Government", "Дом", "House",
        "January", "February", "March", "April", "May", "June", "July", "August",
        "September", "October", "November", "December",
    )
)  # fmt: skip
# Words that name a kind of place, not a place: dropped from stems.
_PLACE_WORDS = frozenset(
    word_key(w)
    for w in (
        "село", "села", "селе", "с", "аул", "аула", "ауле", "город", "города",
        "городе", "г", "поселок", "поселка", "поселке", "п", "пгт", "район",
        "района", "районе", "микрорайон", "мкр", "станция", "ст", "область",
        "области", "ауыл", "ауылы", "ауылының", "ауылында", "қала", "қаласы",
        "қаласының", "қаласында", "аудан", "ауданы", "ауданының", "ауданында",
        "кент", "кенті", "кентінің", "кентінде", "облысы", "облысының",
        "village", "town", "city", "district", "settlement", "region", "of", "the",
    )
)  # fmt: skip
STEM = 5
# Russian adjectives of places: Абайский, Бокейординского -> abai, bokeiordin.
_ADJECTIVE = re.compile(r"(?<=...)(?:sk|tsk)(?:i|ii|ogo|omu|om|oi|aia|uiu|ie|ih)$")
# The offices where receptions are held, one stem each.
_OFFICE_STEMS = {"majil": "@mazhilis", "amana": "@amanat"}


@dataclass(frozen=True)
class Classification:
    """What a post reports: "meeting", "reception" or None, the rule that said so,
    the day and place it states (None when it does not)."""

    kind: str | None
    rule: str | None = None
    day: date | None = None
    place: str | None = None


def normalized(text: str) -> str:
    """Lowercase with ё as е, same length as the text (spans stay valid)."""
    return text.lower().replace("ё", "е")


def classify(text: str | None, posted: date) -> Classification:
    """Whether `text`, posted (local time) on `posted`, reports a meeting with
    voters or a reception of citizens, and its day and place where stated."""
    if not text:
        return Classification(None)
    lower = normalized(text)
    for kind, name, pattern in RULES:
        found = pattern.search(lower)
        if found:
            span = found.span()
            return Classification(
                kind,
                name,
                stated_day(text, posted, span),
                stated_place(text, kind, span),
            )
    return Classification(None)


def _month_number(kind: str, month: str) -> int | None:
    if kind == "num":
        return int(month)
    for number, stem in enumerate(MONTHS[kind], start=1):
        if re.match(stem, month):
            return number
    return None


def _nearest_year(posted: date, month: int, day: int) -> date | None:
    """The day in the year that puts it nearest `posted`."""
    best = None
    for year in (posted.year - 1, posted.year, posted.year + 1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if best is None or abs(candidate - posted) < abs(best - posted):
            best = candidate
    return best


def _day_of(kind: str, found: re.Match[str], posted: date) -> date | None:
    month = _month_number(kind, found["month"].rstrip("."))
    day = int(found["day"])
    if month is None or not 1 <= day <= 31:
        return None
    year = found["year"]
    if year:
        year_number = int(year) + (2000 if len(year) == 2 else 0)
        try:
            return date(year_number, month, day)
        except ValueError:
            return None
    return _nearest_year(posted, month, day)


def stated_days(text: str, posted: date) -> list[tuple[int, date]]:
    """Every day the text states for an event, with its position: days of
    something else (laws, deadlines), times of day and far days left out."""
    lower = normalized(text)
    days: list[tuple[int, date]] = []
    for kind, pattern in DATE_PATTERNS:
        for found in pattern.finditer(lower):
            before = lower[max(0, found.start() - 20) : found.start()]
            after = lower[found.end() : found.end() + 20]
            if _OTHER_BEFORE.search(before) or _OTHER_AFTER.match(after):
                continue
            day = _day_of(kind, found, posted)
            if day and abs((day - posted).days) <= MAX_DAYS_FROM_POST:
                days.append((found.start(), day))
    if not days:
        for pattern, shift in RELATIVE_DAYS:
            for found in pattern.finditer(lower):
                days.append((found.start(), posted + timedelta(days=shift)))
    return days


def stated_day(text: str, posted: date, near: tuple[int, int]) -> date | None:
    """The day the text gives for the event whose words are at `near`."""
    days = stated_days(text, posted)
    if not days:
        return None
    middle = (near[0] + near[1]) / 2
    return min(days, key=lambda found: (abs(found[0] - middle), found[0]))[1]


def stated_place(text: str, kind: str, near: tuple[int, int]) -> str | None:
    """The locality the text names nearest the event's words; a reception's
    office when no locality is named."""
    middle = (near[0] + near[1]) / 2
    found: list[tuple[int, int, str]] = []
    for rank, pattern in enumerate(_PLACE_PATTERNS):
        for match in pattern.finditer(text):
            place = match["place"].strip(" ,:-—«»\"'")
            if place and place_stems(place):
                distance = abs(match.start("place") - middle)
                found.append((rank, int(distance), place))
    if found:
        return min(found)[2]
    if kind == "reception":
        for office, pattern in _OFFICES:
            if pattern.search(text):
                return office
    return None


def _word_stems(word: str) -> frozenset[str]:
    """A place's word as stems, one per spelling of its letters (Балқаш: balka,
    balha); none for words that only say what kind of place it is."""
    stems = set()
    for form in word_forms(word):
        key = _ADJECTIVE.sub("", form)
        if key in _PLACE_WORDS or key[:STEM] in _NOT_PLACES or len(key) < 3:
            return frozenset()
        stems.add(_OFFICE_STEMS.get(key[:STEM], key[:STEM]))
    return frozenset(stems)


@lru_cache(maxsize=65536)
def place_stems(place: str | None) -> frozenset[str]:
    """The place's words reduced to comparable stems in any language and case:
    "села Сайхин", "Сайхин ауылының", "Saikhin village" -> {"saihi"}."""
    if not place:
        return frozenset()
    words = (w for w in re.findall(r"[\w-]+", place) if not w.isdigit())
    return frozenset().union(*(_word_stems(word) for word in words))


def _stems_agree(a: str, b: str) -> bool:
    """Stems of one name: equal, or one a prefix of the other of at least four
    letters (Есик / Есика: the genitive adds a letter to a short name)."""
    short, long = sorted((a, b), key=len)
    return short == long or (len(short) >= 4 and long.startswith(short))


def same_place(a: str | None, b: str | None) -> bool | None:
    """Whether two places are one (None when either is unknown)."""
    stems_a, stems_b = place_stems(a), place_stems(b)
    if not stems_a or not stems_b:
        return None
    return any(_stems_agree(x, y) for x in stems_a for y in stems_b)


# What an activity's `place` names beside its locality, in any order (SOURCES.md
# §1.4: "Карагандинская область, г. Темиртау", "г. Шымкент, Дом культуры", "с.
# Сайхин, сельский клуб", "Теміртау қаласы, Қарағанды облысы").
_REGION_WORDS = re.compile(r"област|облыс|\bregion\b", re.IGNORECASE)
_DISTRICT_WORDS = re.compile(r"район|аудан|\bdistrict\b", re.IGNORECASE)
_VENUE_WORDS = re.compile(
    r"\b(?:дом|дворец|клуб|школ|гимнази|лице[йя]|колледж|университет|центр|зал"
    r"|библиотек|акимат|здани|офис|приемн|филиал|стадион|ДК|ФАП|мәдениет|үй[іі]"
    r"|сарай|мектеп|орталы|кітапхана|әкімдік|ғимарат|school|hall|club|centre"
    r"|center|office|library)\w*",
    re.IGNORECASE,
)
# A locality's kind word: a village's (the most specific) or a town's, before
# the name in Russian, after it in Kazakh.
_VILLAGE_KINDS = re.compile(
    r"^(?:сел|с\.|аул|пос|п\.|пгт|станц|ст\.|ауыл|кент|елді)", re.IGNORECASE
)
# Cities with a region's standing: beside another locality they are its region
# ("г. Шымкент, Абайский район"), alone the locality.
_REGION_CITIES = frozenset({"almat", "shymk", "shimk"})
_KIND_PATTERNS = _PLACE_PATTERNS[:2]


def _kind_localities(part: str) -> list[tuple[bool, str]]:
    """(a village's, the locality as written) for each locality the part names
    with its kind word: "с. Сайхин", "г. Темиртау", "Теміртау қаласы"."""
    found = []
    for index, pattern in enumerate(_KIND_PATTERNS):
        for match in pattern.finditer(part):
            if not place_stems(match["place"]):
                continue
            if index == 0:
                kind = part[match.start() : match.start("place")]
            else:
                kind = part[match.end("place") : match.end()]
            found.append((bool(_VILLAGE_KINDS.match(kind.strip())), match[0].strip()))
    return found


def activity_locality(place: str | None) -> str | None:
    """The locality an activity's `place` names, wherever it stands among the
    region, the district and the venue (SOURCES.md §1.4: no fixed order).

    Most specific first: a village named with its kind word ("с. Сайхин",
    "Сайхин ауылы"), a town ("г. Темиртау", "Теміртау қаласы"), a name with no
    kind word that is neither a region, a district nor a venue, a district
    ("район Есиль"), a city with a region's standing (Шымкент, Алматы: beside a
    district it is the region), else the office a reception is held in
    ("Мажилис Парламента"). None when it names none of these."""
    if not place:
        return None
    ranked: list[tuple[int, int, str]] = []
    for position, raw in enumerate(re.split(r"[,;]", place)):
        part = " ".join(raw.split())
        if not part:
            continue
        named = _kind_localities(part)
        for village, locality in named:
            stems = place_stems(locality)
            rank = 0 if village else 4 if stems <= _REGION_CITIES else 1
            ranked.append((rank, position, locality))
        if named or _REGION_WORDS.search(part):
            continue
        if any(pattern.search(part) for _, pattern in _OFFICES):
            ranked.append((5, position, part))
        elif _DISTRICT_WORDS.search(part):
            ranked.append((3, position, part))
        elif not _VENUE_WORDS.search(part) and place_stems(part):
            stems = place_stems(part)
            ranked.append((4 if stems <= _REGION_CITIES else 2, position, part))
    return min(ranked)[2] if ranked else None
