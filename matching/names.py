"""Person names in every script the sources use, reduced to comparable keys.

One deputy is written `ҚҰСПАН Абзал Темірғалиұлы` on the Mazhilis's Kazakh page,
`Куспан Абзал Темиргалиулы` on its Russian page, `Abzal Kuspan` on the English
list, `Куспан А.Т.` in a request, and `Qalyqov`-style in the 2021 Kazakh Latin
alphabet (SOURCES.md §1.1, §6). `parse` splits such a string into surname, first
name and patronymic and reduces each to a key in one phonetic Latin, so that the
spellings the romanizations disagree on fold together:

- Kazakh and Russian Cyrillic letters: қ/к -> k, ғ/г -> g, ұ ү у -> u, ы і и й -> i,
  ә -> a, ө -> o, ж -> j, х һ -> h, ш -> sh, ч -> ch, ц -> ts, щ -> sh, ю -> iu,
  я -> ia, ь ъ dropped;
- Latin: q -> k, gh -> g, kh -> h, zh/dzh/j -> j, y -> i, ye -> e, yu -> iu,
  ng -> n, w -> u, the diacritics of the 2021 alphabet and of BGN/PCGN dropped
  (ä ö ü ū ı ī ğ ş ç ñ);
- doubled letters are written once (Есенов / Yessenov).

Where the Russian page spells a Kazakh letter two ways, a key has variants
(`forms`): ө is о or у (Ботагөз / Ботагоз, Өтепов / Утепов), қ is к or х
(Бақытжан / Бахытжан, Қожаназаров / Ходжаназаров), ә is а or я (Ләззат /
Ляззат), ё is е or yo (Артём / Artem / Artyom); a key with ch also has a form
with sh (Шоқанов / Чоканов). Two parts agree when their forms share a key.
"""

import re
import unicodedata
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import product

# Cyrillic letters to Latin; a tuple lists the spellings a letter takes, the
# first being the key's primary form.
_CYRILLIC: dict[str, tuple[str, ...]] = {
    "а": ("a",), "ә": ("a", "ia"), "б": ("b",), "в": ("v",), "г": ("g",),
    "ғ": ("g",), "д": ("d",), "е": ("e",), "ё": ("e", "io"), "ж": ("zh",),
    "з": ("z",), "и": ("i",), "й": ("i",), "к": ("k",), "қ": ("k", "h"),
    "л": ("l",), "м": ("m",), "н": ("n",), "ң": ("n",), "о": ("o",),
    "ө": ("o", "u"), "п": ("p",), "р": ("r",), "с": ("s",), "т": ("t",),
    "у": ("u",), "ұ": ("u",), "ү": ("u",), "ф": ("f",), "х": ("kh",),
    "һ": ("h",), "ц": ("ts",), "ч": ("ch",), "ш": ("sh",), "щ": ("shch",),
    "ъ": ("",), "ы": ("y",), "і": ("i",), "ь": ("",), "э": ("e",),
    "ю": ("yu",), "я": ("ya",),
}  # fmt: skip

# Latin letters of the Kazakh alphabets (2018, 2021), BGN/PCGN and Turkish-style
# typing; other accents are stripped.
_LATIN: dict[str, tuple[str, ...]] = {
    "ä": ("a", "ia"), "ə": ("a",), "q": ("k", "h"), "ö": ("o", "u"),
    "ü": ("u",), "ū": ("u",), "ŭ": ("u",), "ı": ("i",), "ī": ("i",),
    "ğ": ("g",), "ǵ": ("g",),
    "ş": ("sh",), "ç": ("ch",), "ñ": ("n",), "ŋ": ("n",), "ń": ("n",),
    "ë": ("e", "io"),
    # The 2018 alphabet: á ә, ó ө, ý у (Dáýren).
    "á": ("a", "ia"), "ó": ("o", "u"), "ý": ("u", "i"),
    # ISO 9: ž š č ŝ, â я, û ю, ô ө, è э (Žanbyršin, Niâzov).
    "ž": ("zh",), "š": ("sh",), "č": ("ch",), "ŝ": ("shch",), "â": ("ia",),
    "û": ("iu",), "ô": ("o", "u"), "è": ("e",), "ķ": ("k", "h"),
}  # fmt: skip

# ISO 9 writes й as j (Ajdos Tažiev): a name with one of its letters is read
# so; elsewhere a j after a vowel may be й as well as ж (Najmetdinuly).
_ISO9_LETTERS = re.compile("[žščŝâûôèìùḥķņġ]|u\u0307|a\u030b")
_J_AFTER_VOWEL = re.compile(r"(?<=[aeiou])j")
# The 2017 alphabet's apostrophes: a' ә, o' ө, u' ү, y' у, s' ш, c' ч, g' ғ,
# n' ң, i' и (Da'y'ren, S'ynar, To'legen); elsewhere an apostrophe is a soft
# sign (BGN's Aygul', ISO 9's Ajgulʹ) and is dropped.
_APOSTROPHES = "'’ʼ`ʹʺ\""
_APOSTROPHE_LETTERS = {
    "a": "ä", "o": "ö", "u": "ü", "y": "u", "s": "sh", "c": "ch", "g": "ğ",
    "n": "ñ",
}  # fmt: skip
_APOSTROPHE = re.compile(f"([a-z])[{_APOSTROPHES}]")

# Look-alike letters typed in the wrong script: a Latin "o" in `Ахметoв`, a
# Cyrillic "а" in `Kuspаn`. Letters that only exist in one script (қ in
# `Asangazyқyzy`) are not look-alikes: they are transliterated.
_LATIN_LOOKALIKES = dict(
    zip("aeocpxykiABCEHKMOPTXYI", "аеосрхукіАВСЕНКМОРТХУІ", strict=True)
)
_CYRILLIC_LOOKALIKES = dict(
    zip("аеосрукіАВЕКМНОРСТУІ", "aeocpykiABEKMHOPCTYI", strict=True)
)

# Latin spellings folded onto one key, in this order (shch before sh, dzh
# before zh, then a lone c as s); then y -> i.
_DIGRAPH_FOLDS = (
    ("shch", "sh"), ("sch", "sh"), ("dzh", "j"), ("dj", "j"), ("zh", "j"),
    ("kh", "h"), ("gh", "g"), ("q", "k"), ("w", "u"), ("x", "ks"),
)  # fmt: skip
_Y_FOLDS = (("ye", "e"), ("yo", "io"), ("ya", "ia"), ("yu", "iu"), ("y", "i"))
_LONE_C = re.compile(r"c(?!h)")
_DOUBLE = re.compile(r"(.)\1+")
_CYRILLIC_LETTER = re.compile(r"[\u0400-\u04ff]")
_LATIN_LETTER = re.compile(r"[A-Za-z\u00c0-\u024f\u0259]")

# Patronymic endings on a key: Темірғалиұлы -> temirgaliuli, Mazhitovich ->
# majitovich, Асанғазықызы -> asangazikizi; -ulu and -ogli/-oglu occur in English.
_MALE_ENDINGS = ("uli", "ulu", "ogli", "oglu", "ovich", "evich")
_FEMALE_ENDINGS = ("kizi", "ovna", "evna")
# A patronymic written as two words: Темірғали ұлы, Asan kyzy.
_SEPARATE_ENDINGS = frozenset(("uli", "ulu", "kizi", "ogli", "oglu"))
_KAZAKH_ENDINGS = tuple(_SEPARATE_ENDINGS)
_MASCULINE_SURNAME = ("ov", "ev", "in")
_FEMININE_SURNAME = ("ova", "eva", "ina")
_MAX_FORMS = 32


def _script_fixed(word: str) -> str:
    """Turn look-alike letters of the minority script into the majority's.

    `Ахметoв` (a Latin o) -> `Ахметов`; `Kuspаn` (a Cyrillic а) -> `Kuspan`.
    """
    cyrillic = len(_CYRILLIC_LETTER.findall(word))
    latin = len(_LATIN_LETTER.findall(word))
    if cyrillic > latin:
        return "".join(_LATIN_LOOKALIKES.get(c, c) for c in word)
    if latin > cyrillic:
        return "".join(_CYRILLIC_LOOKALIKES.get(c, c) for c in word)
    return word


def fold_latin(text: str) -> str:
    """Fold a lowercase Latin spelling onto the key alphabet: Yessenov -> esenov,
    Zhanbyrshin -> janbirshin, Qalyqov -> kalikov, Bektayev -> bektaev."""
    text = "".join(c for c in text if "a" <= c <= "z")
    for old, new in _DIGRAPH_FOLDS:
        text = text.replace(old, new)
    text = _LONE_C.sub("s", text)
    for old, new in _Y_FOLDS:
        text = text.replace(old, new)
    # ң is n in Cyrillic keys, ng in BGN: Shyngghys -> shingis -> shinis.
    text = _DOUBLE.sub(r"\1", text).replace("ng", "n")
    return _DOUBLE.sub(r"\1", text)


def _letter_options(char: str) -> tuple[str, ...]:
    """The Latin spellings of one lowercase letter, primary first."""
    if char in _CYRILLIC:
        return _CYRILLIC[char]
    if char in _LATIN:
        return _LATIN[char]
    stripped = "".join(
        c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
    )
    return (stripped,)


def _apostrophes_read(text: str) -> str:
    """The 2017 alphabet's letters with an apostrophe as plain Latin:
    da'y'ren -> dauren, s'ynar -> shynar."""
    text = _APOSTROPHE.sub(lambda m: _APOSTROPHE_LETTERS.get(m[1], m[1]), text)
    return "".join(c for c in text if c not in _APOSTROPHES)


@lru_cache(maxsize=65536)
def word_forms(word: str) -> tuple[str, ...]:
    """The keys of one word, primary first: `Өтепов` -> ("otepov", "utepov")."""
    text = _script_fixed(unicodedata.normalize("NFC", word)).lower()
    text = _apostrophes_read(text)
    if _ISO9_LETTERS.search(unicodedata.normalize("NFD", text)):
        text = text.replace("j", "й")
    spellings = [""]
    for char in text:
        options = _letter_options(char)
        spellings = [s + o for s, o in product(spellings, options)][:_MAX_FORMS]
    keys = dict.fromkeys(fold_latin(s) for s in spellings)
    keys.update(
        dict.fromkeys(fold_latin(_J_AFTER_VOWEL.sub("i", s)) for s in spellings)
    )
    # Russian writes some Kazakh ш as ч: Шоқанов / Чоканов.
    keys.update(dict.fromkeys(k.replace("ch", "sh") for k in list(keys) if "ch" in k))
    return tuple(k for k in keys if k) or ("",)


def word_key(word: str) -> str:
    """The primary key of one word: `ҚҰСПАН` -> "kuspan", `Abzal` -> "abzal"."""
    return word_forms(word)[0]


def first_sound(key: str) -> str:
    """The first sound of a key, as an initial stands for it: "shinis" -> "sh"."""
    return key[:2] if key.startswith(("sh", "ch", "ts")) else key[:1]


def _patronymic_roots(key: str) -> tuple[tuple[str, ...], bool] | None:
    """(father's name's keys, female) of a patronymic key, or None if it is not
    one.

    `temirgaliuli` -> (("temirgali",), False); `kobilandinovich` ->
    (("kobilandin",), False): the Russian page adds an н (Кобыландынович), see
    `roots_agree`. A father's name ending in the ending's first letter lost it
    when doubled letters were folded: Мәлікқызы -> malikizi -> mali or malik,
    Тілеуұлы -> tileuli -> tile or tileu.
    """
    for endings, female in ((_MALE_ENDINGS, False), (_FEMALE_ENDINGS, True)):
        for ending in endings:
            if key.endswith(ending) and len(key) >= len(ending) + 3:
                root = key[: -len(ending)]
                if ending in _SEPARATE_ENDINGS:
                    return (root, root + ending[0]), female
                return (root,), female
    return None


def roots_agree(a: str, b: str) -> bool:
    """Two fathers' names agree, allowing the н the Russian -ович adds after a
    vowel: Қобыландыұлы / Кобыландынович (kobilandi / kobilandin)."""
    if a == b:
        return True
    short, long = sorted((a, b), key=len)
    return long == short + "n" and short[-1] in "aeiou"


# First names, to tell the first name from the surname in `Abzal Kuspan` and to
# know a person's sex. A name's Kazakh spelling gives its key (Нұргүл ->
# nurgul, which is also Нургуль's and Nurgul's).
_MEN = """
Абай Абзал Абылай Адай Азамат Азат Айбек Айдар Айдос Айдын Алмас Алтай Амангелді
Аманжол Арман Арнұр Асан Асет Асқар Асхат Асылбек Ахмет Әбілқайыр Әбдіраш Әділ
Әлібек Әлихан Бағдат Бақыт Бақытжан Бауыржан Бекболат Бекзат Бейбіт Берік Болат
Ғабит Ғалымжан Ғани Дамир Данияр Дархан Дәулет Дәурен Досжан Еділ Едіге Елдос Ербол
Ерболат Ерғали Ержан Ерік Ерлан Ермек Есен Жандос Жанарбек Жарас Жасұлан Жақсылық
Жеңіс Жұмабек Ілияс Ильяс Исатай Кенжебек Қайрат Қанат Қасым Қобыланды Қуаныш
Құдайберген Мадияр Мақсат Марат Мәжит Мәлік Мейірбек Мұрат Мұхтар Мырзахмет
Мұхамед Нұрбол Нұржан Нұрлан Нұрсұлтан Олжас Оразбек Өмірзақ Рахым Руслан Рысбек
Сағындық Самат Сәкен Сейілхан Серік Талғат Темірғали Темірлан Тоқтар Төлеген Ұлан
Үкібай Хасен Шәмші Шыңғыс Ыбырайым Андрей Артём Валерий Сергей Пётр Алексей Иван
"""
_WOMEN = """
Айгерім Айгүл Айжан Айнұр Ақбота Ақерке Ақмарал Алия Аружан Аягөз Әйгерім Әсел
Бибігүл Ботагөз Гүлдана Гүлмира Гүлнар Гүлшат Дана Динара Еркегүл Жанар Жұлдыз
Зарина Індира Қарлығаш Лаура Ләззат Мәдина Меруерт Мөлдір Назгүл Нұргүл Салтанат
Самал Сәуле Толқын Ұлжан Шынар Ирина Екатерина Елена Ольга Светлана
"""
_SEX_OF_NAME: dict[str, bool] = {
    key: female
    for names, female in ((_MEN, False), (_WOMEN, True))
    for name in names.split()
    for key in word_forms(name)
}

# Forms of one name that no letter mapping relates: the Russian pages write
# Шыңғыс as Чингиз, Ыбырайым as Ибрагим.
_SAME_NAME_GROUPS = (
    ("Шыңғыс", "Чингиз", "Чингис"),
    ("Ыбырайым", "Ибрагим", "Ибраим"),
    ("Мұхамед", "Мухаммед", "Мухаммад", "Мохаммед"),
    ("Жүсіп", "Юсуп", "Юсуф"),
    ("Ысқақ", "Исхак", "Исаак"),
    ("Ғабдолла", "Абдулла", "Габдулла"),
    ("Әбдірахман", "Абдрахман", "Абдурахман"),
    ("Ілияс", "Ильяс", "Ильяз"),
)
_NAME_GROUP: dict[str, int] = {
    key: number
    for number, group in enumerate(_SAME_NAME_GROUPS)
    for name in group
    for key in word_forms(name)
}


def same_name_group(a: frozenset[str], b: frozenset[str]) -> bool:
    """Two first names (or fathers' names) are forms of one name by the table."""
    groups_a = {_NAME_GROUP[k] for k in a if k in _NAME_GROUP}
    return any(_NAME_GROUP.get(k) in groups_a for k in b)


@dataclass(frozen=True)
class ParsedName:
    """A person's name split into parts, each reduced to its primary key.

    `patronymic` is the father's name without its ending (`Темірғалиұлы` ->
    "temirgali"); `initials` are the first sounds of the first name and the
    patronymic, from the parts or from initials (`А.Т.` -> ("a", "t")).
    `order_known` is False where nothing says which word is the surname
    (`Abzal Kuspan`): a scorer should then also try the other order.
    `patronymic_words` are the keys of the patronymic with its ending
    (`Куанышович` -> "kuanishovich"), for a typo in the ending.
    """

    surname: str | None
    given: str | None
    patronymic: str | None
    initials: tuple[str, ...]
    original: str
    female: bool | None = None
    order_known: bool = True
    surname_forms: frozenset[str] = frozenset()
    given_forms: frozenset[str] = frozenset()
    patronymic_forms: frozenset[str] = frozenset()
    initial_forms: tuple[frozenset[str], ...] = ()
    patronymic_words: frozenset[str] = frozenset()

    def swapped(self) -> "ParsedName":
        """The same name read with the surname and first name the other way."""
        return replace(
            self,
            surname=self.given,
            given=self.surname,
            surname_forms=self.given_forms,
            given_forms=self.surname_forms,
            initials=(first_sound(self.surname or ""),) + self.initials[1:],
            initial_forms=(_initials_of(self.surname_forms),) + self.initial_forms[1:],
        )


@dataclass(frozen=True)
class _Token:
    text: str
    forms: tuple[str, ...]
    initial: bool
    capitals: bool
    cyrillic: bool

    @property
    def key(self) -> str:
        return self.forms[0]


def _run_together_split(text: str) -> str:
    """Parts run together without a space, parted where a capital follows a
    small letter: `ЕділХамитұлы` -> `Еділ Хамитұлы`, `ZagipaYahyanovna`
    (SOURCES.md §6)."""
    out = []
    for i, c in enumerate(text):
        before = text[:i].rstrip(_APOSTROPHES)
        if c.isupper() and before[-1:].islower():
            out.append(" ")
        out.append(c)
    return "".join(out)


def _tokens(text: str) -> list[_Token]:
    """Split a name into words and initials: `Куспан А.Т.` -> Куспан, А, Т."""
    words = []
    raw = unicodedata.normalize("NFC", text).replace(".", ". ").replace(",", " ")
    # A name is written in one system: one ISO 9 letter makes every j й.
    if _ISO9_LETTERS.search(raw.lower()):
        raw = raw.replace("j", "й").replace("J", "Й")
    for part in _run_together_split(raw).split():
        letters = [c for c in part if c.isalpha()]
        # A missing patronymic comes as the string "None" (SOURCES.md §1.1).
        if not letters or part.strip(".").lower() in ("none", "null", "nan"):
            continue
        # Initials: `А.`, `Zh.`, `Ye.`, `Shch.`, or a bare letter (`Куспан А .Т.`).
        is_initial = len(letters) == 1 or (part.endswith(".") and len(letters) <= 4)
        forms = word_forms(part)
        # A separate ending (`Темірғали ұлы`) belongs to the word before it.
        if words and not is_initial and forms[0] in _SEPARATE_ENDINGS:
            previous = words.pop()
            part = previous.text + part
            forms = word_forms(part)
        word = "".join(letters)
        words.append(
            _Token(
                text=part,
                forms=forms,
                initial=is_initial,
                capitals=len(letters) > 1 and word.isupper(),
                cyrillic=bool(_CYRILLIC_LETTER.search(part)),
            )
        )
    return words


def _initials_of(forms: frozenset[str]) -> frozenset[str]:
    return frozenset(first_sound(k) for k in forms if k)


# A one-letter Latin initial may stand for a sound English writes with two:
# `Z.` for Zhasulan, `Y.` for Yerlan (Ерлан) as well as Ybyrai (Ыбырай).
_LATIN_INITIAL_SOUNDS = {
    "z": {"j"}, "s": {"sh"}, "c": {"ch"}, "k": {"h"}, "t": {"ts"}, "y": {"e"},
}  # fmt: skip


def _initial_token_forms(token: _Token) -> frozenset[str]:
    """The sounds an initial may stand for: `А.` -> {a}, `Z.` -> {z, j}."""
    sounds = _initials_of(frozenset(token.forms))
    letter = token.text.rstrip(".").lower()
    return sounds | _LATIN_INITIAL_SOUNDS.get(letter, set())


def _sex(given_forms: frozenset[str], patronymic_female: bool | None) -> bool | None:
    """The sex the first name and the patronymic agree on, if any."""
    votes = {_SEX_OF_NAME[k] for k in given_forms if k in _SEX_OF_NAME}
    if patronymic_female is not None:
        votes.add(patronymic_female)
    return votes.pop() if len(votes) == 1 else None


def _surname_female(forms: frozenset[str]) -> bool | None:
    """Абенова -> True, Абенов -> False, Құспан -> None."""
    for key in forms:
        if len(key) > 4 and key.endswith(_FEMININE_SURNAME):
            return True
        if len(key) > 3 and key.endswith(_MASCULINE_SURNAME):
            return False
    return None


def _patronymic_index(words: list[_Token]) -> int | None:
    """Which word is the patronymic: the last with a patronymic ending that is not
    the one capitalized word (a Kazakh page's surname).

    Surnames end in -ұлы too (`Arman Abaiuly` may be a first name and a surname),
    so a Kazakh ending makes a patronymic only beside two other words; -ович and
    -овна beside one.
    """
    all_capitals = all(w.capitals for w in words)
    for i in range(len(words) - 1, -1, -1):
        if words[i].capitals and not all_capitals:
            continue
        roots = _patronymic_roots(words[i].key)
        if roots and len(words) >= (3 if words[i].key.endswith(_KAZAKH_ENDINGS) else 2):
            return i
    return None


def _assign(words: list[_Token], has_initials: bool) -> tuple[
    _Token | None, _Token | None, _Token | None, bool
]:  # fmt: skip
    """(surname, first name, patronymic, order known) of the words of a name."""
    pat_at = _patronymic_index(words)
    patronymic = words[pat_at] if pat_at is not None else None
    rest = [w for i, w in enumerate(words) if i != pat_at]
    if not rest:
        return None, None, patronymic, True
    capitals = [w for w in rest if w.capitals]
    # Kazakh pages write the surname in capitals: ҚАЛЫҚОВ Арман.
    if len(capitals) == 1 and len(rest) > 1:
        surname = capitals[0]
        others = [w for w in rest if w is not surname]
        # A third word is the patronymic even with a typo in its ending
        # (`ҚҰСПАН Абзал Темірғалиұзлы`).
        if patronymic is None and len(others) > 1:
            patronymic = others[1]
        return surname, others[0], patronymic, True
    if len(rest) == 1:
        return rest[0], None, patronymic, True
    if pat_at is not None:
        # The first name comes just before the patronymic, in both orders:
        # Куспан Абзал Темиргалиулы, Abzal Temirgaliuly Kuspan.
        before = words[pat_at - 1] if pat_at > 0 else None
        given = before if before in rest else rest[0]
        surname = next(w for w in rest if w is not given)
        return surname, given, patronymic, True
    first, second = rest[0], rest[-1]
    known_first = any(k in _SEX_OF_NAME for k in first.forms)
    known_second = any(k in _SEX_OF_NAME for k in second.forms)
    # Otherwise Cyrillic sources put the surname first, the English list last.
    surname_first = known_second if known_first != known_second else first.cyrillic
    if len(rest) > 2 and not has_initials:
        middle = rest[1]
        # A known first name in the middle is the Mazhilis's order even where
        # a typo hides the patronymic's ending (Даулет Кайрат Сагындыковмич).
        if surname_first or any(k in _SEX_OF_NAME for k in middle.forms):
            return first, middle, second, False
        return second, first, middle, False
    if surname_first:
        return first, second, None, False
    return second, first, None, False


@lru_cache(maxsize=65536)
def parse(name: str) -> ParsedName:
    """Split a person's name into comparable parts.

    `ҚҰСПАН Абзал Темірғалиұлы`, `Abzal Kuspan`, `Kuspan A.` and `Куспан А. Т.`
    all give surname "kuspan"; the first two give first name "abzal", the last
    initials ("a", "t").
    """
    tokens = _tokens(name)
    words = [t for t in tokens if not t.initial]
    initial_tokens = [t for t in tokens if t.initial]
    surname, given, patronymic, order_known = _assign(words, bool(initial_tokens))

    surname_forms = frozenset(surname.forms) if surname else frozenset()
    given_forms = frozenset(given.forms) if given else frozenset()
    patronymic_forms: frozenset[str] = frozenset()
    patronymic_female = None
    if patronymic:
        found = [r for r in map(_patronymic_roots, patronymic.forms) if r]
        patronymic_forms = frozenset(
            root for roots, _ in found for root in roots
        ) or frozenset(patronymic.forms)
        patronymic_female = found[0][1] if found else None

    initial_sets = [_initial_token_forms(t) for t in initial_tokens]
    initial_forms: list[frozenset[str]] = []
    initial_forms.append(_initials_of(given_forms) if given else frozenset())
    initial_forms.append(_initials_of(patronymic_forms) if patronymic else frozenset())
    # Initials fill the parts that have no whole word: `Куспан А.Т.` gives both,
    # `Abzal T. Kuspan` the patronymic's.
    for i, sounds in enumerate(initial_forms):
        if not sounds and initial_sets:
            initial_forms[i] = initial_sets.pop(0)
    while initial_forms and not initial_forms[-1]:
        initial_forms.pop()

    given_key = given.key if given else None
    patronymic_key = None
    if patronymic:
        roots = _patronymic_roots(patronymic.key)
        patronymic_key = roots[0][0] if roots else patronymic.key
    initials = tuple(
        first_sound(part) if part else min(sounds, default="")
        for part, sounds in zip(
            (given_key, patronymic_key), initial_forms, strict=False
        )
    )
    surname_sex = _surname_female(surname_forms)
    sex = _sex(given_forms, patronymic_female)
    if surname_sex is not None and sex not in (None, surname_sex):
        sex = None
    elif sex is None:
        sex = surname_sex
    return ParsedName(
        surname=surname.key if surname else None,
        given=given_key,
        patronymic=patronymic_key,
        initials=initials,
        original=name,
        female=sex,
        order_known=order_known,
        surname_forms=surname_forms,
        given_forms=given_forms,
        patronymic_forms=patronymic_forms,
        initial_forms=tuple(initial_forms),
        patronymic_words=frozenset(patronymic.forms) if patronymic else frozenset(),
    )
