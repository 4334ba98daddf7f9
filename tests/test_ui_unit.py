"""The web app's parts that need no browser: event-to-message mapping, settings, storage, a person's seat."""

from __future__ import annotations

import asyncio
import dataclasses
import sqlite3

import pytest

from agents.core.draft import Draft
from agents.core.memory import Memory
from agents.core.moves import Ballot, ClauseVote, Move, normalise_ballot
from agents.delegates.base import TurnContext, VoteContext
from agents.delegates.human import HumanDelegate, InputRejected, clean_text
from agents.engine.programme import build_programme
from agents.testing import FunctionChatModel, scripted_session
from agents.ui.avatars import FLAGS, avatar_file_name, png_bytes, write_avatars
from agents.ui.login_limit import LoginLimiter, TooManyAttempts
from agents.ui.persistence import data_layer, ensure_schema
from agents.ui.presenter import Presenter, brief_markdown, landing_markdown
from agents.ui.settings import UiSettings, parse_users
from agents.ui.web import allowed_origins
from tests.helpers import ROOT


async def present_session(seat: str | None):
    session = scripted_session(seed=2)
    presenter = Presenter(session.cast, seat)
    shown = []
    async for event in session.run():
        shown += presenter.present(event)
    return session, shown


async def test_every_delegation_and_the_chair_speak_as_their_own_author():
    session, shown = await present_session("russia")
    authors = {s.author for s in shown if s.kind in ("post", "finish", "stream")}
    assert {p.short_name for p in session.cast.delegations.values()} | {"Chair - China"} <= authors
    for item in shown:
        if item.kind == "finish":
            assert item.content.startswith(f"**{item.author}:**")  # the name is in the visible text too


async def test_tokens_stream_into_one_message_per_speech_except_the_persons_own():
    _, shown = await present_session("russia")
    streams_open = None
    for item in shown:
        if item.kind == "stream":
            assert item.author != "Russia"
            streams_open = item.author
        elif item.kind == "finish":
            assert item.author == streams_open
            streams_open = None
    assert any(item.kind == "stream" for item in shown)


async def test_phases_floor_draft_and_outcome_are_shown_distinctly():
    _, shown = await present_session(None)
    phases = [s for s in shown if s.style == "phase"]
    assert phases and all(s.content.startswith("### ") for s in phases)
    assert any(s.style == "floor" for s in shown)
    drafts = [s for s in shown if s.kind == "draft"]
    assert drafts and drafts[0].draft.clauses
    outcome = [s for s in shown if s.kind == "outcome"]
    assert len(outcome) == 1 and "## Outcome" in outcome[0].content and "| Clause |" in outcome[0].content


async def test_the_person_is_told_when_it_is_their_turn():
    _, shown = await present_session("japan")
    floors = [s.content for s in shown if s.style == "floor" and "It is your turn" in s.content]
    assert floors and all("Japan" in text for text in floors)


async def test_a_side_meeting_shows_only_to_its_members():
    session = scripted_session(seed=2)
    events = [event async for event in session.run()]
    private = [e for e in events if e.audience is not None]
    assert any(e.type == "message" and e.audience == ["usa", "dprk"] for e in private)  # the scenario's meeting
    for seat in ("dprk", "usa", "japan", None):
        presenter = Presenter(session.cast, seat)
        shown = {id(event): presenter.present(event) for event in events}
        for event in private:
            if event.type in ("message", "floor_given"):
                assert bool(shown[id(event)]) == (seat in event.audience), (seat, event)
        phases = [event for event in events if event.type == "phase_started"]
        announced = " ".join(item.content for event in phases for item in shown[id(event)])
        assert "now meet in private" in announced  # the meeting itself is announced to everyone
    members_view = [item for event in events for item in Presenter(session.cast, "usa").present(event)]
    assert any("*(in private)*" in item.content for item in members_view)


def test_brief_holds_only_the_own_private_instructions(catalog):
    russia, usa = catalog.personas["russia"], catalog.personas["usa"]
    brief = brief_markdown(russia)
    assert all(c.text in brief for c in russia.private_instructions)
    assert not any(c.text in brief for c in usa.private_instructions)


def test_avatars_exist_for_every_persona_under_chainlits_file_names(catalog, tmp_path):
    for persona in catalog.personas.values():
        assert (ROOT / "public" / "avatars" / avatar_file_name(persona.short_name)).exists()
    assert avatar_file_name("Chair - China") == "chair_-_china.png"
    written = write_avatars(tmp_path, {"russia": "Russia"})
    data = written[0].read_bytes()
    assert data.startswith(b"\x89PNG") and data == png_bytes(FLAGS["russia"])
    assert data != png_bytes(FLAGS["japan"])


def test_settings_parse_users_models_and_paths(tmp_path):
    users_file = tmp_path / "users.txt"
    users_file.write_text("carol:pw3\n", encoding="utf-8")
    env = {
        "PARLEY_UI_MODELS": "scripted, local",
        "PARLEY_UI_USERS": "alice:s1, bob:s2",
        "PARLEY_UI_USERS_FILE": str(users_file),
    }
    settings = UiSettings.from_env(env)
    assert settings.models == ["scripted", "local"]
    assert settings.users == {"alice": "s1", "bob": "s2", "carol": "pw3"}
    assert settings.check_password("alice", "s1") and not settings.check_password("alice", "s2")
    assert not settings.check_password("mallory", "")
    assert parse_users("no-colon, :x, y:") == {}


def test_sqlite_schema_has_the_columns_chainlit_writes(tmp_path):
    path = ensure_schema(tmp_path / "ui.sqlite")
    ensure_schema(path)  # idempotent
    with sqlite3.connect(path) as connection:
        columns = {row[1] for row in connection.execute("PRAGMA table_info(steps)")}
        element_columns = {row[1] for row in connection.execute("PRAGMA table_info(elements)")}
        version = connection.execute("PRAGMA user_version").fetchone()[0]
    assert {"autoCollapse", "defaultOpen", "command", "modes"} <= columns
    assert {"props", "autoPlay", "playerConfig"} <= element_columns
    assert version == 1


async def test_the_history_takes_writes_while_someone_reads_it(tmp_path):
    """WAL mode: a reader (the history sidebar, a resumed thread) does not lock writers out."""
    path = tmp_path / "ui.sqlite"
    layer = data_layer(path)
    reader = sqlite3.connect(path)
    try:
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM threads").fetchone()  # holds a read transaction open
        await layer.update_thread(thread_id="t-1", name="six-party-2003: observer")
    finally:
        reader.close()
        await layer.engine.dispose()
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        name = connection.execute("SELECT name FROM threads WHERE id = 't-1'").fetchone()
    assert name == ("six-party-2003: observer",)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("  We agree. ", "We agree."), ("bell\x07 and\x00 nul", "bell and nul"), ("<b>bold</b>", "<b>bold</b>")],
)
def test_person_text_is_cleaned(text, expected):
    assert clean_text(text) == expected


@pytest.mark.parametrize("text", ["", "   \n\t", "x" * 4001])
def test_empty_or_overlong_person_text_is_refused_with_a_reason(text):
    with pytest.raises(InputRejected, match="empty|limit is 4000"):
        clean_text(text)


class SilentPrompter:
    """A person who never answers: ask_* wait until cancelled."""

    def __init__(self):
        self.told = []

    async def ask_move(self, context):
        await asyncio.Event().wait()

    async def ask_ballot(self, context):
        await asyncio.Event().wait()

    async def tell(self, text):
        self.told.append(text)


class ReadyPrompter(SilentPrompter):
    async def ask_move(self, context):
        return Move(kind="statement", text="We are here.")

    async def ask_ballot(self, context):
        return Ballot(votes=[ClauseVote(clause=1, vote="object", reason="No.")])


def contexts(catalog):
    cast = catalog.cast("six-party-2003")
    programme = build_programme(cast.scenario)
    draft = Draft().add("A clause.", "chair-prc", 0, "tabled")
    segment = programme[0]
    turn = TurnContext(cast, cast.delegations["russia"], segment.phase, None, segment.allowed_moves, draft, Memory(), 1)
    vote = VoteContext(cast, cast.delegations["russia"], programme[-2].phase, draft, Memory(), 9)
    return turn, vote


class NoAnswerPrompter(SilentPrompter):
    """A front end whose own time limit ran out: it answers None."""

    async def ask_move(self, context):
        return None

    async def ask_ballot(self, context):
        return None


@pytest.mark.parametrize("prompter_class", [SilentPrompter, NoAnswerPrompter])
async def test_a_silent_person_yields_and_gives_no_ballot_after_the_time_limit(catalog, prompter_class):
    turn, vote = contexts(catalog)
    prompter = prompter_class()
    delegate = HumanDelegate("russia", prompter, timeout_seconds=0, grace_seconds=0)
    result = await delegate.take_turn(turn, lambda _: None)
    assert result.move.kind == "yield" and "no answer" in result.note
    ballot = await delegate.vote(vote)
    assert ballot.ballot is None and "no ballot" in ballot.note
    assert len(prompter.told) == 2 and "Time is up" in prompter.told[0] and "no answer" in prompter.told[1]


async def test_a_persons_answers_pass_through_unchanged(catalog):
    turn, vote = contexts(catalog)
    delegate = HumanDelegate("russia", ReadyPrompter(), timeout_seconds=60, label="person (tester)")
    result = await delegate.take_turn(turn, lambda _: None)
    assert result.move == Move(kind="statement", text="We are here.") and result.model == "person (tester)"
    assert (await delegate.vote(vote)).ballot.votes[0].vote == "object"


async def test_a_person_in_a_seat_plays_through_the_engine(catalog):
    session = scripted_session(seed=1)
    session.delegates["russia"] = HumanDelegate("russia", ReadyPrompter(), timeout_seconds=60)
    events = [event async for event in session.run()]
    russia = [e for e in events if e.type == "message" and e.speaker == "russia"]
    assert russia and all(e.text == "We are here." and e.model == "person" for e in russia)
    votes = next(e for e in events if e.type == "vote_cast" and e.speaker == "russia").votes
    assert votes[0].vote == "object" and all(v.vote == "no_answer" for v in votes[1:])


async def test_a_person_without_an_advisor_makes_no_plan_and_no_error():
    session = scripted_session(seed=1, max_turns=6)
    session.delegates["russia"] = HumanDelegate("russia", ReadyPrompter(), timeout_seconds=60)
    events = [event async for event in session.run()]
    plans = [e for e in events if e.type == "plan"]
    assert plans and "russia" not in {e.speaker for e in plans}
    assert not any(e.type == "error" and e.speaker == "russia" for e in events)


async def test_the_persons_advisor_plans_and_only_their_page_shows_it():
    from agents.delegates.advisor import suggest_plan
    from agents.testing import ScriptedChatModel

    advisor = ScriptedChatModel(seed=2)
    session = scripted_session(seed=1, max_turns=6)

    async def planner(context):
        return await suggest_plan(advisor, context)

    session.delegates["russia"] = HumanDelegate("russia", ReadyPrompter(), timeout_seconds=60, planner=planner)
    events = [event async for event in session.run()]
    plans = [e for e in events if e.type == "plan" and e.speaker == "russia"]
    assert [e.for_phase for e in plans] == ["opening", "consensus"]  # no turns left for drafting: no plan for it
    assert all(e.audience == ["russia"] and e.model == "scripted" and e.plan.goals for e in plans)
    asked = [str(call[-1].content) for call in advisor.calls]
    assert len(asked) == 2 and all("advising the person who plays Russia" in text for text in asked)
    shown = {seat: [s for e in events for s in Presenter(session.cast, seat).present(e)] for seat in ("russia", None)}
    advice = [s.content for s in shown["russia"] if "suggests a private plan" in s.content]
    assert len(advice) == 2 and plans[0].plan.goals[0] in advice[0] and "for the opening" in advice[0]
    assert not any("private plan" in s.content or plans[0].plan.goals[0] in s.content for s in shown[None])


async def test_a_floor_request_between_turns_reaches_the_chair():
    session = scripted_session(seed=1, max_turns=4)
    session.request_floor("japan")
    session.request_floor("atlantis")  # not seated: ignored
    events = [event async for event in session.run()]
    requested = [e.speaker for e in events if e.type == "floor_requested"]
    assert requested[0] == "japan" and "atlantis" not in requested
    first_floor = next(e for e in events if e.type == "floor_given")
    assert (first_floor.speaker, first_floor.reason) == ("japan", "request")


async def test_the_advisor_suggests_moves_the_phase_allows(catalog):
    from agents.delegates.advisor import advise
    from agents.testing import ScriptedChatModel

    turn, _ = contexts(catalog)
    suggestions = await advise(ScriptedChatModel(seed=3), turn)
    assert 1 <= len(suggestions) <= 3
    assert all(move.kind in turn.allowed_moves for move in suggestions)


def test_parley_ui_drops_ci_from_the_servers_environment(monkeypatch, tmp_path):
    from agents.cli.ui import ui_environment

    monkeypatch.setenv("CI", "true")
    env = ui_environment(["scripted"], tmp_path / "db.sqlite", tmp_path / "out")
    assert "CI" not in env and env["PARLEY_UI_MODELS"] == "scripted"
    assert env["PARLEY_UI_DB"] == str((tmp_path / "db.sqlite").resolve())


def test_other_origins_reach_the_server_only_when_given(tmp_path):
    from agents.cli.ui import ui_environment

    env = ui_environment(["scripted"], tmp_path / "db", tmp_path / "out", ["https://a.example/", "http://b:9"])
    assert UiSettings.from_env(env).origins == ["https://a.example", "http://b:9"]
    assert UiSettings.from_env({}).origins == []
    assert allowed_origins("127.0.0.1", 8000, []) == ["http://127.0.0.1:8000"]
    assert allowed_origins("::1", 8000, ["https://a.example"]) == ["http://[::1]:8000", "https://a.example"]


class Clock:
    """A clock the test moves by hand: the limiter's window passes without waiting."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def limiter(clock: Clock) -> LoginLimiter:
    return LoginLimiter(per_user=3, per_address=5, window_seconds=60, clock=clock)


def test_a_user_is_refused_after_the_limit_until_the_oldest_failure_is_old():
    clock = Clock()
    limits = limiter(clock)
    for second in range(3):
        clock.now = 1000.0 + second
        limits.check("alice", "10.0.0.1")
        limits.failed("alice", "10.0.0.1")
    clock.now = 1010.0
    with pytest.raises(TooManyAttempts) as refused:
        limits.check("alice", "10.0.0.2")  # from anywhere
    assert refused.value.retry_after == 50 and "try again in 50 s" in str(refused.value)
    limits.check("bob", "10.0.0.1")  # others are not held up
    clock.now = 1060.0
    limits.check("alice", "10.0.0.2")  # the first failure has left the window


def test_an_address_is_refused_after_its_limit_whatever_the_user():
    clock = Clock()
    limits = limiter(clock)
    for n in range(5):
        limits.failed(f"user{n}", "10.0.0.1")
    with pytest.raises(TooManyAttempts):
        limits.check("carol", "10.0.0.1")
    limits.check("carol", "10.0.0.2")


def test_success_clears_the_users_count_but_not_the_addresss():
    clock = Clock()
    limits = limiter(clock)
    for _ in range(2):
        limits.failed("alice", "10.0.0.1")
    limits.succeeded("alice")
    for _ in range(2):
        limits.failed("alice", "10.0.0.1")
        limits.check("alice", "10.0.0.1")  # 2 of 3 since the success
    limits.failed("alice", "10.0.0.2")
    with pytest.raises(TooManyAttempts):
        limits.check("alice", "10.0.0.3")
    limits.failed("bob", "10.0.0.1")  # the address's fifth
    with pytest.raises(TooManyAttempts):
        limits.check("carol", "10.0.0.1")


def test_old_failures_of_many_made_up_users_are_swept(monkeypatch):
    monkeypatch.setattr("agents.ui.login_limit.SWEEP_ABOVE", 10)
    clock = Clock()
    limits = LoginLimiter(per_user=3, per_address=1000, window_seconds=60, clock=clock)
    for n in range(20):
        limits.failed(f"user{n}", "10.0.0.1")
    clock.now += 61
    limits.check("late", "10.0.0.2")
    assert len(limits._failures) == 0


def clicks(answers: list):
    """The page's buttons and text box, answered from a list (None: the time ran out); what is offered is kept."""
    from agents.ui.prompter import ChainlitPrompter  # imports chainlit: only when a test needs it

    class Clicks(ChainlitPrompter):
        def __init__(self):
            super().__init__("Chair", 5)
            self.answers, self.offered, self.told, self.asked, self.confirmed = list(answers), [], [], [], []

        async def choose(self, content, options, confirm=None):
            self.offered.append(options)
            self.asked.append(content)
            answer = self.answers.pop(0)
            if answer is not None and confirm is not None:
                self.confirmed.append(confirm(answer))
            return answer

        async def ask_text(self, content):
            self.asked.append(content)
            return self.answers.pop(0)

        async def tell(self, text):
            self.told.append(text)

    return Clicks()


async def test_a_person_can_ask_for_a_private_meeting_with_their_move(catalog):
    turn, _ = contexts(catalog)
    turn = dataclasses.replace(turn, may_ask_for_meeting=True)  # the engine offers it while the chair would grant one
    prompter = clicks(["meeting", "prc", "statement", "We would value a word with Beijing."])
    move = await prompter.ask_move(turn)
    assert move.kind == "statement" and move.side_meeting == "prc"
    assert "meeting" in prompter.offered[0] and "russia" not in prompter.offered[1]  # not with itself
    assert "meeting" not in prompter.offered[2]  # asked once per turn
    assert "China" in prompter.told[0]


async def test_a_persons_ballot_offers_abstain_and_a_time_out_leaves_the_rest_unanswered(catalog):
    _, vote = contexts(catalog)
    vote = dataclasses.replace(vote, draft=vote.draft.add("Another clause.", "usa", 3, "proposed"))
    prompter = clicks(["abstain", None])
    ballot = await prompter.ask_ballot(vote)
    assert set(prompter.offered[0]) == {"accept", "abstain", "object"}
    assert [(v.clause, v.vote) for v in ballot.votes] == [(1, "abstain")]
    recorded = normalise_ballot(ballot, vote.draft.numbers())
    assert [v.vote for v in recorded] == ["abstain", "no_answer"]


async def test_the_web_outcome_says_which_clauses_are_undecided_and_whose_answer_is_missing():
    session = scripted_session(seed=2, max_turns=4)

    def down(messages, tool):
        raise ConnectionError("server went away")

    session.delegates["japan"].model = FunctionChatModel(reply=down)
    presenter = Presenter(session.cast, None)
    shown = [item async for event in session.run() for item in presenter.present(event)]
    outcome = next(item for item in shown if item.kind == "outcome")
    assert "## Outcome: No consensus" in outcome.content and "Consensus reached" not in outcome.content
    assert "no answer from Japan" in outcome.content and "silence is not counted as consent" in outcome.content
    rows = [line for line in outcome.content.splitlines() if line.startswith("| ") and line[2].isdigit()]
    assert rows and all(line.endswith("| undecided |") and "no answer" in line for line in rows)
    votes = [item.content for item in shown if item.style == "vote" and "Japan" in item.content]
    assert votes and "no answer" in votes[0]


def test_the_web_outcome_lists_the_chairs_summary_with_the_parties_behind_each_point():
    from agents.core.outcome import Outcome, SummaryPoint
    from agents.ui.presenter import outcome_markdown

    presenter = Presenter(scripted_session().cast, None)
    points = [
        SummaryPoint(kind="common_ground", text='Clause 1 is agreed: "Talks go on."', parties=["usa", "dprk"]),
        SummaryPoint(kind="difference", text="Clause 2 is not agreed.", parties=["japan"]),
    ]
    outcome = Outcome(consensus=False, rule="no_objection", summary="The chair's words.", chair_summary=points)
    shown = outcome_markdown(presenter, outcome)
    assert "### The chair's summary" in shown
    assert '- **Common ground**: Clause 1 is agreed: "Talks go on." *(United States, North Korea)*' in shown
    assert "- **Difference**: Clause 2 is not agreed. *(Japan)*" in shown
    old = outcome_markdown(presenter, outcome.model_copy(update={"chair_summary": []}))
    assert "The chair's words." in old and "The chair's summary" not in old  # a transcript from before the summary


def test_the_reviews_judge_reaches_the_server_only_when_given(tmp_path):
    from agents.cli.ui import ui_environment

    env = ui_environment(["scripted"], tmp_path / "db", tmp_path / "out", judge="openai:gpt-4o")
    assert UiSettings.from_env(env).judge == "openai:gpt-4o"
    assert UiSettings.from_env(ui_environment(["scripted"], tmp_path / "db", tmp_path / "out")).judge is None


def test_the_cap_on_turns_per_phase_reaches_the_server_only_when_given(tmp_path):
    from agents.cli.ui import ui_environment

    env = ui_environment(["scripted"], tmp_path / "db", tmp_path / "out", phase_turns=1)
    assert UiSettings.from_env(env).phase_turns == 1
    assert UiSettings.from_env(ui_environment(["scripted"], tmp_path / "db", tmp_path / "out")).phase_turns is None


def test_each_server_gets_its_own_app_folder_with_what_chainlit_reads(tmp_path):
    import os
    import shutil

    from agents.cli.app_folder import SERVERS_FOLDER, server_folder

    install = tmp_path / "install"
    shutil.copytree(ROOT / ".chainlit", install / ".chainlit", ignore=shutil.ignore_patterns("translations"))
    shutil.copytree(ROOT / "public", install / "public")
    for name in ("chainlit.md", "chainlit_fr-FR.md"):
        shutil.copy(ROOT / "chainlit.md", install / name)
    (install / ".chainlit" / "translations").mkdir()
    (install / ".chainlit" / "translations" / "en-US.json").write_text("{}")
    (install / ".files" / "a-conversation").mkdir(parents=True)  # working files: not the app's

    pid = os.getpid()  # a running process: its folder is not swept as an ended server's
    folder = server_folder(install, tmp_path / "db" / "ui.sqlite", pid)
    assert folder.parent == tmp_path / "db" / SERVERS_FOLDER and folder.name.startswith(f"{pid}-")
    assert server_folder(install, tmp_path / "db" / "ui.sqlite", pid) != folder  # one process id, two servers
    copied = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
    wanted = sorted(str(p.relative_to(install)) for p in install.rglob("*") if p.is_file())
    assert copied == wanted and ".chainlit/config.toml" in copied and "public/avatars/russia.png" in copied
    assert not (folder / ".files").exists()


def test_the_app_folders_of_ended_servers_are_removed_and_running_ones_kept(tmp_path):
    import os
    import subprocess
    import sys

    from agents.cli.app_folder import SERVERS_FOLDER, server_folder

    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    servers = tmp_path / SERVERS_FOLDER
    for name in (f"{ended.pid}-abc", str(ended.pid), f"{os.getpid()}-def"):
        (servers / name / ".files").mkdir(parents=True)
    (servers / "notes").mkdir()  # not a server's: left alone
    new = server_folder(ROOT, tmp_path / "ui.sqlite", 4243)
    assert sorted(p.name for p in servers.iterdir()) == sorted([f"{os.getpid()}-def", new.name, "notes"])
    assert (servers / f"{os.getpid()}-def" / ".files").is_dir()


def test_a_new_chat_opens_with_two_lines_what_parley_is_and_what_to_do():
    lines = [line for line in landing_markdown("Six-Party Talks").splitlines() if line.strip()]
    assert len(lines) == 2
    assert lines[0].startswith("**Parley** stages a diplomatic negotiation") and "AI models" in lines[0]
    assert "**Six-Party Talks**" in lines[1] and "choose your seat" in lines[1] and "*Observer* to watch" in lines[1]


def test_the_page_drops_links_to_other_hosts_and_keeps_its_own():
    from agents.ui.offline import without_outside_links

    page = (
        '<link rel="preconnect" href="https://fonts.gstatic.com" crossorigin />\n'
        '<link\n      href="https://fonts.googleapis.com/css2?family=Inter"\n      rel="stylesheet"\n    />\n'
        "<link rel='stylesheet' href='//cdn.example/katex.css'>\n"
        '<script src="https://cdn.example/x.js"></script>\n'
        '<script type="module" crossorigin src="/assets/index.js"></script>\n'
        '<link rel="stylesheet" crossorigin href="/assets/index.css">\n'
        '<link rel="icon" href="/favicon" />'
    )
    kept = without_outside_links(page)
    assert "//" not in kept.replace('src="/assets', "").replace('href="/', "")
    assert [line for line in kept.splitlines() if line.strip()] == page.splitlines()[-3:]


def test_the_login_texts_lie_over_every_language_and_leave_the_rest():
    import json

    from agents.ui.web import WRONG_PASSWORD, login_texts, with_login_texts

    german = {"translation": {"auth": {"login": {"form": {"email": {"label": "E-Mail"}, "password": {"label": "P"}}}}}}
    merged = json.loads(with_login_texts(json.dumps(german).encode(), login_texts(900)))["translation"]["auth"]["login"]
    assert merged["form"]["email"]["label"] == "Username" and merged["form"]["password"] == {"label": "P"}
    assert merged["errors"]["Unauthorized"] == WRONG_PASSWORD and "15 minutes" in merged["errors"]["Too Many Requests"]
    assert with_login_texts(b"not json", login_texts(900)) == b"not json"
