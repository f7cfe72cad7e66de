"""`mwatch login`: the session saved after a person logs in on the replica's login
pages (in headless Chromium, the test acting as the person), owner-only, and
the paths it refuses before opening any browser."""

import json
import stat
from collections.abc import Iterator

import pytest

import settings
from cli.social import SITES, LoginFailed, StateFileError, log_in, save_state
from replica import ReplicaProcess, generate_dataset
from tests.e2e import mwatch


@pytest.fixture(scope="module")
def replica() -> Iterator[ReplicaProcess]:
    with ReplicaProcess() as running:
        yield running


@pytest.fixture(scope="module")
def logins() -> dict:
    return generate_dataset()["logins"]


def person(fields: dict[str, str]):
    """Fills the login form and submits it, as the person at the window does."""

    def act(page) -> None:
        for name, value in fields.items():
            page.fill(f'input[name="{name}"]', value)
        page.click('button[type="submit"]')

    return act


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("platform", ["instagram", "facebook"])
def test_a_login_saves_the_session_for_its_owner_only(
    platform, replica, logins, tmp_path
):
    site = SITES[platform]
    login = logins[platform]
    fields = (
        login
        if platform == "instagram"
        else {"email": login["username"], "pass": login["password"]}
    )
    path = tmp_path / "state.json"
    # An older state readable by all is replaced, and no longer readable by all.
    path.write_text("{}")
    path.chmod(0o644)
    log_in(
        site,
        replica.urls[platform],
        path,
        settings.PLAYWRIGHT_LAUNCH_OPTIONS,
        timeout=20,
        headless=True,
        person=person(fields),
    )
    assert mode(path) == 0o600
    state = json.loads(path.read_text())
    assert site.session_cookie in {cookie["name"] for cookie in state["cookies"]}
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]


def test_nobody_logging_in_saves_nothing(replica, logins, tmp_path):
    path = tmp_path / "state.json"
    wrong = {"username": logins["instagram"]["username"], "password": "wrong"}
    with pytest.raises(LoginFailed, match="nobody logged in to Instagram"):
        log_in(
            SITES["instagram"],
            replica.urls["instagram"],
            path,
            settings.PLAYWRIGHT_LAUNCH_OPTIONS,
            timeout=1,
            headless=True,
            person=person(wrong),
        )
    assert list(tmp_path.iterdir()) == []


def test_save_state_refuses_a_folder_or_a_missing_one(tmp_path):
    with pytest.raises(StateFileError, match="is a folder"):
        save_state(tmp_path, {"cookies": []})
    with pytest.raises(StateFileError, match="there is no folder"):
        save_state(tmp_path / "no" / "state.json", {"cookies": []})


@pytest.mark.parametrize(
    "args, problem",
    [
        (["--state", "/no/such/folder/state.json"], "there is no folder"),
        (["--state", "/tmp"], "/tmp: is a folder"),
        ([], "--state FILE (or set MWATCH_INSTAGRAM_STATE)"),
    ],
)
def test_login_refuses_a_bad_path_before_opening_a_browser(args, problem):
    result = mwatch("login", "instagram", *args, env={"MWATCH_INSTAGRAM_STATE": ""})
    assert result.code == 2
    assert problem in result.stderr


def test_login_without_a_display_says_how_to_do_it(tmp_path):
    env = {"DISPLAY": "", "WAYLAND_DISPLAY": ""}
    result = mwatch("login", "facebook", "--state", str(tmp_path / "s.json"), env=env)
    assert result.code == 2
    assert "no display" in result.stderr and "chmod 600" in result.stderr
    assert list(tmp_path.iterdir()) == []
