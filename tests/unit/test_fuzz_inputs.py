"""Hostile input, generated: config, gok.toml, kubeconfig and log lines never crash gok-tui.

Every loader either returns a value or raises ConfigError whose message is one line naming the
file; log text never reaches the terminal with an escape or control character in it.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import yaml
from gok_tui.config.errors import ConfigError
from gok_tui.config.kubeconfig import resolve_target
from gok_tui.config.project import parse_project
from gok_tui.config.settings import parse_settings, read_toml
from gok_tui.domain.logs import LogFilter, parse_line, render_plain, sanitize
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
WORKDIR = Path(tempfile.mkdtemp(prefix="gok-fuzz-"))
UNSAFE = {chr(c) for c in (*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0))}

scalars = st.one_of(
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=False),
    st.text(max_size=20),
)


def tables(keys: st.SearchStrategy[str]) -> st.SearchStrategy[Any]:
    return st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=5),
        max_leaves=12,
    )


def one_line_about(error: ConfigError, source: str) -> None:
    line = error.line()
    assert "\n" not in line and line.startswith(source), line
    assert error.problem, "says what is wrong"


SETTINGS_KEYS = st.sampled_from(
    [
        "theme",
        "default_namespace",
        "production_contexts",
        "readonly_contexts",
        "refresh_interval_ms",
        "logs",
        "keymap",
        "buffer_lines",
        "table.filter",
        "app.quit",
    ]
) | st.text(max_size=8)


@FUZZ
@given(st.dictionaries(SETTINGS_KEYS, tables(SETTINGS_KEYS), max_size=6))
def test_user_config_values(data: dict[str, Any]) -> None:
    try:
        parse_settings(data, "config.toml")
    except ConfigError as error:
        one_line_about(error, "config.toml")


@FUZZ
@given(st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
def test_user_config_bytes(raw: bytes) -> None:
    path = WORKDIR / "config.toml"
    path.write_bytes(raw)
    try:
        parse_settings(read_toml(path), str(path))
    except ConfigError as error:
        one_line_about(error, str(path))


PROJECT_KEYS = st.sampled_from(
    [
        "image",
        "deploy",
        "watch",
        "traffic",
        "repository",
        "dockerfile",
        "context",
        "target",
        "build_args",
        "tag_policy",
        "semver_file",
        "namespace",
        "deployment",
        "container",
        "delivery",
        "local_cluster",
        "auto_deploy",
        "manifests",
        "paths",
        "ignore",
        "debounce_ms",
        "service",
        "bluegreen",
        "stable",
        "canary",
    ]
)


@FUZZ
@given(st.dictionaries(PROJECT_KEYS, tables(PROJECT_KEYS), max_size=5))
def test_project_file_values(data: dict[str, Any]) -> None:
    try:
        parse_project(data, WORKDIR, "gok.toml")
    except ConfigError as error:
        one_line_about(error, "gok.toml")


KUBE_KEYS = st.sampled_from(
    [
        "apiVersion",
        "kind",
        "current-context",
        "contexts",
        "clusters",
        "users",
        "name",
        "context",
        "cluster",
        "user",
        "namespace",
        "server",
        "token",
        "certificate-authority",
        "client-certificate",
        "exec",
        "command",
    ]
)


def kubeconfig_documents() -> st.SearchStrategy[Any]:
    names = st.sampled_from(["a", "b"])  # few names, so contexts find their clusters
    entry = st.fixed_dictionaries(
        {"name": names},
        optional={
            "context": tables(KUBE_KEYS) | st.fixed_dictionaries({"cluster": names}),
            "cluster": tables(KUBE_KEYS),
            "user": tables(KUBE_KEYS),
        },
    )
    shaped = st.fixed_dictionaries(
        {
            "current-context": names,
            "contexts": st.lists(entry, min_size=1, max_size=3),
            "clusters": st.lists(entry, max_size=3),
        },
        optional={"users": st.lists(entry, max_size=3) | tables(KUBE_KEYS)},
    )
    loose = st.fixed_dictionaries(
        {},
        optional={
            "current-context": names | st.integers() | st.lists(st.text(), max_size=2),
            "contexts": st.lists(entry | tables(KUBE_KEYS), max_size=3),
            "clusters": st.lists(entry, max_size=3) | tables(KUBE_KEYS),
        },
    )
    return shaped | loose | tables(KUBE_KEYS)


@FUZZ
@given(kubeconfig_documents(), st.none() | st.sampled_from(["a", "b"]))
def test_kubeconfig_documents(document: Any, context: str | None) -> None:
    path = WORKDIR / "kubeconfig"
    path.write_text(yaml.safe_dump(document))
    try:
        resolve_target(kubeconfig=str(path), context=context, environ={})
    except ConfigError as error:
        one_line_about(error, str(path)) if error.source else one_line_about(error, "")


@FUZZ
@given(st.binary(max_size=300))
def test_kubeconfig_bytes(raw: bytes) -> None:
    path = WORKDIR / "kubeconfig-raw"
    path.write_bytes(raw)
    try:
        resolve_target(kubeconfig=str(path), environ={})
    except ConfigError as error:
        one_line_about(error, str(path))


hostile_text = st.text(
    alphabet=st.characters(codec="utf-8") | st.sampled_from(["\x1b", "\x9b", "[", "]", "\x07"]),
    max_size=200,
)


@FUZZ
@given(hostile_text, st.booleans())
def test_log_lines_reach_the_screen_without_escapes(text: str, timestamped: bool) -> None:
    raw = text.encode("utf-8", "surrogatepass")
    line = parse_line(0, raw, timestamped)
    shown = [line.text, *(f"{k}={v}" for k, v in line.fields), line.timestamp]
    for part in shown:
        assert not UNSAFE & set(part), repr(part)
    assert not UNSAFE & set(sanitize(text))
    rendered = render_plain([line], ["pod/a"], timestamps=True)
    assert not (UNSAFE - {"\n"}) & set(rendered)


@FUZZ
@given(st.text(max_size=30), st.lists(hostile_text, max_size=10), st.integers(0, 3))
def test_any_filter_text_filters_without_error(
    pattern: str, texts: list[str], context: int
) -> None:
    lines = [parse_line(i % 2, t.encode("utf-8", "surrogatepass")) for i, t in enumerate(texts)]
    log_filter = LogFilter(pattern, context=context)
    shown, matches = log_filter.visible(lines)
    assert set(matches) <= set(shown) <= set(range(len(lines)))
    for index in matches:
        assert all(end > start for start, end in log_filter.highlights(lines[index].text))


@FUZZ
@given(
    st.dictionaries(
        st.text(max_size=8),
        scalars | st.lists(scalars, max_size=3) | st.dictionaries(st.text(max_size=4), scalars),
        max_size=6,
    )
)
def test_json_log_lines_any_shape(data: dict[str, Any]) -> None:
    import json

    line = parse_line(0, json.dumps(data).encode())
    for part in (line.text, *(f"{k}={v}" for k, v in line.fields)):
        assert not UNSAFE & set(part), repr(part)


# -- what the properties found, kept as plain examples ---------------------------------------


def test_a_key_with_a_newline_stays_on_one_line() -> None:
    try:
        parse_settings({"\n\x1b[31m": []}, "config.toml")
    except ConfigError as error:
        assert error.line().startswith("config.toml: \\x0a\\x1b[31m: unknown setting")
    else:
        raise AssertionError("an unknown key is an error")


def test_a_kubeconfig_that_is_not_utf8_says_so() -> None:
    path = WORKDIR / "latin1"
    path.write_bytes(b"\x80current-context: a\n")
    try:
        resolve_target(kubeconfig=str(path), environ={})
    except ConfigError as error:
        assert error.line() == f"{path}: kubeconfig is not UTF-8 text"
    else:
        raise AssertionError("a binary kubeconfig is an error")


def test_a_context_that_is_not_a_mapping_names_the_entry() -> None:
    path = WORKDIR / "scalar-context"
    path.write_text("current-context: b\ncontexts:\n- name: b\n  context: 1.0\n")
    try:
        resolve_target(kubeconfig=str(path), environ={})
    except ConfigError as error:
        assert error.line() == f"{path}: contexts.b.context: must be a mapping"
    else:
        raise AssertionError("a scalar context is an error")
