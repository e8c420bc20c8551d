"""Hostile input, generated, through the loaders' real entry points (files written to disk).

The contract for every config loader: it returns a well-typed value, or raises ConfigError whose
message is ONE line that starts with the file and names the key at fault; never another
exception type. For log text: whatever the bytes, what reaches the screen or a saved file is
UTF-8 text with no escape sequence and no control character, and one log line stays one line.

The strategies lean on what breaks parsers rather than what is likely: values nested thousands
deep, numbers of thousands of digits, YAML scalars that type as dates but are not, NUL escapes,
lone surrogates (a JSON ``\\ud800`` escape), terminal escape sequences, regular expressions that
the ``re`` module refuses with something other than ``re.error``.
"""

from __future__ import annotations

import json
import math
import os
import re
import tomllib
from collections.abc import Callable
from datetime import UTC
from pathlib import Path
from typing import Any

import pytest
from gok_tui.config.errors import ConfigError
from gok_tui.config.keymap import KNOWN_IDS
from gok_tui.config.kubeconfig import KubeTarget, resolve_target
from gok_tui.config.project import PROJECT_FILE, ProjectConfig, load_project
from gok_tui.config.settings import CONFIG_ENV, Settings, load_settings, parse_settings
from gok_tui.domain.logs import (
    LEVELS,
    MAX_LINE_CHARS,
    LogFilter,
    marker,
    parse_line,
    render_raw,
    sanitize,
)
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

FUZZ = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.large_base_example],
)
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")  # C0, DEL, C1: ESC, BEL, CR, LF, TAB, CSI ...


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One directory per module: @given tests may not use function-scoped tmp_path."""
    return tmp_path_factory.mktemp("fuzz").resolve()


# -- what a user-facing config error must look like --------------------------------------------


def visible(text: str) -> str:
    """How ConfigError shows a key from the file: control characters as \\xNN."""
    return CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def assert_one_line(error: ConfigError, sources: tuple[str, ...]) -> str:
    """One line that starts with the file, says what is wrong, and can be printed."""
    line = str(error)
    assert line == error.line()
    assert not CONTROL.search(line), f"raw control character in {line!r}"
    assert any(line.startswith(f"{source}: ") for source in sources), line
    assert error.problem.strip(), "says what is wrong"
    return line


def assert_names_key(error: ConfigError, source: str, roots: set[str]) -> None:
    """A document that parsed: the message names the key at fault, under a key the user wrote
    (or a section the file must have)."""
    assert error.key, f"no key named in {error.line()!r}"
    shown_roots = {root or '""' for root in roots}  # the empty key "" is named as ""
    assert any(error.key == root or error.key.startswith(f"{root}.") for root in shown_roots), (
        error.key,
        roots,
    )
    assert error.line().startswith(f"{source}: {visible(error.key)}: "), error.line()


# -- TOML written by hand: tomllib reads, nothing in the venv writes ---------------------------


def toml_string(text: str) -> str:
    body = json.dumps(text, ensure_ascii=False)[1:-1]  # JSON's escapes are all TOML escapes
    return '"' + body.replace("\x7f", "\\u007f") + '"'


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):  # beyond 64 bits tomllib still reads it; hex has no digit limit
        return hex(value) if value.bit_length() > 64 and value > 0 else str(value)
    if isinstance(value, float):
        return ("inf" if value > 0 else "-inf") if math.isinf(value) else repr(value)
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return (
            "{" + ", ".join(f"{toml_string(k)} = {toml_value(v)}" for k, v in value.items()) + "}"
        )
    return value.isoformat()  # date, time, datetime


def toml_document(data: dict[str, Any]) -> str:
    """Top-level scalars first, then one [table] per mapping, as people write config files."""
    lines = [
        f"{toml_string(k)} = {toml_value(v)}" for k, v in data.items() if not isinstance(v, dict)
    ]
    for key, table in data.items():
        if isinstance(table, dict):
            lines.append(f"[{toml_string(key)}]")
            lines.extend(f"{toml_string(k)} = {toml_value(v)}" for k, v in table.items())
    return "\n".join(lines) + "\n"


toml_scalars = st.one_of(
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.integers(4_000, 6_000).map(lambda digits: 16**digits - 1),  # 0xfff…: no str() for it
    st.floats(allow_nan=False),
    st.text(max_size=20),
    st.text(st.characters(max_codepoint=0x9F), max_size=8),  # control characters, mostly
    st.datetimes(timezones=st.none() | st.just(UTC)),
    st.dates(),
    st.times(),
)


def toml_values(keys: st.SearchStrategy[str]) -> st.SearchStrategy[Any]:
    return st.recursive(
        toml_scalars,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4),
        max_leaves=10,
    )


def nested(opening: str, closing: str) -> Callable[[int], str]:
    return lambda depth: opening * depth + closing * depth


def hostile_toml_text(assignments: list[str]) -> st.SearchStrategy[str]:
    """Text that may or may not be TOML: fragments, garbage, deep nesting, giant numbers."""
    fragments = st.sampled_from(
        [
            *assignments,
            "[",
            "]",
            "[[",
            "]]",
            "{",
            "}",
            "=",
            '"',
            "'''",
            '"""',
            "\n",
            "#",
            ",",
            ".",
            "\\",
            "0x",
            "1979-05-27T07:32:00Z",
            "inf",
            "nan",
            "true",
            "\x00",
            "\x1b[31m",
            "\ufeff",
            "\r\n",
            "\t",
        ]
    )
    deep = st.builds(
        lambda lhs, depth, pair: lhs + nested(*pair)(depth),
        st.sampled_from(assignments),
        st.integers(1, 2_500),
        st.sampled_from([("[", "]"), ("{x = ", "}")]),
    )
    digits = st.builds(
        lambda lhs, n, digit: lhs + digit * n,
        st.sampled_from(assignments),
        st.integers(1, 6_000),
        st.sampled_from(["9", "1"]),
    )
    return st.one_of(
        st.text(max_size=200),
        st.lists(fragments | st.text(max_size=6), max_size=20).map("".join),
        deep,
        digits,
    )


def write_toml(path: Path, data: dict[str, Any]) -> None:
    text = toml_document(data)
    assert tomllib.loads(text) == data, "the test's TOML writer is wrong"
    path.write_text(text, encoding="utf-8")


# -- user settings: config.toml ---------------------------------------------------------------

SETTINGS_ROOTS = {
    "theme",
    "default_namespace",
    "production_contexts",
    "readonly_contexts",
    "refresh_interval_ms",
    "logs",
    "keymap",
}
settings_keys = st.sampled_from(sorted(SETTINGS_ROOTS | {"buffer_lines"})) | st.text(max_size=6)
key_names = st.sampled_from(["j", "ctrl+f", "slash", "x,y", "", " ", "ctrl+", "F1", "é", "a b"])
settings_documents = st.one_of(
    st.dictionaries(settings_keys, toml_values(settings_keys), max_size=5),
    st.fixed_dictionaries(  # nearly right: most keys known, values near their limits
        {},
        optional={
            "theme": st.text(max_size=12) | toml_scalars,
            "default_namespace": st.text(max_size=12) | toml_scalars,
            "production_contexts": st.lists(st.text(max_size=6), max_size=3) | toml_scalars,
            "refresh_interval_ms": st.integers(0, 6_000) | toml_scalars,
            "logs": st.fixed_dictionaries(
                {}, optional={"buffer_lines": st.integers(0, 2 * 10**7) | toml_scalars}
            )
            | toml_scalars,
            "keymap": st.dictionaries(
                st.sampled_from(sorted(KNOWN_IDS)) | st.text(max_size=6),
                key_names | toml_scalars,
                max_size=3,
            ),
        },
    ),
)


def load_user_settings(path: Path) -> Settings:
    return load_settings({CONFIG_ENV: str(path)})


def assert_usable_settings(result: Settings, path: Path) -> None:
    assert result.source == str(path)
    assert isinstance(result.theme, str) and result.theme
    assert result.default_namespace is None or isinstance(result.default_namespace, str)
    assert 20 <= result.refresh_interval_ms <= 5_000
    assert 1_000 <= result.log_buffer_lines <= 10_000_000
    for patterns in (result.production_contexts, result.readonly_contexts):
        assert all(isinstance(p, str) and p for p in patterns)
    assert all(isinstance(k, str) and k for k in result.keymap.values())


@FUZZ
@given(settings_documents)
def test_any_config_toml_document_loads_or_names_the_key(
    workdir: Path, data: dict[str, Any]
) -> None:
    path = workdir / "config.toml"
    write_toml(path, data)
    try:
        result = load_user_settings(path)
    except ConfigError as error:
        assert_one_line(error, (str(path),))
        assert_names_key(error, str(path), set(data))
    else:
        assert_usable_settings(result, path)


SETTINGS_ASSIGNMENTS = ["theme = ", "refresh_interval_ms = ", "[logs]\nbuffer_lines = ", "x = "]


@FUZZ
@given(hostile_toml_text(SETTINGS_ASSIGNMENTS) | st.binary(max_size=100))
def test_any_config_toml_text_loads_or_says_why_in_one_line(
    workdir: Path, text: str | bytes
) -> None:
    path = workdir / "config-raw.toml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    try:
        assert_usable_settings(load_user_settings(path), path)
    except ConfigError as error:
        assert_one_line(error, (str(path),))


# -- the project file: gok.toml ---------------------------------------------------------------

PROJECT_ROOTS = {"image", "deploy", "watch", "traffic"}
PROJECT_FIELDS = {
    "image": ["repository", "dockerfile", "context", "target", "build_args", "tag_policy"],
    "deploy": ["namespace", "deployment", "delivery", "local_cluster", "auto_deploy", "manifests"],
    "watch": ["paths", "ignore", "debounce_ms"],
    "traffic": ["namespace", "service", "bluegreen", "stable", "canary"],
}
project_keys = st.sampled_from(sorted({k for ks in PROJECT_FIELDS.values() for k in ks}))
near_values = st.one_of(
    st.sampled_from(["git", "push", "kind", "none", "web", "api", "."]),
    st.lists(st.sampled_from(["web", "api", "", "."]), max_size=3),
    st.integers(-1, 70_000),
    toml_scalars,
)
project_documents = st.one_of(
    st.dictionaries(
        st.sampled_from(sorted(PROJECT_ROOTS)) | st.text(max_size=5),
        st.dictionaries(project_keys | st.text(max_size=5), toml_values(project_keys), max_size=4)
        | toml_scalars,
        max_size=4,
    ),
    st.fixed_dictionaries(  # nearly right: known sections with known fields
        {"image": st.fixed_dictionaries({"repository": st.text(max_size=10) | toml_scalars})},
        optional={
            section: st.dictionaries(st.sampled_from(fields), near_values, max_size=4)
            for section, fields in PROJECT_FIELDS.items()
            if section != "image"
        },
    ),
)


def assert_usable_project(project: ProjectConfig, path: Path) -> None:
    assert project.source == str(path)
    assert isinstance(project.image.repository, str) and project.image.repository
    assert project.image.tag_policy in ("git", "content", "semver")
    assert project.deploy.delivery in ("push", "load", "none")
    assert isinstance(project.deploy.auto_deploy, bool)
    assert 0 <= project.watch.debounce_ms <= 60_000
    assert all(isinstance(p, str) and p for p in project.watch.paths)
    assert len(project.traffic.bluegreen) in (0, 2)


@FUZZ
@given(project_documents)
def test_any_gok_toml_document_loads_or_names_the_key(workdir: Path, data: dict[str, Any]) -> None:
    path = workdir / PROJECT_FILE
    write_toml(path, data)
    try:
        project = load_project(workdir)
    except ConfigError as error:
        assert_one_line(error, (str(path),))
        assert_names_key(error, str(path), set(data) | PROJECT_ROOTS)
    else:
        assert_usable_project(project, path)


@FUZZ
@given(hostile_toml_text(["[image]\nrepository = ", "[watch]\ndebounce_ms = ", "image = "]))
def test_any_gok_toml_text_loads_or_says_why_in_one_line(workdir: Path, text: str) -> None:
    path = workdir / PROJECT_FILE
    path.write_text(text, encoding="utf-8")
    try:
        assert_usable_project(load_project(workdir), path)
    except ConfigError as error:
        assert_one_line(error, (str(path),))


# -- kubeconfig: YAML written by hand, so scalars can be anything YAML can type ----------------


class Raw(str):
    """A YAML token written as is (an unquoted scalar, a tag, an alias...)."""


def yaml_string(text: str) -> str:
    out = []
    for char in text:
        if char in '\\"':
            out.append("\\" + char)
        elif " " <= char <= "~":
            out.append(char)
        elif ord(char) < 0x10000:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(f"\\U{ord(char):08x}")
    return '"' + "".join(out) + '"'


def to_yaml(value: Any) -> str:
    """Flow style: every collection on one line, every string double-quoted unless Raw."""
    if isinstance(value, Raw):
        return str(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{to_yaml(k)}: {to_yaml(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(to_yaml(v) for v in value) + "]"
    if isinstance(value, str):
        return yaml_string(value)
    return json.dumps(value)  # None, bools, numbers


YAML_HOSTILE = [
    "~",
    "",
    "2020-13-45",  # types as a date, cannot be one
    "2001-02-30",
    "2001-12-14t21:59:43.10-99:00",
    "1" + "0" * 5_000,  # an int beyond Python's 4300-digit limit
    "0x" + "f" * 5_000,
    ".inf",
    ".nan",
    "190:20:30",  # YAML 1.1 sexagesimal
    "yes",
    "[]",
    "{}",
    "!!binary AAAA",
    "!!python/object:os.system x",
    "*nowhere",
    "&anchor a",
    '"\\0"',
    '"./bin/\\0x"',
    '"\\ud800"',  # YAML's \u escape makes a lone surrogate
    '"\\x1b[31m"',
    '"\\n"',
    "<<",
    "? a",
    "- a",
    "%TAG",
    "@",
]
names = st.sampled_from(["a", "b", "c"])
yaml_leaves = st.one_of(
    names,
    st.sampled_from(YAML_HOSTILE).map(Raw),
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=10),
)
yaml_anything = st.recursive(
    yaml_leaves,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(names | st.text(max_size=4), inner),
    max_leaves=8,
)


def kube_entries(body: str, fields: list[str]) -> st.SearchStrategy[Any]:
    entry = st.fixed_dictionaries(
        {"name": names | yaml_leaves},
        optional={
            body: st.fixed_dictionaries({}, optional={f: yaml_leaves for f in fields})
            | yaml_anything
        },
    )
    return st.lists(entry, max_size=3) | yaml_anything


exec_sections = st.fixed_dictionaries(
    {"command": st.sampled_from(["./bin/cred", "bin/cred", "/usr/bin/cred", "cred"]) | yaml_leaves}
)
kube_documents = st.fixed_dictionaries(
    {},
    optional={
        "apiVersion": st.just("v1") | yaml_leaves,
        "current-context": names | yaml_leaves,
        "contexts": kube_entries("context", ["cluster", "user", "namespace"]),
        "clusters": kube_entries("cluster", ["server", "certificate-authority"]),
        "users": kube_entries("user", ["token", "tokenFile", "client-key", "client-certificate"])
        | st.lists(
            st.fixed_dictionaries(
                {"name": names, "user": st.fixed_dictionaries({"exec": exec_sections})}
            ),
            max_size=2,
        ),
    },
)
kube_texts = st.one_of(
    kube_documents.map(to_yaml),
    yaml_anything.map(to_yaml),
    st.builds(
        lambda depth, pair: nested(*pair)(depth),
        st.integers(1, 800),  # PyYAML recurses from ~500 deep
        st.sampled_from([("[", "]"), ("{a: ", "}"), ("- ", "")]),
    ),
    st.text(max_size=100),
)


def assert_usable_target(target: KubeTarget | None, context: str | None) -> None:
    assert isinstance(target, KubeTarget), "a kubeconfig was given: there is a target or an error"
    for value in (target.context, target.cluster_server, target.user, target.namespace):
        assert isinstance(value, str), target
    assert target.namespace, "kubectl's namespace is never empty: 'default' at the least"
    if context is not None:
        assert target.context == context


@FUZZ
@given(kube_texts, st.none() | names)
@example(
    "current-context: a\ncontexts: [{name: a, context: {cluster: a}}]\n"
    "clusters: [{name: a, cluster: {server: ~}}]\n",
    None,
)
def test_any_kubeconfig_resolves_or_says_why_in_one_line(
    workdir: Path, text: str, context: str | None
) -> None:
    path = workdir / "kubeconfig"
    path.write_text(text, encoding="utf-8")
    try:
        target = resolve_target(kubeconfig=str(path), context=context, environ={})
    except ConfigError as error:
        assert_one_line(error, (str(path),))
    else:
        assert_usable_target(target, context)


@settings(FUZZ, max_examples=100)
@given(kube_documents.map(to_yaml), kube_documents.map(to_yaml))
def test_kubeconfig_list_merges_or_names_a_file(workdir: Path, first: str, second: str) -> None:
    paths = (workdir / "kube-1", workdir / "kube-2")
    for path, text in zip(paths, (first, second), strict=True):
        path.write_text(text, encoding="utf-8")
    joined = os.pathsep.join(str(p) for p in paths)
    try:
        target = resolve_target(environ={"KUBECONFIG": joined})
    except ConfigError as error:
        assert_one_line(error, (*(str(p) for p in paths), joined))
    else:
        assert_usable_target(target, None)


# -- log lines ------------------------------------------------------------------------------------

TERMINAL_SEQUENCES = [
    b"\x1b[31m",
    b"\x1b[0m",
    b"\x1b[2J\x1b[H",  # clear screen, home
    b"\x1b]0;owned\x07",  # window title
    b"\x1b]8;;https://example.com\x1b\\",  # hyperlink
    b"\x1b]52;c;aGk=\x07",  # write the clipboard
    b"\x1bP+q544e\x1b\\",  # DCS
    b"\x1b[?1049h",  # alternate screen
    b"\xc2\x9b2J",  # 8-bit CSI, UTF-8 encoded
    b"\x9b",
    b"\x1b",
    b"\x1b\x1b[",
    b"\r",
    b"\x08",
    b"\x07",
    b"\x00",
    b"\t",
    b"\xe2\x80\xae",  # right-to-left override
    b"\xff\xfe",  # not UTF-8
]
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=12)
    | st.integers(0xD800, 0xDFFF).map(chr),  # json.dumps writes a "\udXXX" escape
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=8,
)
json_lines = st.dictionaries(
    st.sampled_from(["msg", "message", "level", "severity", "lvl", "ts", "error"])
    | st.text(max_size=6)
    | st.integers(0xD800, 0xDFFF).map(chr),
    json_values | st.sampled_from([*LEVELS, "WARNING", "err", 30, 50]),
    max_size=5,
).map(lambda data: json.dumps(data).encode())
log_lines = st.one_of(
    st.lists(
        st.sampled_from(TERMINAL_SEQUENCES)
        | st.text(max_size=12).map(str.encode)
        | st.binary(max_size=8),
        max_size=12,
    ).map(b"".join),
    json_lines,
    st.integers(1, 20_000).map(lambda n: nested(b'{"a":', b"}")(n)),  # JSON nested too deeply
    st.integers(1, 20_000).map(lambda n: b'{"msg": ' + nested(b"[", b"]")(n) + b"}"),
    st.builds(
        lambda n, chunk: chunk * n,
        st.integers(1, 30_000),
        st.sampled_from([*TERMINAL_SEQUENCES, b"x", "é".encode()]),
    ),
)
stamps = st.one_of(
    st.just(b"2024-05-01T10:00:00.123456789Z "),
    st.lists(st.sampled_from(TERMINAL_SEQUENCES) | st.binary(max_size=4), max_size=4).map(
        lambda parts: b"2" + b"".join(parts).replace(b" ", b"") + b" "
    ),
    st.just(b""),
)
SUFFIX = len(f"… ({10**9} more characters)")


def assert_terminal_safe(text: str) -> None:
    assert not CONTROL.search(text), f"control character reaches the terminal: {text!r}"
    # bidi overrides reorder what is shown, U+2028 breaks a line in some terminals
    assert text.isprintable(), f"invisible or format character reaches the terminal: {text!r}"
    text.encode("utf-8")  # a lone surrogate cannot be written: not to a terminal, not to a file


@FUZZ
@given(stamps, log_lines)
def test_any_log_line_is_shown_as_safe_text(stamp: bytes, body: bytes) -> None:
    line = parse_line(1, stamp + body, timestamped=True)
    for part in (line.text, line.timestamp, *(part for kv in line.fields for part in kv)):
        assert_terminal_safe(part)
    assert len(line.text) <= MAX_LINE_CHARS + SUFFIX
    assert line.level is None or line.level in LEVELS
    written = stamp + body.replace(b"\n", b"")  # the follower splits the stream at newlines
    one_line = parse_line(1, written, timestamped=True)
    saved = render_raw([one_line, marker(0, "stream ended")], ["pod/a", "pod/b"], True)
    assert saved == b"pod/b " + written + b"\n", "a log line is saved as written, on one line"


@FUZZ
@given(
    st.text(max_size=300)
    | st.lists(st.text(max_size=5) | st.integers(0xD800, 0xDFFF).map(chr)).map("".join)
)
def test_sanitize_shows_printable_text_as_is_and_escapes_the_rest(text: str) -> None:
    shown = sanitize(text)
    assert_terminal_safe(shown)
    if text.isprintable():
        assert shown == text, "printable text is shown exactly as written"
    assert sanitize(shown) == shown, "sanitising safe text changes nothing"


@FUZZ
@given(
    st.text(max_size=40) | st.text(st.characters(max_codepoint=0x9F), max_size=10),
    st.dictionaries(st.sampled_from(["level", "ts", "error", "log"]), json_values, max_size=3),
)
def test_a_json_message_is_shown_as_written_when_printable(
    message: str, others: dict[str, Any]
) -> None:
    line = parse_line(0, json.dumps({"msg": message, **others}).encode())
    assert line.structured and "msg" not in dict(line.fields)
    assert_terminal_safe(line.text)
    if message and message.isprintable():
        assert line.text == message, "printable text is shown exactly as written"


hostile_patterns = st.one_of(
    st.text(max_size=20),
    st.sampled_from(
        [
            "(",
            "[",
            "\\",
            "*",
            "a{99999999999}",
            "a{1,4294967296}",
            "(?P<",
            "(?<=a+)",
            "\\N{NOPE}",
            "(?i",
            "[z-a]",
            "x**",
            "!",
            "!(",
            "!a{9999999999}",
        ]
    ),
    st.integers(1, 1_900).map(lambda depth: nested("(", ")")(depth)),  # fits in one log line
)


@FUZZ
@given(hostile_patterns, st.lists(st.text(max_size=30), max_size=8), st.integers(0, 3))
def test_any_filter_text_filters_and_a_bad_pattern_is_searched_literally(
    pattern: str, texts: list[str], context: int
) -> None:
    literal = pattern.removeprefix("!")
    lines = [parse_line(i % 2, t.encode()) for i, t in enumerate(texts)]
    lines.append(parse_line(0, f"x {literal}".encode()))
    log_filter = LogFilter(pattern, context=context)
    shown, matches = log_filter.visible(lines)
    assert set(matches) <= set(shown) <= set(range(len(lines)))
    if log_filter.error:
        assert log_filter.error.startswith("not a regular expression: ")
        assert "\n" not in log_filter.error
        if literal.isprintable():  # the line shows it as written: the literal finds it
            assert log_filter.matches(lines[-1]) != log_filter.inverse


# -- what the properties found, kept as plain examples ---------------------------------------


def raises_config_error(load: Callable[[], object]) -> ConfigError:
    try:
        load()
    except ConfigError as error:
        return error
    raise AssertionError("expected a ConfigError")


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    return tmp_path / "config.toml"


def test_config_nested_thousands_deep_is_a_toml_error_not_a_recursion_error(
    config_file: Path,
) -> None:
    config_file.write_text("production_contexts = " + "[" * 5_000 + "]" * 5_000)
    error = raises_config_error(lambda: load_user_settings(config_file))
    assert error.line() == f"{config_file}: invalid TOML: values nested too deeply"


def test_config_integer_of_thousands_of_digits_is_a_toml_error(config_file: Path) -> None:
    config_file.write_text("refresh_interval_ms = 1" + "0" * 5_000)
    error = raises_config_error(lambda: load_user_settings(config_file))
    assert error.line() == f"{config_file}: invalid TOML: a number has too many digits"


def test_config_hex_integer_too_long_to_print_is_reported_not_printed(config_file: Path) -> None:
    config_file.write_text("refresh_interval_ms = 0x" + "f" * 5_000)
    error = raises_config_error(lambda: load_user_settings(config_file))
    assert error.line() == (
        f"{config_file}: refresh_interval_ms: must be between 20 and 5000, "
        "got a number too long to show"
    )


def test_config_value_shown_in_an_error_is_cut_short(config_file: Path) -> None:
    config_file.write_text("[logs]\nbuffer_lines = [" + "1, " * 10_000 + "]")
    error = raises_config_error(lambda: load_user_settings(config_file))
    assert error.line().startswith(
        f"{config_file}: logs.buffer_lines: must be a whole number, got [1, 1, 1,"
    )
    assert error.line().endswith("… (30,000 characters)")
    assert len(error.line()) < len(str(config_file)) + 120


def test_gok_toml_hex_integer_too_long_to_print_names_the_key(tmp_path: Path) -> None:
    (tmp_path / PROJECT_FILE).write_text(
        "[image]\nrepository = 'web'\ntag_policy = 0x" + "f" * 5_000 + "\n"
    )
    error = raises_config_error(lambda: load_project(tmp_path))
    assert error.line() == (
        f"{tmp_path.resolve() / PROJECT_FILE}: image.tag_policy: must be one of git, content, "
        "semver; got a number too long to show"
    )


def test_gok_toml_nested_thousands_deep_names_the_file(tmp_path: Path) -> None:
    (tmp_path / PROJECT_FILE).write_text("[image]\nbuild_args = " + "{a = " * 3_000 + "}" * 3_000)
    error = raises_config_error(lambda: load_project(tmp_path))
    assert (
        error.line()
        == f"{tmp_path.resolve() / PROJECT_FILE}: invalid TOML: values nested too deeply"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "current-context: 2020-13-45\n",
            "kubeconfig has a value YAML cannot read: month must be in 1..12",
        ),
        (
            "clusters: [{name: a, cluster: {server: 2001-02-30}}]\n",
            "kubeconfig has a value YAML cannot read: day is out of range for month",
        ),
        (
            "current-context: 1" + "0" * 5_000 + "\n",
            "kubeconfig has a value YAML cannot read: Exceeds the limit (4300 digits) for integer "
            "string conversion: value has 5001 digits",
        ),
        ("[" * 1_000 + "]" * 1_000, "kubeconfig is not valid YAML: nested too deeply"),
    ],
    ids=["impossible-date", "impossible-day", "5001-digit-int", "nested-1000-deep"],
)
def test_kubeconfig_scalars_yaml_types_but_cannot_build_are_config_errors(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "kubeconfig"
    path.write_text(text)
    error = raises_config_error(lambda: resolve_target(kubeconfig=str(path), environ={}))
    assert error.line() == f"{path}: {message}"


@pytest.mark.parametrize(
    ("entry", "key"),
    [
        (
            'clusters: [{name: c, cluster: {server: x, certificate-authority: "ca\\0.pem"}}]',
            "clusters.c.cluster.certificate-authority",
        ),
        (
            'users: [{name: u, user: {exec: {command: "./bin/\\0cred"}}}]',
            "users.u.user.exec.command",
        ),
    ],
    ids=["certificate", "exec-command"],
)
def test_kubeconfig_path_with_a_nul_names_the_field(tmp_path: Path, entry: str, key: str) -> None:
    path = tmp_path / "kubeconfig"
    path.write_text(
        f"current-context: a\ncontexts: [{{name: a, context: {{cluster: c}}}}]\n{entry}\n"
    )
    error = raises_config_error(lambda: resolve_target(kubeconfig=str(path), environ={}))
    assert error.line() == f"{path}: {key}: must be a file path; it contains a NUL character"


def test_kubeconfig_fields_left_empty_resolve_to_text_not_none(tmp_path: Path) -> None:
    path = tmp_path / "kubeconfig"
    path.write_text(
        "current-context: a\ncontexts: [{name: a, context: {cluster: c, user: }}]\n"
        "clusters: [{name: c, cluster: {server: }}]\n"
    )
    target = resolve_target(kubeconfig=str(path), environ={})
    assert target is not None
    assert (target.cluster_server, target.user, target.namespace) == ("", "", "default")


def test_kubeconfig_context_with_an_empty_cluster_says_so(tmp_path: Path) -> None:
    path = tmp_path / "kubeconfig"
    path.write_text("current-context: a\ncontexts: [{name: a, context: {cluster: ~}}]\n")
    error = raises_config_error(lambda: resolve_target(kubeconfig=str(path), environ={}))
    assert error.line() == f"{path}: contexts.a: names no cluster"


def test_json_log_line_nested_thousands_deep_is_shown_as_text() -> None:
    raw = b'{"msg": ' + b"[" * 50_000 + b"]" * 50_000 + b"}"
    line = parse_line(0, raw)
    assert not line.structured
    assert line.text.startswith('{"msg": [[[[') and line.text.endswith("more characters)")


def test_json_log_line_with_a_lone_surrogate_escape_can_be_shown_and_saved() -> None:
    line = parse_line(0, b'{"msg": "bad \\ud800 byte", "\\udfff": "\\udc00"}')
    assert line.text == "bad \ufffd byte"
    assert line.fields == (("\ufffd", "\ufffd"),)
    assert render_raw([line], [], timestamps=False) == (
        b'{"msg": "bad \\ud800 byte", "\\udfff": "\\udc00"}\n'
    )


def test_timestamp_prefix_is_sanitised_like_the_text() -> None:
    line = parse_line(0, b"2024\x1b]0;owned\x07\x1b[2J next", timestamped=True)
    assert (line.timestamp, line.text) == ("2024", "next")


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        ("a{99999999999}", "repeat count too big"),
        ("(" * 1_500 + "a" + ")" * 1_500, "maximum recursion depth exceeded"),
    ],
    ids=["huge-repetition", "nested-1500-deep"],
)
def test_filter_pattern_the_engine_cannot_compile_is_searched_literally(
    pattern: str, reason: str
) -> None:
    log_filter = LogFilter(pattern)
    assert log_filter.error.startswith(f"not a regular expression: {reason}")
    assert log_filter.matches(parse_line(0, f"x {pattern} y".encode()))
    assert not log_filter.matches(parse_line(0, b"a"))


def test_config_empty_key_is_named_as_empty(config_file: Path) -> None:
    config_file.write_text('"" = []\n')
    error = raises_config_error(lambda: load_user_settings(config_file))
    assert error.line().startswith(f'{config_file}: "": unknown setting (known: ')


def test_gok_toml_empty_section_name_is_named_as_empty(tmp_path: Path) -> None:
    (tmp_path / PROJECT_FILE).write_text('[""]\n')
    error = raises_config_error(lambda: load_project(tmp_path))
    path = tmp_path.resolve() / PROJECT_FILE
    known = "deploy, dev, forward, image, service, sync, traffic, watch"
    assert error.line() == f'{path}: "": unknown key (known: {known})'


def test_json_message_with_newlines_stays_on_one_line() -> None:
    raw = b'{"msg": "boom\\nTraceback:\\n  at x", "stack": "a\\nb", "level": "error"}'
    line = parse_line(0, raw)
    assert line.text == "boom\\x0aTraceback:\\x0a  at x"
    assert line.fields == (("stack", "a\\x0ab"),)
    assert render_raw([line], ["web-1"], timestamps=False) == b"web-1 " + raw + b"\n"


def test_a_key_with_a_newline_stays_on_one_line() -> None:
    try:
        parse_settings({"\n\x1b[31m": []}, "config.toml")
    except ConfigError as error:
        assert error.line().startswith("config.toml: \\x0a\\x1b[31m: unknown setting")
    else:
        raise AssertionError("an unknown key is an error")


def test_a_kubeconfig_that_is_not_utf8_says_so(tmp_path: Path) -> None:
    path = tmp_path / "latin1"
    path.write_bytes(b"\x80current-context: a\n")
    try:
        resolve_target(kubeconfig=str(path), environ={})
    except ConfigError as error:
        assert error.line() == f"{path}: kubeconfig is not UTF-8 text"
    else:
        raise AssertionError("a binary kubeconfig is an error")


def test_a_context_that_is_not_a_mapping_names_the_entry(tmp_path: Path) -> None:
    path = tmp_path / "scalar-context"
    path.write_text("current-context: b\ncontexts:\n- name: b\n  context: 1.0\n")
    try:
        resolve_target(kubeconfig=str(path), environ={})
    except ConfigError as error:
        assert error.line() == f"{path}: contexts.b.context: must be a mapping"
    else:
        raise AssertionError("a scalar context is an error")
