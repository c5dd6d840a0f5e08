"""The layering of STYLE.md holds: nothing under bot/ talks to the database directly, and in
domain/ only the repositories (domain/db/) do."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

BOT = Path(__file__).resolve().parents[2] / "bot"


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_nothing_under_bot_imports_sqlalchemy() -> None:
    offenders = {
        str(path.relative_to(BOT)): sorted(
            n for n in _imports(path) if n.split(".")[0] == "sqlalchemy"
        )
        for path in BOT.rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_bot_reaches_the_domain_only_through_the_service_and_its_values() -> None:
    allowed = {
        "domain",
        "domain.service",
        "domain.model",
        "domain.errors",
        "domain.clock",
        "domain.program",
        "domain.happy_hours",  # the windows of happy hours, a value of the programme
        "domain.offers",  # the audiences and outcomes of offers, values like the program's
        "domain.effects",  # what use cases ask to happen; the dispatcher delivers it
        "domain.serving",  # which café the bot an update came through serves
        "domain.brand",  # the café's look and the rules that keep it readable, values too
        "domain.insights",  # the owner's insights: their definitions and values
        "domain.setting_input",  # how a typed value is read: one reader for every screen
        "domain.apikeys",  # API keys' scopes and names, values the owner's commands read
        "domain.webhooks",  # webhook endpoints and deliveries as the owner sees them, values
    }
    used = {n for path in BOT.rglob("*.py") for n in _imports(path) if n.startswith("domain")}
    plumbing = {"domain.db.uow"}
    assert used - allowed - plumbing == set()
    # The database plumbing is wired only in the composition root and the runner.
    for path in BOT.rglob("*.py"):
        if path.parts[-2:] != ("bot", "__main__.py"):
            assert not {n for n in _imports(path) if n.startswith("domain.db")}, path


FEATURES = BOT / "features"


def test_feature_modules_do_not_import_each_other() -> None:
    """A feature owns its commands, buttons and steps; what features share lives in
    bot/features/common.py, so a change to one flow never reaches into another."""
    features = {p.stem for p in FEATURES.glob("*.py")} - {"__init__", "common"}
    assert {"counter", "card", "enrolment", "setup", "staff", "program", "privacy"} <= features
    crossings = {
        name: sorted(
            imported
            for imported in _imports(FEATURES / f"{name}.py")
            if imported.startswith("bot.features.") and imported.split(".")[2] in features
        )
        for name in features
    }
    assert {k: v for k, v in crossings.items() if v} == {}


def test_infrastructure_is_not_part_of_the_domain() -> None:
    """domain/ reads as rules and use cases: the inbox, outbox, steps and locks live in infra/,
    which the domain reaches only through its EffectLog port."""
    domain = BOT.parent / "domain"
    assert not (domain / "service" / "inbox.py").exists()
    used = {n for path in domain.rglob("*.py") for n in _imports(path)}
    assert not {n for n in used if n.split(".")[0] == "infra"}


def test_effects_are_plain_data() -> None:
    """An effect says what should happen; recording it is the transaction's business (the
    EffectLog port beside the unit of work), so domain/effects.py knows no session or table:
    of the domain it may use the model's values (a notice's operation), nothing else."""
    domain = BOT.parent / "domain"
    used = _imports(domain / "effects.py")
    outside = {n for n in used if n.split(".")[0] in ("domain", "infra", "sqlalchemy")}
    assert {n for n in outside if not n.startswith("domain.model")} == set()
    assert "EffectLog" in (domain / "db" / "effect_log.py").read_text()


ENGINE_PLUMBING = ("engine", "migrate", "backup", "preflight", "sqlite_driver", "standalone")


def test_engines_migrations_and_backups_live_in_infra() -> None:
    """Opening engines, migrating, backing up and checking a database before start-up are not the
    card domain: they live in infra/db/, and nothing under domain/ imports Alembic or them."""
    domain = BOT.parent / "domain"
    assert (BOT.parent / "infra" / "db" / "engine.py").exists()
    assert not [p for p in domain.rglob("*.py") if p.stem in ENGINE_PLUMBING]
    used = {n for path in domain.rglob("*.py") for n in _imports(path)}
    assert not {n for n in used if n.split(".")[0] == "alembic"}


def test_the_passkit_transport_lives_in_infra() -> None:
    """The domain says what a pass shows and when it changed; Apple's protocol around it (pass
    tokens, update tags, device registrations, push tokens) is infra/passkit.py's."""
    wallet = BOT.parent / "domain" / "service" / "wallet.py"
    used = _imports(wallet)
    assert not used & {"hmac", "hashlib", "base64", "re", "zipfile"}
    defined = {
        node.name
        for node in ast.parse(wallet.read_text()).body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
    }
    assert "WalletService" in defined
    assert not defined & {"pass_token", "to_tag", "from_tag", "looks_like_device_id"}
    assert "def pass_token" in (BOT.parent / "infra" / "passkit.py").read_text()


def _calls_execute(path: Path) -> bool:
    return any(
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "execute"
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path)))
    )


def test_sql_lives_in_the_repositories() -> None:
    """domain/ outside domain/db/ reads as rules and use cases: it imports no SQLAlchemy and
    runs no statement; the queries are the repositories' (domain/db/), which the use cases
    open on the unit of work's session."""
    domain = BOT.parent / "domain"
    modules = [p for p in domain.rglob("*.py") if (domain / "db") not in p.parents]
    assert domain / "service" / "reports.py" in modules
    offenders = {
        str(path.relative_to(domain)): sorted(
            {n for n in _imports(path) if n.split(".")[0] == "sqlalchemy"}
            | ({".execute("} if _calls_execute(path) else set())
        )
        for path in modules
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_bot_stands_below_the_composition_root_and_beside_the_mini_app() -> None:
    """app/ wires bot/, webapp/ and api/; bot/ imports none of them (its __main__ only hands over to
    app.cli, so that `python -m bot` keeps working)."""
    upward = {
        str(path.relative_to(BOT)): sorted(
            n for n in _imports(path) if n.split(".")[0] in ("app", "webapp", "api")
        )
        for path in BOT.rglob("*.py")
        if path.name != "__main__.py"
    }
    assert {k: v for k, v in upward.items() if v} == {}


def test_no_feature_reaches_another_through_the_dispatcher() -> None:
    """The dispatcher renders what features own; a feature importing it would close a circle
    (feature → delivery → other features), and the context knows it only by a protocol."""
    importers = sorted(
        str(path.relative_to(BOT))
        for path in [*FEATURES.glob("*.py"), BOT / "context.py", BOT / "features" / "common.py"]
        if "bot.delivery" in _imports(path)
    )
    assert importers == []


def test_the_dispatcher_leaves_the_words_to_the_features() -> None:
    """bot/delivery.py claims, leases and retries; the feature that owns an effect's words
    renders it (through bot/courier.py), and `match` with assert_never makes mypy name any
    effect type left without a renderer."""
    used = _imports(BOT / "delivery.py")
    assert not {n for n in used if n.startswith(("bot.texts", "bot.keyboards", "bot.i18n"))}
    source = (BOT / "delivery.py").read_text()
    assert "match effect:" in source and "assert_never(effect)" in source
    courier = _imports(BOT / "courier.py")
    assert not {n for n in courier if n.startswith("bot.features")}


ROOT = BOT.parent
FRONT_ENDS = (BOT, ROOT / "webapp", ROOT / "api")
# The counter's rules a front end must not apply itself: the use cases refuse an unconfirmed
# large purchase or whole-balance void (LargePurchaseUnconfirmed, WholeBalanceVoidUnconfirmed).
COUNTER_RULES = {"is_large_purchase", "LARGE_PURCHASE", "voids_whole_balance"}


def _front_end_modules() -> list[Path]:
    return sorted(path for root in FRONT_ENDS for path in root.rglob("*.py"))


def _redecisions(path: Path) -> list[str]:
    """What in `path` re-decides a counter question: the rule named, a threshold of its own
    (a module constant made of a Decimal), a balance compared."""
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id in COUNTER_RULES:
            found.append(node.id)
        elif isinstance(node, ast.alias) and node.name in COUNTER_RULES:
            found.append(f"import {node.name}")
        elif isinstance(node, ast.Attribute) and node.attr in COUNTER_RULES:
            found.append(node.attr)
        elif isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            if any(isinstance(s, ast.Attribute) and s.attr == "points_balance" for s in sides):
                found.append(f"line {node.lineno}: a balance compared")
    for statement in tree.body:
        value = statement.value if isinstance(statement, ast.Assign | ast.AnnAssign) else None
        if isinstance(value, ast.Call) and getattr(value.func, "id", None) == "Decimal":
            found.append(f"line {statement.lineno}: a Decimal constant")
    return found


def test_front_ends_leave_the_counters_questions_to_the_use_cases() -> None:
    """The chat, the Mini App and the API ask about a large purchase or a whole-balance void
    because the use case refused it unconfirmed; one that applies the rule or keeps its own
    threshold decides alone again, and the two drift (as they had)."""
    offenders = {
        str(path.relative_to(ROOT)): found
        for path in _front_end_modules()
        if (found := _redecisions(path))
    }
    assert offenders == {}
    scripts = sorted((ROOT / "webapp" / "static").glob("*.js"))  # nor the page's scripts
    assert [p.name for p in scripts if re.search(r"amount\W*\s*[<>]=?\s*\d", p.read_text())] == []


def test_a_persons_language_is_chosen_in_one_place() -> None:
    """Who writes or opens the Mini App is answered through bot.i18n.language_of; only the
    courier (people told of something while not writing) picks from what is stored."""
    callers = sorted(
        str(path.relative_to(ROOT))
        for path in _front_end_modules()
        if any(
            isinstance(node, ast.Name) and node.id == "choose_language"
            for node in ast.walk(ast.parse(path.read_text()))
        )
    )
    assert callers == ["bot/courier.py", "bot/i18n.py"]


def test_every_test_folder_is_a_package() -> None:
    # Without __init__.py pytest imports a test by its bare file name, so two folders holding
    # test_x.py collide and the whole run stops at collection.
    tests = ROOT / "tests"
    folders = {p.parent for p in tests.rglob("test_*.py")}
    assert (
        sorted(str(f.relative_to(ROOT)) for f in folders if not (f / "__init__.py").exists()) == []
    )


def test_no_test_imports_another_folders_conftest() -> None:
    # Fixtures shared by several folders live in tests/support/ (loaded by tests/conftest.py):
    # importing another folder's conftest registers its fixtures twice and hides where they are.
    offenders: dict[str, list[str]] = {}
    for path in (ROOT / "tests").rglob("*.py"):
        folder = path.relative_to(ROOT).parent.parts
        # Its own folder's conftest and those above it are in scope for it anyway.
        allowed = {".".join(folder[:depth]) + ".conftest" for depth in range(1, len(folder) + 1)}
        found = sorted(n for n in _imports(path) if n.endswith(".conftest") and n not in allowed)
        if found:
            offenders[str(path.relative_to(ROOT))] = found
    assert offenders == {}


def _step_opens(source: str) -> list[ast.Call]:
    """Every `….steps.open(…)` / `steps.open(…)` call in the source."""
    calls: list[ast.Call] = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        owner = node.func.value
        name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", None)
        if node.func.attr == "open" and name == "steps":
            calls.append(node)
    return calls


def _is_call_of(node: ast.expr, method: str) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == method
    )


def _untyped_steps(source: str) -> list[str]:
    """The `steps.open` calls that do not go through a StepKind: the kind must be a kind's
    `.name`, the payload (if any) a kind's `.encode(…)` — never a string built on the spot
    (an f-string, a `":".join`, a cut, `json.dumps`) nor a bare value."""
    refused = []
    for call in _step_opens(source):
        kind = call.args[1] if len(call.args) > 1 else None
        if not (isinstance(kind, ast.Attribute) and kind.attr == "name"):
            refused.append(f"{call.lineno}: kind {ast.unparse(kind) if kind else '?'}")
        for keyword in call.keywords:
            if keyword.arg == "payload" and not _is_call_of(keyword.value, "encode"):
                refused.append(f"{call.lineno}: payload {ast.unparse(keyword.value)}")
    return refused


def test_every_step_is_opened_through_a_step_kind() -> None:
    """A step's payload has one encoding, written in one place (bot/step_kinds.py): never cut
    (cut JSON does not read back), never a string built on the spot, and read back by the
    same kind that wrote it."""
    offenders = []
    for path in BOT.rglob("*.py"):
        offenders += [f"{path.relative_to(BOT)}:{o}" for o in _untyped_steps(path.read_text())]
    assert offenders == []


def test_the_step_rule_refuses_payloads_built_on_the_spot() -> None:
    """The rule above is not vacuous: it sees each way a payload used to be built."""
    built = {
        "f-string": 'steps.open(1, KIND.name, payload=f"{number}:{membership}", ttl=T)',
        "join": 'context.infra.steps.open(1, KIND.name, payload=":".join(parts), ttl=T)',
        "cut JSON": "steps.open(1, KIND.name, payload=json.dumps([k, v])[:256], ttl=T)",
        "bare value": "steps.open(1, KIND.name, payload=card.number, ttl=T)",
        "cut value": "steps.open(1, KIND.name, payload=token[:256], ttl=T)",
        "bare kind": 'steps.open(1, "revoke", payload=KIND.encode(x), ttl=T)',
    }
    for way, source in built.items():
        assert len(_untyped_steps(source)) == 1, way
    typed = "await steps.open(1, KIND.name, payload=KIND.encode(Card(n)), ttl=T)"
    assert _untyped_steps(typed) == []


def test_the_payload_rule_sees_the_calls_it_checks() -> None:
    """The rule reads the bot's own calls: the programme's menu stores typed payloads."""
    source = (BOT / "program_menu.py").read_text()
    calls = _step_opens(source)
    assert len(calls) >= 2
    assert any(_is_call_of(k.value, "encode") for c in calls for k in c.keywords)


def test_step_kind_names_are_unique() -> None:
    """Two kinds under one name would read each other's steps."""
    names: list[str] = []
    for path in BOT.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", None) == "StepKind"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                names.append(node.args[0].value)
    assert len(names) > 20
    assert sorted(n for n in set(names) if names.count(n) > 1) == []


def test_the_readme_names_every_test_folder() -> None:
    # A folder is a feature; README.md's "Tests" section says what is in each, so a new folder
    # (or a renamed one) must be described there too.
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## Tests\n") :]
    section = section[: section.index("\n## ")]
    folders = sorted(p.name for p in (ROOT / "tests").iterdir() if (p / "__init__.py").exists())
    assert [f for f in folders if f"`tests/{f}/`" not in section] == []


def test_a_worker_starts_without_the_libraries_of_exports_and_charts() -> None:
    """openpyxl (with numpy, which it imports when installed) and matplotlib are loaded when an
    owner asks for a workbook or a chart, not by every worker at start-up: together they would
    hold about 16 MiB (openpyxl and numpy) and more (matplotlib) for the life of the process."""
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, app.application; "
            "print(' '.join(m for m in ('openpyxl', 'numpy', 'matplotlib') if m in sys.modules))",
        ],
        cwd=BOT.parent,
        capture_output=True,
        text=True,
        check=True,
    )
    assert loaded.stdout.split() == []
