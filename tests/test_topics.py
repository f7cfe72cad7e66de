"""Topic tagging by keywords, measured on hand-labelled request titles and posts
(tests/data/topics, in Kazakh, Russian and English): precision and recall per
topic and overall are printed and held to a floor."""

from collections import Counter
from pathlib import Path

import pytest

from topics.keywords import (
    TOPICS_FILE,
    Tagger,
    TopicsFileError,
    load_topics,
    words_of,
)

LABELLED = Path(__file__).parent / "data" / "topics"
# The floors the keywords must keep on the labelled set.
OVERALL_PRECISION, OVERALL_RECALL = 0.9, 0.95
TOPIC_PRECISION, TOPIC_RECALL = 0.75, 0.8


def labelled_items() -> list[tuple[str, str, set[str]]]:
    """(file, text, topics) of every labelled item."""
    items = []
    for path in sorted(LABELLED.glob("*.tsv")):
        for line in path.read_text("utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            labels, text = line.split("\t")
            items.append(
                (path.name, text, set() if labels == "-" else set(labels.split(",")))
            )
    return items


@pytest.fixture(scope="module")
def tagger() -> Tagger:
    return Tagger(load_topics())


def test_the_labelled_set_is_large_multilingual_and_uses_every_topic(tagger):
    items = labelled_items()
    keys = {topic.key for topic in tagger.topics}
    assert len(items) >= 200
    assert {name.split("_")[1] for name, _, _ in items} == {
        "kk.tsv",
        "ru.tsv",
        "en.tsv",
    }
    used = set().union(*(topics for _, _, topics in items))
    assert used == keys
    assert sum(1 for _, _, topics in items if not topics) >= 10


def test_precision_and_recall_per_topic_and_overall(tagger):
    found, wrong, missed = Counter(), Counter(), Counter()
    for _, text, truth in labelled_items():
        tagged = set(tagger.tag(text))
        found.update(tagged & truth)
        wrong.update(tagged - truth)
        missed.update(truth - tagged)
    print(f"\n{'topic':<22} {'precision':>9} {'recall':>7}   tp  fp  fn")
    low = []
    for topic in tagger.topics:
        tp, fp, fn = found[topic.key], wrong[topic.key], missed[topic.key]
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 1.0
        print(
            f"{topic.key:<22} {precision:>9.2f} {recall:>7.2f} {tp:>4} {fp:>3} {fn:>3}"
        )
        if precision < TOPIC_PRECISION or recall < TOPIC_RECALL:
            low.append(topic.key)
    tp, fp, fn = (sum(c.values()) for c in (found, wrong, missed))
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    print(f"{'overall':<22} {precision:>9.3f} {recall:>7.3f} {tp:>4} {fp:>3} {fn:>3}")
    assert not low, f"topics below the floor: {low}"
    assert precision >= OVERALL_PRECISION
    assert recall >= OVERALL_RECALL


def test_each_tag_says_which_keywords_matched(tagger):
    tags = tagger.tag("Жалақы бойынша берешек туралы. Зарплата и пенсии!")
    assert tags == {
        "programme-1": ["жалақ", "зарплат"],
        "programme-2": ["пенси"],
    }


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("Сотрудники аппарата провели субботник", "judicial-reform"),
        ("Судьба поколения", "judicial-reform"),
        ("Баршаңызға береке тілеймін", "programme-7"),
        ("Дорогое дизельное топливо", "programme-4"),
        ("Исполнение дорожной карты", "programme-4"),
        ("Ата-аналары жиналды", "womens-rights"),
        ("Ғимарат ауласында сенбілік", "programme-6"),
        ("Передали материалы в прокуратуру", "womens-rights"),
        ("Кемсітушілікке жол берілмейді", "programme-4"),
        ("Пара беруге де, алуға да жол жоқ", "programme-4"),
        ("Ата-аналардың жиналысы", "womens-rights"),
        ("Зарплаты работников бюджетной сферы", "budget-transparency"),
        ("Медико-социальная экспертиза", "programme-3"),
        ("Встреча выпускников 1985 года", "programme-8"),
        ("Условия льготного кредитования фермеров", "programme-2"),
        ("Мектеп түлектерінің кездесуі", "programme-8"),
        ("Пострадавшие от испытаний на полигоне", "environment"),
    ],
)
def test_words_that_only_look_like_a_keyword_do_not_tag(tagger, text, topic):
    assert topic not in tagger.tag(text)


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("Суд присяжных", "judicial-reform"),
        ("Сот жүйесі", "judicial-reform"),
        ("Права человека", "human-rights"),
        ("Отбасылық-тұрмыстық зорлық-зомбылық", "domestic-violence"),
        ("Women's rights", "womens-rights"),
        ("Ёлка и мусор", "environment"),
        ("Возвращение незаконно выведенных из страны активов", "programme-10"),
        ("Активтерді елге қайтару", "programme-10"),
        ("Семипалатинский полигон: пострадавшие ждут выплат", "programme-2"),
        ("Ядролық сынақтардың зардабы", "programme-2"),
        ("Реконструкция очистных сооружений", "environment"),
        ("Су қорғау белдеуі", "environment"),
        ("Равную оплату за равный труд", "gender-equality"),
        ("Тең жұмысқа тең ақы", "gender-equality"),
        ("Обманутые дольщики", "programme-4"),
        ("Үлескерлердің мәселесі", "programme-4"),
        ("Көпбалалы аналар", "womens-rights"),
        ("Жильё для молодых семей", "programme-8"),
    ],
)
def test_words_in_every_form_and_phrases_tag(tagger, text, topic):
    assert topic in tagger.tag(text)


def test_an_exception_keeps_its_own_words_and_topic_out_and_nothing_else(tagger):
    assert tagger.tag("Жол жоқ деп отырмаймыз: ауылға баратын жолды жөндеу керек") == {
        "programme-4": ["жолды="],
        "programme-6": ["ауыл"],
    }
    assert tagger.tag("Пара беруге жол жоқ") == {"programme-10": ["пара="]}


def test_programme_thesis_nine_shares_the_environment_keywords(tagger):
    by_key = {topic.key: topic for topic in tagger.topics}
    assert by_key["programme-9"].keywords == by_key["environment"].keywords
    assert [t.thesis for t in tagger.topics if t.kind == "programme"] == list(
        range(1, 11)
    )


def test_words_are_lower_cased_without_possessives():
    assert words_of("Women’s Rights, ЁЛКА") == ["women", "rights", "елка"]


@pytest.mark.parametrize(
    ("edit", "problem"),
    [
        (lambda t: t.replace('"пенси",', '"пе",', 1), "fewer than 3 letters"),
        (lambda t: t.replace('kind = "issue"', 'kind = "topic"', 1), "kind 'topic'"),
        (lambda t: t.replace('key = "programme-2"', 'key = "programme-1"'), "repeats"),
        (lambda t: t.replace('keywords_of = "environment"', ""), "no keywords"),
        (lambda t: t + "\n[[topics]\n", "not a TOML file"),
        (
            lambda t: t.replace('exceptions = ["жол бер"', 'exceptions = ["жо бер"'),
            "exception 'жо бер': its first word has fewer than 3 letters",
        ),
        (
            lambda t: t.replace('exceptions = ["жол', 'exceptions = "жол"\nx = ["жол'),
            "exceptions is not a list",
        ),
    ],
)
def test_a_broken_topics_file_is_an_error_naming_the_topic(tmp_path, edit, problem):
    path = tmp_path / "topics.toml"
    path.write_text(edit(TOPICS_FILE.read_text("utf-8")), "utf-8")
    with pytest.raises(TopicsFileError, match=problem) as error:
        load_topics(path)
    assert str(path) in str(error.value)
