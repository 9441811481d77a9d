"""The shape of the code: no import cycle between the project's modules (function-level imports
included), every import able to sit at the top of its file, apps that depend one way (dmts on
callers, both on the kernel, the kernel on nothing but through its named gatherers), and one
word per concern in every layer."""

import ast
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ["opcc_calls", "callers", "dmts"]
LAYERS = ["models", "services", "selectors", "forms", "views"]
ALL = {*LAYERS, "templates", "tests"}
#: Each app's concern words, and the layers each has code in: a module of that name in
#: models, services, selectors, forms and views, a folder of that name under
#: templates/<app>/ and tests/<app>/. README's "What is where" maps each to the procedure.
CONCERNS = {
    "callers": {
        "calls": ALL,
        "contact_requests": ALL,
        "telephony": ALL - {"forms", "templates"},
        "rules": ALL,
        "flags": ALL,
        "meetings": ALL,
        "letters": ALL,
        "reports": ALL,
        "follow_ups": ALL,
        "safeguarding": ALL,
        "data_protection": ALL,
        "subject_access": ALL,
    },
    "dmts": {
        "entries": ALL,
        "exports": ALL,
        # A complaint's handover and reference are recorded on its entry, and read with it.
        "complaints": ALL - {"models", "selectors"},
        "follow_ups": {"services"},  # finds the entries and complaints to follow up
    },
}
#: Modules in a layer that are not a concern of their own, and why.
LAYER_EXTRAS = {
    "callers.services.activity",  # each caller's running counters, kept by calls, dmts, merges
    "callers.models.languages",  # the languages callers and letters use, for both
}
#: Lines a module of app code may have (migrations, generated data and bench/ aside), and a
#: view function (its page's reads belong in selectors).
MODULE_LINES = 400
VIEW_LINES = 40
#: The one module over MODULE_LINES, and why: the design card's one env-driven settings file.
LONG_MODULES = {"opcc_calls.settings"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    """Every module of the project's apps (migrations aside), by dotted name."""
    return {
        _module_name(path): path
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if "migrations" not in path.parts
    }


def _ancestors(name: str) -> list[str]:
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def imports_of(name: str, path: Path, modules: dict) -> list[tuple[str, int, bool]]:
    """(module imported, line, whether at the top of the file) for each project import.

    Importing `a.b.c` runs `a` and `a.b` first, so those count too, except the packages
    the importing module itself lives in: they are already being imported when it runs.
    """
    tree = ast.parse(path.read_text(), filename=str(path))
    top_level = set(map(id, tree.body))
    found = []
    for node in ast.walk(tree):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            targets = [
                f"{node.module}.{alias.name}"
                if f"{node.module}.{alias.name}" in modules
                else node.module
                for alias in node.names
            ]
        own = set(_ancestors(name)) | {name}
        for target in targets:
            for module in [*_ancestors(target), target]:
                if module in modules and module not in own:
                    found.append((module, node.lineno, id(node) in top_level))
    return found


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), each a cycle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in graph.get(node, ()):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1 or node in graph.get(node, ()):
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def import_graph() -> dict[str, set[str]]:
    modules = project_modules()
    return {
        name: {target for target, _, _ in imports_of(name, path, modules)}
        for name, path in modules.items()
    }


def test_no_module_imports_a_module_that_imports_it_back():
    cycles = _cycles(import_graph())
    assert not cycles, "import cycles: " + "; ".join(" ↔ ".join(c) for c in cycles)


def test_the_cycle_check_finds_a_cycle_hidden_in_a_function():
    graph = import_graph()
    graph["callers.services.calls"].add("callers.views.calls")  # a view imported by a service
    assert any("callers.services.calls" in cycle for cycle in _cycles(graph))


def test_every_import_sits_at_the_top_of_its_file():
    """Only AppConfig modules import inside a function: Django loads models after apps."""
    modules = project_modules()
    late = [
        f"{name}:{line} imports {target}"
        for name, path in modules.items()
        if not name.endswith(".apps")
        for target, line, at_top in imports_of(name, path, modules)
        if not at_top
    ]
    assert not late, "\n".join(late)


#: Which app may import which: dmts builds on callers, both on the kernel, and the kernel on
#: nothing. What needs both apps sits above them (the kernel's named gatherers, below).
APP_EDGES = {
    "opcc_calls": set(),
    "callers": {"opcc_calls"},
    "dmts": {"callers", "opcc_calls"},
}

#: The project's modules that gather from both apps (the URLs, the home page and the demo);
#: no app imports them, and every other kernel module imports no app.
KERNEL_GATHERERS = {
    "opcc_calls.urls",
    "opcc_calls.views",
    "opcc_calls.home",
    "opcc_calls.demo",
    "opcc_calls.management.commands.seed_demo",
}


def _gatherer(name: str) -> bool:
    return any(name == g or name.startswith(g + ".") for g in KERNEL_GATHERERS)


def _edges_against_the_direction(graph: dict[str, set[str]]) -> list[str]:
    wrong = []
    for name, targets in graph.items():
        app = name.split(".")[0]
        for target in targets:
            other = target.split(".")[0]
            if _gatherer(target) and not _gatherer(name):
                wrong.append(f"{name} imports {target}, which gathers from the apps")
            elif not _gatherer(name) and other != app and other not in APP_EDGES[app]:
                wrong.append(f"{name} imports {target}: {app} does not build on {other}")
    return sorted(wrong)


def test_apps_depend_one_way():
    wrong = _edges_against_the_direction(import_graph())
    assert not wrong, "\n".join(wrong)


def test_the_direction_check_finds_an_import_against_it():
    graph = import_graph()
    graph["callers.services.calls"].add("dmts.services")  # what logging a call once did
    graph["opcc_calls.history"].add("callers.models")
    graph["dmts.views"].add("opcc_calls.home")
    assert _edges_against_the_direction(graph) == [
        "callers.services.calls imports dmts.services: callers does not build on dmts",
        "dmts.views imports opcc_calls.home, which gathers from the apps",
        "opcc_calls.history imports callers.models: opcc_calls does not build on callers",
    ]


#: Ways to reach another app's code without an import statement, which would hide an edge.
HIDDEN_REACH = re.compile(
    r"related_model|get_model\(|import_module\(|__import__\(|import_string\("
    r"|[\"'](?P<app>callers|dmts|opcc_calls)\.[A-Z]\w*[\"']"  # a model named by its label
)


def test_no_app_reaches_another_without_an_import():
    """`_meta.get_field(...).related_model`, `apps.get_model("dmts.X")` and the like would
    let a module use another app's code while the import check sees nothing."""
    found = [
        f"{name}: {match.group(0)}"
        for name, path in project_modules().items()
        if not name.endswith(".apps")
        for match in HIDDEN_REACH.finditer(path.read_text())
        if match.group("app") != name.split(".")[0]  # its own app's models (AUTH_USER_MODEL)
    ]
    assert not found, "\n".join(found)


def _words_in(folder: Path) -> set[str]:
    """The words a layer's modules and packages go by."""
    if not folder.is_dir():
        return set()
    packages = {p.parent.name for p in folder.glob("*/__init__.py")}
    return ({p.stem for p in folder.glob("*.py")} | packages) - {"__init__"}


@pytest.mark.parametrize("app", sorted(CONCERNS))
@pytest.mark.parametrize("layer", sorted(ALL))
def test_each_layer_holds_one_module_or_folder_per_concern_word(app, layer):
    """Whoever looks for a concern finds it under the same word in every layer it has code
    in, and nothing in a layer goes by a word no concern has."""
    if layer in LAYERS:
        found = _words_in(ROOT / app / layer)
    else:
        folder = ROOT / layer / app
        found = {p.name for p in folder.iterdir() if p.is_dir() and p.name != "__pycache__"}
    wanted = {word for word, layers in CONCERNS[app].items() if layer in layers}
    extras = {name.rsplit(".", 1)[1] for name in LAYER_EXTRAS if name.startswith(f"{app}.{layer}.")}
    assert found >= wanted, f"{app} {layer} lacks {sorted(wanted - found)}"
    assert found - extras <= set(CONCERNS[app]), (
        f"{app} {layer}: {sorted(found - extras - set(CONCERNS[app]))}"
    )


def test_no_module_of_app_code_is_over_the_limit():
    long = [
        f"{name}: {lines} lines"
        for name, path in project_modules().items()
        if not name.startswith("opcc_calls.demo.words") and name not in LONG_MODULES
        if (lines := len(path.read_text().splitlines())) > MODULE_LINES
    ]
    assert not long, "\n".join(long)


def test_no_view_function_is_over_the_limit():
    long = []
    for name, path in project_modules().items():
        if ".views" not in f".{name}":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef) and node.end_lineno - node.lineno + 1 > VIEW_LINES:
                long.append(f"{name}.{node.name}: {node.end_lineno - node.lineno + 1} lines")
    assert not long, "\n".join(long)


@pytest.mark.parametrize("app", sorted(CONCERNS))
def test_no_layer_is_a_file_beside_its_package(app):
    """Each layer is a package of concerns: no `views.py` beside `views/`, no stray
    `*_views.py`, `filters.py` or `reports.py` outside the layers."""
    stray = sorted(
        p.name
        for pattern in ("*_views.py", "*_forms.py", "*.py")
        for p in (ROOT / app).glob(pattern)
        # charts.py draws callers' calls as SVG for the views and selectors of several concerns;
        # checks.py is Django's own name for system checks (the first-run checklist)
        if p.stem not in {"__init__", "admin", "apps", "urls", "charts", "checks"}
    )
    assert not stray


@pytest.mark.parametrize("app", sorted(CONCERNS))
def test_services_selectors_forms_and_views_re_export_nothing(app):
    """Import from the module (`from callers.services.calls import call_log`); only models
    are re-exported from their package, as Django's own apps do."""
    for layer in ("services", "selectors", "forms", "views"):
        init = (ROOT / app / layer / "__init__.py").read_text()
        assert not [n for n in ast.parse(init).body if isinstance(n, ast.Import | ast.ImportFrom)]


@pytest.mark.parametrize("app", sorted(CONCERNS))
def test_templates_sit_in_their_concerns_folder(app):
    assert not list((ROOT / "templates" / app).glob("*.html"))


def test_nothing_in_the_repository_points_outside_it():
    """The repository stands alone: no file names the workspace's shared folder or its notes."""
    outside = ["..", "/shared"], ["STACK", "-NOTES"]  # split, so this file does not match
    tracked = (
        subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True)
        .stdout.decode()
        .split("\0")
    )
    pointing = [
        f"{name}: {''.join(parts)}"
        for name in filter(None, tracked)
        if (ROOT / name).is_file()
        for parts in outside
        if "".join(parts) in (ROOT / name).read_text(errors="ignore")
    ]
    assert not pointing, "\n".join(pointing)


def test_the_hidden_reach_check_finds_what_it_looks_for():
    assert HIDDEN_REACH.search('self.model._meta.get_field("dmts_entry").related_model')
    assert HIDDEN_REACH.search('apps.get_model("dmts", "DmtsEntry")')
    assert HIDDEN_REACH.search('ForeignKey("dmts.DmtsEntry", on_delete=PROTECT)')


#: The names the acting member of staff went by before they had one.
ACTOR_NAMES = re.compile(r"^(user|actor|handler|reviewer|\w+_by)$")


def _service_functions():
    for name, path in project_modules().items():
        if not (".services." in f"{name}." or name == "opcc_calls.services"):
            continue
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                yield f"{name}.{node.name}", node


def test_services_name_who_acts_one_way_typed_and_by_keyword():
    """`by: User` (or `User | None` where the office itself acts), keyword-only; the record's
    own field keeps its name (a call's `handler`, a flag's `flagged_by`)."""
    wrong = []
    for name, node in _service_functions():
        positional = [a.arg for a in node.args.posonlyargs + node.args.args]
        for arg in node.args.posonlyargs + node.args.args + node.args.kwonlyargs:
            if ACTOR_NAMES.match(arg.arg) and arg.arg != "sender":
                wrong.append(f"{name}: {arg.arg} (say `by`)")
            if arg.arg == "by" and (arg.arg in positional or arg.annotation is None):
                wrong.append(f"{name}: `by` keyword-only and typed")
    assert not wrong, "\n".join(wrong)


def test_services_take_explicit_parameters():
    """No `**kwargs`: what a service can change is in its signature (a signal receiver takes
    the signal's **kwargs, as Django asks)."""
    loose = [
        name
        for name, node in _service_functions()
        if node.args.kwarg and not [a for a in node.args.args if a.arg == "sender"]
    ]
    assert not loose, "\n".join(loose)


#: A template asking a record's kind or status by comparing it to a string: the model answers
#: instead (`call.is_complaint`, `meeting.is_silver`, `export.is_ready`).
ENUM_IN_TEMPLATE = re.compile(
    r"\.(?:kind|status|call_type|section|format|decision|outcome|measure|call_group|action"
    r"|flag_kind)\s*[!=]=\s*['\"]"
)


def test_templates_ask_the_model_not_compare_its_values():
    found = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for path in sorted((ROOT / "templates").rglob("*.html"))
        for match in ENUM_IN_TEMPLATE.finditer(path.read_text())
    ]
    assert not found, "\n".join(found)


def _models_with_history() -> set[str]:
    """The models a user can change, which keep their history (`history = HistoricalRecords`)."""
    tracked = set()
    for path in project_modules().values():
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.ClassDef) and any(
                isinstance(item, ast.Assign)
                and any(getattr(target, "id", None) == "history" for target in item.targets)
                for item in node.body
            ):
                tracked.add(node.name)
    return tracked


def _writes_without_history(source: str, tracked: set[str]) -> list[str]:
    """Calls of QuerySet.update(), bulk_create() or bulk_update() on a tracked model's
    manager: those paths write no history row."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in {"update", "bulk_create", "bulk_update"}
        ):
            continue
        receiver = node.func.value
        while isinstance(receiver, ast.Call | ast.Attribute):
            receiver = receiver.func if isinstance(receiver, ast.Call) else receiver.value
        if isinstance(receiver, ast.Name) and receiver.id in tracked:
            found.append(f"line {node.lineno}: {receiver.id}….{node.func.attr}()")
    return found


def test_every_write_to_a_model_with_history_goes_through_the_history_helpers():
    """save_with_history, or simple-history's *_with_history helpers: never a bare update."""
    tracked = _models_with_history()
    found = [
        f"{name} {write}"
        for name, path in project_modules().items()
        for write in _writes_without_history(path.read_text(), tracked)
    ]
    assert not found, "\n".join(found)


def test_the_history_check_finds_a_write_without_history():
    tracked = _models_with_history()
    assert {"Flag", "FollowUp", "ManagerAlert"} <= tracked
    assert _writes_without_history(
        "Flag.objects.filter(meeting=smt).update(flagged_at=x)\n"
        "FollowUp.objects.bulk_create(rows, ignore_conflicts=True)\n"
        "CallerActivity.objects.filter(pk=1).update(calls_total=2)\n",
        tracked,
    ) == ["line 1: Flag….update()", "line 2: FollowUp….bulk_create()"]


def test_every_service_that_locks_a_row_runs_in_a_transaction():
    """select_for_update() and locked_for_edit() hold their lock until the transaction ends,
    and PostgreSQL refuses them outside one (SQLite does not mind, so tests there pass)."""
    loose = []
    for name, node in _service_functions():
        source = ast.unparse(node)
        locks = "select_for_update(" in source or "locked_for_edit(" in source
        atomic = "transaction.atomic" in source
        if locks and not atomic:
            loose.append(name)
    assert not loose, "\n".join(loose)
