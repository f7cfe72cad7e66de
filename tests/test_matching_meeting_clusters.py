"""One meeting across Telegram, Instagram, Facebook and the Mazhilis site:
measured on the replica's posts, whose generator labels each with the real event
it reports (cross-posts worded differently, in other languages, dated or not,
posted up to a day later; some deputies meet twice in one day)."""

from datetime import date

from matching.meeting_clusters import (
    Report,
    bcubed,
    candidate_pairs,
    cluster,
    days_of,
    pairwise,
)
from matching.meetings import activity_locality, classify, same_place
from tests import replica_meetings
from tests.replica_meetings import KAZAKHSTAN


def replica_reports() -> tuple[list[Report], dict[str, str], int]:
    """Reports of what the classifier recognises, the gold events, and the
    number of labelled posts."""
    reports, gold = [], {}
    posts = replica_meetings.posts()
    for post in posts:
        key = f"{post.platform}:{post.handle}:{post.post_id}"
        if post.event:
            gold[key] = post.event
        posted = post.posted_at.astimezone(KAZAKHSTAN).date()
        found = classify(post.text, posted)
        if found.kind is None:
            continue
        first, last = days_of(found.day, posted)
        source = f"{post.platform}:{post.handle}"
        who = str(post.deputy)
        text = post.text or ""
        reports.append(
            Report(key, who, found.kind, first, last, found.place, text, source)
        )
    deputies = {p.deputy for p in posts}
    for activity in replica_meetings.activities(deputies):
        key = f"activity:{activity.activity_id}"
        gold[key] = f"activity-{activity.activity_id}"
        words = f"{activity.title}\n{activity.text}"
        kind = classify(words, activity.day).kind or "meeting"
        place = activity_locality(activity.place)
        day = activity.day
        reports.append(
            Report(key, str(activity.deputy), kind, day, day, place, words, "mazhilis")
        )
    return reports, gold, len(gold)


def test_clustering_f1_on_the_replica_posts():
    reports, gold, labelled = replica_reports()
    result = cluster(reports)
    found = {r.key: i for i, c in enumerate(result.clusters) for r in c.reports}
    b_precision, b_recall, b_f1 = bcubed(gold, found)
    p_precision, p_recall, p_f1 = pairwise(gold, found)
    all_pairs = len(reports) * (len(reports) - 1) // 2
    reduction = 1 - result.candidate_pairs / all_pairs
    events = len(set(gold.values()))
    shared = sum(
        1 for e in set(gold.values()) if sum(v == e for v in gold.values()) > 1
    )
    print(
        f"\nclustering: {labelled} labelled reports of {events} events "
        f"({shared} reported by several sources), {len(result.clusters)} clusters; "
        f"B-cubed precision {b_precision:.3f} recall {b_recall:.3f} F1 {b_f1:.3f}; "
        f"pairwise precision {p_precision:.3f} recall {p_recall:.3f} F1 {p_f1:.3f}; "
        f"{result.candidate_pairs} candidate pairs of {all_pairs} "
        f"({reduction:.4%} fewer)"
    )
    assert labelled >= 300 and shared >= 100
    assert b_f1 >= 0.95 and p_f1 >= 0.95
    assert reduction >= 0.999


def test_same_day_meetings_of_one_deputy_stay_apart():
    """Events of one deputy on one day in two places never share a cluster; in
    one place (two activities in one village) only the texts could tell them,
    and the replica words its posts independently of them: printed, not held."""
    reports, gold, _ = replica_reports()
    result = cluster(reports)
    found = {r.key: i for i, c in enumerate(result.clusters) for r in c.reports}
    by_key = {r.key: r for r in reports}
    members: dict[str, list[Report]] = {}
    days: dict[tuple[str, date], set[str]] = {}
    for key, event in gold.items():
        if key in by_key:
            members.setdefault(event, []).append(by_key[key])
            if by_key[key].first == by_key[key].last:
                days.setdefault((by_key[key].who, by_key[key].first), set()).add(event)
    tally = {"two places": [0, 0], "one place": [0, 0]}
    for events in days.values():
        for a in events:
            for b in (b for b in events if a < b):
                places = {
                    same_place(x.place, y.place) for x in members[a] for y in members[b]
                }
                shared = {found[r.key] for r in members[a]}
                shared &= {found[r.key] for r in members[b]}
                row = tally["two places" if False in places else "one place"]
                row[0] += not shared
                row[1] += 1
    print(
        "\nsame-day meetings of one deputy kept apart: "
        + ", ".join(f"in {k}: {apart} of {n} pairs" for k, (apart, n) in tally.items())
    )
    apart, pairs = tally["two places"]
    assert pairs >= 20 and apart == pairs


def report(key: str, **changes) -> Report:
    values = {
        "key": key,
        "who": "71",
        "kind": "meeting",
        "first": date(2025, 7, 5),
        "last": date(2025, 7, 5),
        "place": "Темиртау",
        "text": "",
        "source": f"telegram:{key}",
    }
    return Report(**(values | changes))


def keys(reports: list[Report]) -> list[list[str]]:
    return [[r.key for r in c.reports] for c in cluster(reports).clusters]


def test_languages_and_a_day_off_join():
    posted = date(2025, 7, 6)
    first, last = days_of(None, posted)
    assert (first, last) == (date(2025, 7, 5), posted)
    reports = [
        report("a", text="5 июля встретился с жителями города Темиртау."),
        report("b", place="Temirtau", first=first, last=last, source="facebook:x"),
        report("c", place="Теміртау қаласының", source="mazhilis"),
    ]
    assert keys(reports) == [["a", "b", "c"]]


def test_two_places_on_one_day_stay_apart():
    reports = [
        report("a", place="Темиртау"),
        report("b", place="Temirtau", source="instagram:x"),
        report("c", place="г. Шахтинск", source="facebook:x"),
        report("d", place="Shakhtinsk", source="mazhilis"),
    ]
    assert keys(reports) == [["a", "b"], ["c", "d"]]


def test_other_deputy_kind_or_day_stay_apart():
    reports = [
        report("a"),
        report("b", who="72", source="x"),
        report("c", kind="reception", source="y"),
        report("d", first=date(2025, 7, 6), last=date(2025, 7, 6), source="z"),
    ]
    assert keys(reports) == [["a"], ["b"], ["c"], ["d"]]


def test_one_report_per_source_in_a_meeting():
    # Two posts of one channel on one day, places unstated: two meetings.
    one = "telegram:channel"
    reports = [report("a", place=None, source=one), report("b", place=None, source=one)]
    assert keys(reports) == [["a"], ["b"]]


def test_a_cluster_keeps_one_day_for_all():
    # c could be the 5th or the 6th, but not both: it joins one of them only.
    reports = [
        report("a", place=None),
        report("b", place=None, first=date(2025, 7, 6), last=date(2025, 7, 6)),
        report("c", place=None, first=date(2025, 7, 5), last=date(2025, 7, 6)),
    ]
    assert sorted(map(len, keys(reports))) == [1, 2]


def test_blocking_compares_only_overlapping_days_of_one_deputy():
    reports = [
        report(str(i), first=date(2025, 7, 1 + i % 28), last=date(2025, 7, 1 + i % 28))
        for i in range(280)
    ]
    pairs = list(candidate_pairs(reports))
    # Ten reports a day: 45 pairs a day, 28 days.
    assert len(pairs) == 28 * 45
    assert all(a.first == b.first for a, b in pairs)


def test_a_person_s_merge_outranks_the_rules():
    # Different places: the rules keep them apart; a person says they are one.
    reports = [report("a"), report("b", place="Шахтинск", source="instagram:x")]
    assert keys(reports) == [["a"], ["b"]]
    found = cluster(reports, together=[("b", "a")]).clusters
    assert [[r.key for r in c.reports] for c in found] == [["a", "b"]]
    assert found[0].links["b"].reason == "merged by a person"


def test_a_person_s_split_outranks_the_rules_and_merges():
    reports = [
        report("a"),
        report("b", source="instagram:x"),
        report("c", source="facebook:x"),
    ]
    assert keys(reports) == [["a", "b", "c"]]
    apart = [("a", "c"), ("b", "c")]
    assert keys_of(cluster(reports, apart=apart)) == [["a", "b"], ["c"]]
    # A merge that would join what a person split is not made.
    together = [("a", "c")]
    assert keys_of(cluster(reports, together=together, apart=apart)) == [
        ["a", "b"],
        ["c"],
    ]


def keys_of(result) -> list[list[str]]:  # noqa: ANN001
    return [[r.key for r in c.reports] for c in result.clusters]
