"""The documentation names only real things, and the README stays the front door.

- Every command in a fenced `sh` block of README.md, docs/**/*.md and the package READMEs
  names something that exists: `make X` a target of the Makefile, `fame a b` a subcommand of
  the `fame` click group, `python -m mod` an importable module, `ape run NAME` a script in
  scripts/, `npm run X` a script of the right package.json, `npx TOOL` a dependency of it,
  `node PATH` / `bash PATH` a file. Any other program must be in ALLOWED_TOOLS, with why.
- docs/img/system.svg is the picture docs/img/system.dot describes: it parses as XML and
  carries the label of every node and cluster of the source.
- README.md is under 150 lines and links to every page of docs/; every relative link of the
  pages (and its #anchor) resolves.

Plain pytest: no chain, no fixture: `.venv/bin/python -m pytest tests/docs -q -p no:ape_test` (it runs under
`ape test` too, as part of `make test`).
Each check is a function returning its problems, and the `test_check_*` tests feed it bad input,
so a check that can no longer fail is caught too.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import re
import shlex
import shutil
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import click
import pytest

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
DOCS = ROOT / "docs"
DOT = DOCS / "img" / "system.dot"
SVG = DOCS / "img" / "system.svg"
README_MAX_LINES = 150

#: Programs the docs may run that this test cannot resolve further, and why they are there.
#: Keep it short: a new entry needs a reason a reader would accept.
ALLOWED_TOOLS = {
    "ape": "eth-ape, pinned in pyproject.toml: `ape accounts` keys (`ape run NAME` is checked against scripts/)",
    "vyper": "the Vyper compiler pinned in pyproject.toml: an auditor re-renders the verifier's bytecode",
    "curl": "an HTTP request to the local stack",
    "export": "shell builtin: sets FAME_* variables for the commands after it",
    "echo": "writes a keystore password file",
    "chmod": "makes that password file private",
    "diff": "compares a rendered file with the committed one",
}

#: Where the commands of a page run, when not at the repository root.
CWD_OF = {"frontend/README.md": "frontend"}

SHELL_LANGUAGES = {"sh", "bash", "shell", "console"}
SEPARATORS = {";", "&&", "||", "|", "&"}
PYTHONS = {"python", "python3", ".venv/bin/python", ".venv/bin/python3"}
PLACEHOLDER = "__substitution__"


# ------------------------------------------------------------------------------------------------
# the pages


def doc_pages() -> list[Path]:
    """README.md, every page under docs/ and the READMEs of the top-level packages."""
    pages = [README, *sorted(DOCS.rglob("*.md"))]
    pages += sorted(p for p in ROOT.glob("*/README.md") if p.parent.name not in {"node_modules", ".venv"})
    return pages


def fenced_blocks(text: str) -> Iterator[tuple[int, str, str]]:
    """(first line number, info string, body) of every fenced code block (``` or ~~~)."""
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        m = re.match(r"^\s*(`{3,}|~{3,})\s*([^`\s]*)", lines[i])
        if not m:
            i += 1
            continue
        fence, info, start = m.group(1), m.group(2).lower(), i + 1
        i += 1
        body: list[str] = []
        while i < len(lines) and not re.match(rf"^\s*{re.escape(fence[0])}{{{len(fence)},}}\s*$", lines[i]):
            body.append(lines[i])
            i += 1
        i += 1
        yield start + 1, info, "\n".join(body)


def text_outside_code(text: str) -> str:
    """The page without its fenced code blocks (headings and links live outside them)."""
    out, fence = [], None
    for line in text.splitlines():
        m = re.match(r"^\s*(`{3,}|~{3,})", line)
        if fence is None and m:
            fence = m.group(1)
            continue
        if fence is not None:
            if re.match(rf"^\s*{re.escape(fence[0])}{{{len(fence)},}}\s*$", line):
                fence = None
            continue
        out.append(line)
    return "\n".join(out)


# ------------------------------------------------------------------------------------------------
# shell blocks -> commands


def logical_lines(body: str) -> Iterator[tuple[int, str]]:
    """Lines of a shell block with `\\` continuations joined and `$ ` prompts dropped."""
    pending, first = "", 0
    for n, raw in enumerate(body.splitlines()):
        line = raw.rstrip()
        if not pending:
            first = n
            line = re.sub(r"^\s*\$\s+", "", line)
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        yield first, pending + line
        pending = ""
    if pending:
        yield first, pending


def _strip_comment(line: str) -> str:
    """The line up to its comment: a `#` that starts a word, outside quotes."""
    quote = None
    for i, ch in enumerate(line):
        if quote:
            if ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
        elif ch == "#" and (i == 0 or line[i - 1].isspace()):
            return line[:i]
    return line


def _substitutions(line: str) -> tuple[str, list[str]]:
    """Replace each `$(...)` and `` `...` `` by a placeholder word; return the inner commands."""
    inner: list[str] = []
    out, i = [], 0
    while i < len(line):
        if line.startswith("$(", i):
            depth, j = 1, i + 2
            while j < len(line) and depth:
                depth += {"(": 1, ")": -1}.get(line[j], 0)
                j += 1
            inner.append(line[i + 2 : j - 1])
            out.append(PLACEHOLDER)
            i = j
        elif line[i] == "`" and "`" in line[i + 1 :]:
            j = line.index("`", i + 1)
            inner.append(line[i + 1 : j])
            out.append(PLACEHOLDER)
            i = j + 1
        else:
            out.append(line[i])
            i += 1
    return "".join(out), inner


def split_commands(line: str) -> list[list[str]]:
    """The simple commands of one shell line, each as its words: comments dropped, split at
    `;`, `&&`, `||`, `|`, `&`, redirections and leading `VAR=value` assignments removed, and
    the commands inside `$(...)` returned as commands of their own."""
    line, inner = _substitutions(_strip_comment(line))
    lexer = shlex.shlex(line, posix=True, punctuation_chars=";&|<>")
    lexer.whitespace_split = True
    lexer.commenters = ""
    commands: list[list[str]] = []
    words: list[str] = []
    tokens = list(lexer)
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token in SEPARATORS:
            commands.append(words)
            words = []
        elif set(token) <= set("<>&") and ("<" in token or ">" in token):
            i += 1  # a redirection: skip its target
        else:
            words.append(token)
        i += 1
    commands.append(words)
    result = []
    for words in commands:
        while words and re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", words[0]):
            words = words[1:]
        if words:
            result.append(words)
    for text in inner:
        result += split_commands(text)
    return result


# ------------------------------------------------------------------------------------------------
# what a command may name


def make_targets(makefile: Path = ROOT / "Makefile") -> set[str]:
    targets = set()
    for line in makefile.read_text().splitlines():
        m = re.match(r"^([A-Za-z0-9_.][^:=#\s]*(?:[ \t]+[^:=#\s]+)*)[ \t]*::?(?!=)", line)
        if m:
            targets.update(m.group(1).split())
    return targets


def fame_cli() -> click.Group:
    """The `fame` command's click group: stack.cli (the top floor), else the older fame.cli."""
    for name in ("stack.cli", "fame.cli"):
        try:
            found = importlib.util.find_spec(name) is not None
        except ModuleNotFoundError:
            found = False
        if found:
            return importlib.import_module(name).main
    raise AssertionError("neither stack.cli nor fame.cli is importable")


def check_fame(words: list[str]) -> str | None:
    group: click.Command = fame_cli()
    ctx = click.Context(group, info_name="fame")
    path = ["fame"]
    for word in words[1:]:
        if not isinstance(group, click.Group):
            break
        if word.startswith("-"):
            continue
        sub = group.get_command(ctx, word)
        if sub is None:
            known = ", ".join(group.list_commands(ctx))
            return f"`{' '.join(path)}` has no subcommand {word!r} (it has: {known})"
        path.append(word)
        group, ctx = sub, click.Context(sub, info_name=word, parent=ctx)
    return None


def check_module(module: str) -> str | None:
    try:
        spec = importlib.util.find_spec(module)
    except (ModuleNotFoundError, ValueError):
        spec = None
    if spec is None:
        return f"no module {module!r}"
    top = module.split(".")[0]
    if (ROOT / top).is_dir() and spec.origin and not Path(spec.origin).resolve().is_relative_to(ROOT):
        return f"{module!r} resolves outside the repository ({spec.origin})"
    if spec.submodule_search_locations is not None:  # a package runs its __main__
        try:
            main = importlib.util.find_spec(module + ".__main__")
        except ModuleNotFoundError:
            main = None
        if main is None:
            return f"package {module!r} has no __main__ for `python -m`"
    return None


def check_python(words: list[str], cwd: Path) -> str | None:
    args = words[1:]
    while args and args[0].startswith("-") and args[0] not in {"-m", "-c"}:
        args = args[1:]
    if not args:
        return None
    if args[0] == "-m":
        return check_module(args[1]) if len(args) > 1 else "`python -m` without a module"
    if args[0] == "-c":
        try:
            compile(args[1] if len(args) > 1 else "", "<doc>", "exec")
        except SyntaxError as err:
            return f"`python -c` code does not compile: {err}"
        return None
    return None if (cwd / args[0]).is_file() else f"no script {args[0]!r}"


def _package_json(folder: Path) -> dict:
    path = folder / "package.json"
    return json.loads(path.read_text()) if path.is_file() else {}


def check_npm(words: list[str], cwd: Path) -> str | None:
    args = words[1:]
    folder = cwd
    rest = []
    i = 0
    while i < len(args):
        if args[i] == "--prefix" and i + 1 < len(args):
            folder = cwd / args[i + 1]
            i += 2
            continue
        rest.append(args[i])
        i += 1
    package = _package_json(folder)
    if not package:
        return f"no package.json in {folder.relative_to(ROOT) if folder.is_relative_to(ROOT) else folder}"
    scripts = package.get("scripts", {})
    verb = rest[0] if rest else ""
    if verb in {"ci", "install"}:
        return None
    if verb in {"test", "t"}:
        return None if "test" in scripts else f"{folder.name}/package.json has no test script"
    if verb in {"run", "run-script"}:
        name = rest[1] if len(rest) > 1 else ""
        if name in scripts:
            return None
        return f"{folder.name}/package.json has no script {name!r} (it has: {', '.join(scripts)})"
    return f"npm {verb!r} is not a use this test knows"


def check_npx(words: list[str], cwd: Path) -> str | None:
    tool = next((w for w in words[1:] if not w.startswith("-")), None)
    package = _package_json(cwd)
    deps = {**package.get("dependencies", {}), **package.get("devDependencies", {})}
    if tool in deps:
        return None
    return f"npx {tool!r}: not a dependency in {cwd.name}/package.json"


def check_command(words: list[str], cwd: Path) -> tuple[str | None, Path]:
    """(the problem with one command or None, the working folder after it)."""
    program = words[0]
    if program == PLACEHOLDER:
        return None, cwd
    if program == "cd":
        target = words[1] if len(words) > 1 else "~"
        new = (cwd / target).resolve()
        if not new.is_dir():
            return f"cd {target}: no such folder", cwd
        return None, new
    if program == "make":
        goals = [w for w in words[1:] if not w.startswith("-") and "=" not in w]
        missing = sorted(set(goals) - make_targets())
        return (f"the Makefile has no target {', '.join(missing)}" if missing else None), cwd
    if program == "fame":
        return check_fame(words), cwd
    if program in PYTHONS:
        return check_python(words, cwd), cwd
    if program == "ape" and len(words) > 1 and words[1] == "run":
        name = next((w for w in words[2:] if not w.startswith("-")), "")
        return (None if (ROOT / "scripts" / f"{name}.py").is_file() else f"no ape script scripts/{name}.py"), cwd
    if program == "npm":
        return check_npm(words, cwd), cwd
    if program == "npx":
        return check_npx(words, cwd), cwd
    if program in {"node", "bash", "sh"}:
        script = next((w for w in words[1:] if not w.startswith("-")), "")
        return (None if (cwd / script).is_file() else f"{program} {script}: no such file"), cwd
    if "/" in program:
        return (None if (cwd / program).is_file() else f"no program {program!r}"), cwd
    if program in ALLOWED_TOOLS:
        return None, cwd
    return f"{program!r} is neither checked by this test nor in ALLOWED_TOOLS", cwd


def check_page(page: Path) -> list[str]:
    """Every problem of the commands in a page's shell blocks, as 'file:line: command: problem'."""
    rel = page.relative_to(ROOT).as_posix()
    problems = []
    for start, info, body in fenced_blocks(page.read_text()):
        if info not in SHELL_LANGUAGES:
            continue
        cwd = ROOT / CWD_OF.get(rel, "")
        for offset, line in logical_lines(body):
            for words in split_commands(line):
                problem, cwd = check_command(words, cwd)
                if problem:
                    problems.append(f"{rel}:{start + offset}: {' '.join(words)}: {problem}")
    return problems


def page_commands(page: Path) -> list[list[str]]:
    out = []
    for _, info, body in fenced_blocks(page.read_text()):
        if info in SHELL_LANGUAGES:
            for _, line in logical_lines(body):
                out += split_commands(line)
    return out


# ------------------------------------------------------------------------------------------------
# the picture


def dot_labels(source: str) -> list[str]:
    """The text lines of every node's and cluster's label in a Graphviz source."""
    labels = []
    for raw in source.splitlines():
        line = raw.strip()
        if line.startswith("//") or line.startswith("#"):
            continue
        node = re.match(r'^("?[\w.]+"?)\s*\[(.*)\]\s*;?$', line)
        if node and node.group(1) not in {"graph", "node", "edge"} and "->" not in line:
            label = re.search(r'\blabel\s*=\s*"((?:[^"\\]|\\.)*)"', node.group(2))
            labels.append(label.group(1) if label else node.group(1).strip('"'))
        elif not node:
            cluster = re.match(r'^label\s*=\s*"((?:[^"\\]|\\.)*)"', line)
            if cluster:
                labels.append(cluster.group(1))
    lines = []
    for label in labels:
        for part in re.split(r"\\[nlr]", label):
            part = " ".join(part.replace('\\"', '"').split())
            if part:
                lines.append(part)
    return lines


def svg_missing_labels(svg_text: str, dot_source: str) -> list[str]:
    """The label lines of the source that the SVG does not show (raises if it is not XML)."""
    tree = ET.fromstring(svg_text)
    shown = {" ".join("".join(t.itertext()).split()) for t in tree.iter("{http://www.w3.org/2000/svg}text")}
    return [label for label in dot_labels(dot_source) if label not in shown]


# ------------------------------------------------------------------------------------------------
# the README and the links


def github_anchor(heading: str) -> str:
    text = re.sub(r"[`*_]|\[([^\]]*)\]\([^)]*\)", lambda m: m.group(1) or "", heading.strip().lower())
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(page: Path) -> set[str]:
    seen: dict[str, int] = {}
    out = set()
    for line in text_outside_code(page.read_text()).splitlines():
        m = re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
        if m:
            slug = github_anchor(m.group(1))
            n = seen.get(slug, 0)
            seen[slug] = n + 1
            out.add(slug if n == 0 else f"{slug}-{n}")
    return out


def relative_links(text: str) -> list[str]:
    body = text_outside_code(text)
    links = re.findall(r"\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)", body)
    links += re.findall(r"<img[^>]*\ssrc=\"([^\"]+)\"", body)
    return [link for link in links if not re.match(r"^[a-z][a-z0-9+.-]*:", link)]


def broken_links(page: Path) -> list[str]:
    shown = page.relative_to(ROOT).as_posix() if page.is_relative_to(ROOT) else page.name
    problems = []
    for link in relative_links(page.read_text()):
        target, _, anchor = link.partition("#")
        path = (page.parent / target).resolve() if target else page
        if not path.exists():
            problems.append(f"{shown}: {link}: no such file")
        elif anchor and path.suffix == ".md" and anchor not in anchors(path):
            problems.append(f"{shown}: {link}: no heading #{anchor} in {path.name}")
    return problems


def readme_problems(text: str, pages: list[str]) -> list[str]:
    """The README is the front door: under README_MAX_LINES lines, a link to every docs page,
    and `make test` (the test command CI reads from it) in a shell block."""
    problems = []
    n = len(text.splitlines())
    if n >= README_MAX_LINES:
        problems.append(f"README.md has {n} lines (under {README_MAX_LINES} wanted)")
    links = set(relative_links(text))
    for page in pages:
        if not any(link.partition("#")[0] == page for link in links):
            problems.append(f"README.md does not link to {page}")
    commands = [
        words
        for _, info, body in fenced_blocks(text)
        if info in SHELL_LANGUAGES
        for _, line in logical_lines(body)
        for words in split_commands(line)
    ]
    if ["make", "test"] not in commands:
        problems.append("README.md has no `make test` in a shell block")
    return problems


# ------------------------------------------------------------------------------------------------
# the tests


@pytest.mark.parametrize("page", doc_pages(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_commands_name_real_things(page: Path) -> None:
    problems = check_page(page)
    assert not problems, "\n".join(problems)


def test_every_allowed_tool_is_used() -> None:
    used = {words[0] for page in doc_pages() for words in page_commands(page)}
    assert not set(ALLOWED_TOOLS) - used, f"ALLOWED_TOOLS entries no page uses: {set(ALLOWED_TOOLS) - used}"


def test_diagram_svg_comes_from_its_source() -> None:
    assert DOT.is_file() and SVG.is_file(), "run `make diagram`"
    missing = svg_missing_labels(SVG.read_text(), DOT.read_text())
    assert not missing, f"system.svg lacks these labels of system.dot (run `make diagram`): {missing}"
    assert len(dot_labels(DOT.read_text())) > 20


def test_diagram_svg_is_what_dot_renders() -> None:
    """Byte for byte, where this machine has the Graphviz version that rendered the SVG."""
    dot = shutil.which("dot")
    made_by = re.search(r"Generated by graphviz version (\S+)", SVG.read_text())
    if dot is None or made_by is None:
        pytest.skip("no Graphviz here")
    version = subprocess.run([dot, "-V"], capture_output=True, text=True).stderr
    if made_by.group(1) not in version:
        pytest.skip(f"Graphviz {version.strip()} here, the SVG came from {made_by.group(1)}")
    rendered = subprocess.run([dot, "-Tsvg", str(DOT)], capture_output=True, text=True, check=True).stdout
    assert rendered == SVG.read_text(), "docs/img/system.svg is stale: run `make diagram`"


def test_readme_is_the_front_door() -> None:
    pages = [p.relative_to(ROOT).as_posix() for p in sorted(DOCS.glob("*.md"))]
    problems = readme_problems(README.read_text(), pages)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("page", doc_pages(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_relative_links_resolve(page: Path) -> None:
    problems = broken_links(page)
    assert not problems, "\n".join(problems)


# --- the checks can fail --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "make no-such-target",
        "make up no-such-target",
        "fame no-such-group",
        "fame did no-such-command --flag",
        "fame ipfs pin no-such",
        "python -m no_such_module_anywhere",
        ".venv/bin/python -m fame.no_such_module",
        "python -c 'print('",
        "ape run no_such_script --network x",
        "npm run no-such-script",
        "npm --prefix frontend run no-such-script",
        "npx no-such-tool",
        "node no/such/file.mjs",
        "bash no/such/script.sh",
        "cd no-such-folder",
        "no-such-tool --version",
        "FAME_X=1 no-such-tool",
        "make up && no-such-tool",
        "CID=$(no-such-tool add x)",
        "fame did show x | no-such-tool",
        "echo 'a # in quotes is no comment' ; no-such-tool",
    ],
)
def test_check_rejects_unknown_names(line: str) -> None:
    problems = [check_command(words, ROOT)[0] for words in split_commands(line)]
    assert any(problems), f"{line!r} passed"


@pytest.mark.parametrize(
    "line",
    [
        "make up     # a comment, even with `no-such-tool` or $(no-such-tool) in it",
        "make test TEST_ARGS=tests/token",
        "FAME_RPC_URL=https://node.example/rpc make up",
        "fame did show did:fame:31337:1 --help",
        "fame ipfs pin add QmX",
        "fame deployment show --json",
        "python -m stack.web.devstack /tmp/fame-dev",
        "$ .venv/bin/python -m pytest tests/docs -q",
        "ape run deploy --network ethereum:local:foundry",
        "npm --prefix frontend run build",
        "cd frontend && FAME_MANIFEST=x npm run build && npm test",
        "npx snarkjs r1cs info c.r1cs",
        "echo 'a; b' > f && chmod 600 f",
    ],
)
def test_check_accepts_real_names(line: str) -> None:
    cwd = ROOT
    for words in [w for _, text in logical_lines(line) for w in split_commands(text)]:
        problem, cwd = check_command(words, cwd)
        assert problem is None, f"{line!r}: {problem}"


def test_check_splits_like_a_shell() -> None:
    assert split_commands("A=1 B=2 make up; fame x && cat < in > out | wc -l  # note") == [
        ["make", "up"],
        ["fame", "x"],
        ["cat"],
        ["wc", "-l"],
    ]
    assert split_commands("CID=$(fame ipfs add did.json)") == [["fame", "ipfs", "add", "did.json"]]
    assert list(logical_lines("fame oracle run \\\n    --port 1\nmake up")) == [
        (0, "fame oracle run      --port 1"),
        (2, "make up"),
    ]


def test_check_catches_a_picture_without_its_labels() -> None:
    source = 'digraph g {\n  subgraph cluster_a {\n    label="the floor";\n    a [label="first\\nline two"];\n  }\n}\n'
    svg = '<svg xmlns="http://www.w3.org/2000/svg"><text>first</text><text>the floor</text></svg>'
    assert svg_missing_labels(svg, source) == ["line two"]
    with pytest.raises(ET.ParseError):
        svg_missing_labels("<svg><text>first</svg>", source)


def test_check_catches_a_long_readme_without_links() -> None:
    text = "# x\n\n```sh\nmake up\n```\n" + "line\n" * 200 + "[a](docs/a.md)\n"
    problems = readme_problems(text, ["docs/a.md", "docs/b.md"])
    assert any("lines" in p for p in problems)
    assert any("docs/b.md" in p for p in problems)
    assert any("make test" in p for p in problems)
    assert not any("docs/a.md" in p for p in problems)


def test_check_catches_broken_links() -> None:
    with tempfile.TemporaryDirectory() as folder:
        page = Path(folder) / "page.md"
        page.write_text("# Top heading\n\n[ok](#top-heading) [bad](#nowhere) [file](missing.md)\n")
        problems = [p.split(": ", 1)[1] for p in broken_links(page)]
    assert problems == ["#nowhere: no heading #nowhere in page.md", "missing.md: no such file"]
