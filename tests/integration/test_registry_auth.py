"""Registry credentials found as the Docker CLI finds them: a real config.json in a temporary
DOCKER_CONFIG and real ``docker-credential-*`` programs on PATH that speak the helper protocol
(``get``: the server URL on stdin, ``{"ServerURL","Username","Secret"}`` on stdout, exit 1 with
"credentials not found in native keychain" for an unknown server). Nothing is mocked."""

from __future__ import annotations

import base64
import json
import os
import threading
import time
import urllib.parse
import warnings
from collections.abc import Callable, Iterator, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from gok_tui.backends.docker_backend import DockerBackend, DockerError
from gok_tui.backends.docker_credentials import (
    load_auth_config,
    registry_auth,
    registry_credentials,
)
from gok_tui.backends.registry import api_repository, registry_base_url

from tests.docker_env import free_port

HUB = "https://index.docker.io/v1/"

Helper = Callable[..., Path]


def basic(user: str, password: str) -> str:
    return base64.b64encode(f"{user}:{password}".encode()).decode()


@pytest.fixture
def docker_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[Any], Path]:
    """``write(config)``: config.json in a fresh DOCKER_CONFIG directory."""
    directory = tmp_path / "docker-config"
    directory.mkdir()
    monkeypatch.setenv("DOCKER_CONFIG", str(directory))

    def write(config: Any) -> Path:
        path = directory / "config.json"
        path.write_text(json.dumps(config), encoding="utf-8")
        return path

    return write


@pytest.fixture
def helper(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Helper:
    """``make(name, entries, fail=None)``: an executable ``docker-credential-NAME`` on PATH.
    ``entries`` maps server URL to (username, secret); every ``get`` is logged to the returned
    file. ``fail=(status, stderr)`` makes every call exit so, as a broken helper does."""
    bin_dir = tmp_path / "helpers"
    bin_dir.mkdir()
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")

    def make(
        name: str,
        entries: Mapping[str, tuple[str, str]] | None = None,
        fail: tuple[int, str] | None = None,
    ) -> Path:
        log = tmp_path / f"{name}.calls"
        cases = "".join(
            f"  '{server}') printf '%s\\n' '"
            + json.dumps({"ServerURL": server, "Username": user, "Secret": secret})
            + "' ;;\n"
            for server, (user, secret) in (entries or {}).items()
        )
        failure = f"echo '{fail[1]}' >&2; exit {fail[0]}\n" if fail else ""
        script = bin_dir / f"docker-credential-{name}"
        script.write_text(
            "#!/bin/sh\n"
            f'[ "$1" = get ] || {{ echo "unsupported command $1" >&2; exit 2; }}\n'
            "server=$(cat)\n"
            f"printf '%s\\n' \"$server\" >> '{log}'\n"
            f"{failure}"
            'case "$server" in\n'
            f"{cases}"
            "  *) echo 'credentials not found in native keychain'; exit 1 ;;\n"
            "esac\n",
            encoding="utf-8",
        )
        script.chmod(0o755)
        return log

    return make


def calls(log: Path) -> list[str]:
    return log.read_text(encoding="utf-8").splitlines() if log.exists() else []


def test_auths_only_gives_the_logged_in_user_and_nothing_for_other_registries(
    docker_config: Callable[[Any], Path],
) -> None:
    docker_config(
        {
            "auths": {
                "reg.example:5000": {"auth": basic("alice", "s3cret:with:colons")},
                "https://tokens.example/v1/": {"identitytoken": "refresh-me"},
            }
        }
    )
    assert registry_auth("reg.example:5000") == {
        "username": "alice",
        "password": "s3cret:with:colons",
        "serveraddress": "reg.example:5000",
    }
    assert registry_auth("tokens.example") == {
        "identitytoken": "refresh-me",
        "serveraddress": "tokens.example",
    }
    assert registry_auth("other.example") == {}


def test_creds_store_is_asked_for_the_registry_host_and_its_not_found_is_the_answer(
    docker_config: Callable[[Any], Path], helper: Helper
) -> None:
    log = helper("gokfake", {"reg.example:5000": ("bob", "from-the-keychain")})
    docker_config(
        {
            "credsStore": "gokfake",
            "auths": {
                "reg.example:5000": {},  # what `docker login` leaves when a store holds the secret
                "plain.example": {"auth": basic("carol", "in-the-file")},
            },
        }
    )
    assert registry_credentials("reg.example:5000").auth == {
        "username": "bob",
        "password": "from-the-keychain",
        "serveraddress": "reg.example:5000",
    }
    # the store has no entry ("credentials not found"): not an error, and no credentials; as
    # the CLI's native store, the file's auths are not read once a store is configured
    found = registry_credentials("plain.example")
    assert found.auth == {} and found.problem is None
    assert registry_credentials("nowhere.example").auth == {}
    assert calls(log) == ["reg.example:5000", "plain.example", "nowhere.example"]


def test_cred_helpers_override_creds_store_for_their_registry_only(
    docker_config: Callable[[Any], Path], helper: Helper
) -> None:
    store_log = helper(
        "gokfake", {"a.example": ("store-a", "pa"), "ecr.example": ("store-ecr", "wrong")}
    )
    ecr_log = helper("gokfake-ecr", {"ecr.example": ("AWS", "ecr-token")})
    docker_config({"credsStore": "gokfake", "credHelpers": {"ecr.example": "gokfake-ecr"}})
    assert registry_auth("ecr.example")["username"] == "AWS"
    assert registry_auth("ecr.example")["password"] == "ecr-token"
    assert registry_auth("a.example")["username"] == "store-a"
    assert calls(ecr_log) == ["ecr.example", "ecr.example"]
    docker_config(
        {
            "credHelpers": {"ecr.example": "gokfake-ecr"},
            "auths": {"a.example": {"auth": basic("f", "p")}},
        }
    )
    assert registry_auth("a.example")["username"] == "f"  # no helper for it: the file answers
    assert calls(store_log) == ["a.example"]


def test_an_identity_token_from_a_helper_is_sent_as_one(
    docker_config: Callable[[Any], Path], helper: Helper
) -> None:
    helper("gokfake", {"acr.example": ("<token>", "eyJ.refresh.token")})
    docker_config({"credHelpers": {"acr.example": "gokfake"}})
    assert registry_auth("acr.example") == {
        "identitytoken": "eyJ.refresh.token",
        "serveraddress": "acr.example",
    }


def test_a_missing_helper_gives_no_credentials_and_says_so(
    docker_config: Callable[[Any], Path], helper: Helper
) -> None:
    helper("gokfake", {"reg.example": ("bob", "pw")})  # on PATH, but not the one configured
    docker_config({"credsStore": "desktop-gokmissing", "auths": {"reg.example": {}}})
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the SDK warns about a missing helper: not on screen
        found = registry_credentials("reg.example")
    assert found.auth == {}
    assert found.problem == (
        "credential helper docker-credential-desktop-gokmissing is not installed (not on PATH)"
    )


def test_a_failing_helper_gives_no_credentials_names_itself_and_keeps_stderr_off_screen(
    docker_config: Callable[[Any], Path], helper: Helper, capfd: pytest.CaptureFixture[str]
) -> None:
    log = helper("gokfake", {"reg.example": ("bob", "pw")}, fail=(3, "keychain is locked"))
    docker_config({"credsStore": "gokfake"})
    found = registry_credentials("reg.example")
    assert found.auth == {}
    assert found.problem == (
        "credential helper docker-credential-gokfake failed: exit status 3: keychain is locked"
    )
    assert calls(log) == ["reg.example"]
    assert capfd.readouterr().err == ""  # the TUI draws on the terminal: nothing may leak there


def test_what_a_build_sends_keeps_auths_when_a_cred_helper_fails_and_says_why(
    docker_config: Callable[[Any], Path], helper: Helper, capfd: pytest.CaptureFixture[str]
) -> None:
    log = helper("gokfake", {"ecr.example": ("AWS", "t")}, fail=(3, "token expired"))
    docker_config(
        {
            "credHelpers": {"ecr.example": "gokfake", "gcr.example": "gokfake"},
            "auths": {"plain.example": {"auth": basic("carol", "in-the-file")}},
        }
    )
    config = load_auth_config()
    assert config.get_all_credentials() == {
        "plain.example": {
            "username": "carol",
            "password": "in-the-file",
            "email": None,
            "serveraddress": "plain.example",
        }
    }
    assert config.problem == (
        "credential helper docker-credential-gokfake failed: exit status 3: token expired"
    )
    assert calls(log) == ["ecr.example"]  # a helper that failed is not asked again
    assert capfd.readouterr().err == ""


@pytest.mark.parametrize(
    "name", ["docker.io", "index.docker.io", "registry-1.docker.io", HUB, "https://index.docker.io"]
)
def test_docker_hub_aliases_all_use_the_key_docker_login_writes(
    docker_config: Callable[[Any], Path], helper: Helper, name: str
) -> None:
    log = helper("gokfake", {HUB: ("hubuser", "hub-pat")})
    docker_config({"credsStore": "gokfake"})
    assert registry_auth(name) == {
        "username": "hubuser",
        "password": "hub-pat",
        "serveraddress": HUB,
    }
    assert calls(log) == [HUB]
    docker_config({"auths": {HUB: {"auth": basic("filehub", "pw")}}})  # no helper at all
    assert registry_auth(name)["username"] == "filehub"


class TokenRegistry(BaseHTTPRequestHandler):
    """A registry whose tag list needs a bearer token, and its OAuth2 token service that
    takes only the refresh token "eyJ.refresh.token" (what ACR and `docker login` tokens use)."""

    token_requests: list[dict[str, list[str]]] = []

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _json(self, status: int, body: Any, headers: Mapping[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        if self.headers.get("Authorization") == "Bearer access-123":
            self._json(200, {"name": "team/app", "tags": ["v2", "v1"]})
            return
        host = self.headers["Host"]
        challenge = (
            f'Bearer realm="http://{host}/oauth2/token",service="{host}",'
            'scope="repository:team/app:pull"'
        )
        self._json(401, {"errors": [{"code": "UNAUTHORIZED"}]}, {"WWW-Authenticate": challenge})

    def do_HEAD(self) -> None:
        """``team/app:v1`` exists, ``team/locked`` is refused even with a token, others are 404."""
        if self.headers.get("Authorization") != "Bearer access-123":
            self.do_GET()  # the same challenge
            return
        known = self.path == "/v2/team/app/manifests/v1" and "manifest.v2+json" in self.headers.get(
            "Accept", ""
        )
        status = 403 if self.path.startswith("/v2/team/locked/") else 200 if known else 404
        self.send_response(status)
        if known:
            self.send_header("Docker-Content-Digest", "sha256:" + "ab" * 32)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        form = urllib.parse.parse_qs(self.rfile.read(length).decode())
        type(self).token_requests.append(form)
        if form.get("refresh_token") == ["eyJ.refresh.token"]:
            self._json(200, {"access_token": "access-123"})
        else:
            self._json(401, {"errors": [{"code": "UNAUTHORIZED"}]})


@pytest.fixture
def token_registry() -> Iterator[str]:
    TokenRegistry.token_requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), TokenRegistry)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_registry_tags_trades_a_helpers_identity_token_for_a_bearer_token(
    docker_config: Callable[[Any], Path], helper: Helper, token_registry: str
) -> None:
    docker_config({"credHelpers": {token_registry: "gokfake"}})
    backend = DockerBackend("unix:///nonexistent.sock", timeout=5)
    with pytest.raises(DockerError) as missing:
        backend.registry_tags(token_registry, "team/app")  # the helper is not on PATH yet
    assert missing.value.message == (
        f"registry {token_registry} requires authentication (docker login {token_registry}); "
        "credential helper docker-credential-gokfake is not installed (not on PATH)"
    )
    helper("gokfake", {token_registry: ("<token>", "eyJ.refresh.token")})
    assert backend.registry_tags(token_registry, "team/app") == ["v1", "v2"]
    form = TokenRegistry.token_requests[-1]
    assert form["grant_type"] == ["refresh_token"]
    assert form["service"] == [token_registry]
    assert form["scope"] == ["repository:team/app:pull"]


def raw_helper(tmp_path: Path, name: str, body: str) -> None:
    """``docker-credential-NAME`` on PATH (``helper`` put its directory there) running ``body``."""
    script = tmp_path / "helpers" / f"docker-credential-{name}"
    script.write_text(f"#!/bin/sh\nserver=$(cat)\n{body}\n", encoding="utf-8")
    script.chmod(0o755)


def test_auths_with_plain_username_and_password_fields_count_as_docker_reads_them(
    docker_config: Callable[[Any], Path],
) -> None:
    docker_config(
        {
            "auths": {
                "plain.example": {"username": "dave", "password": "typed-in"},
                "both.example": {"auth": basic("erin", "wins"), "username": "x", "password": "y"},
                "token.example": {"identitytoken": "", "auth": basic("frank", "pw")},
            }
        }
    )
    assert registry_auth("plain.example") == {
        "username": "dave",
        "password": "typed-in",
        "serveraddress": "plain.example",
    }
    assert registry_auth("both.example")["username"] == "erin"  # `auth` wins, as in the CLI
    assert registry_auth("token.example")["username"] == "frank"  # an empty token is none


def test_a_docker_config_that_is_not_json_says_so_without_quoting_it(
    docker_config: Callable[[Any], Path],
) -> None:
    path = docker_config({})
    path.write_text('{"auths": {"reg.example": {"auth": "c2VjcmV0LXZhbHVl"', encoding="utf-8")
    found = registry_credentials("reg.example")
    assert found.auth == {}
    assert found.problem is not None
    assert found.problem.startswith(f"cannot read the Docker config {path}: not JSON (")
    assert "c2VjcmV0" not in found.problem


def test_a_helper_that_hangs_is_given_up_on_after_its_timeout_and_left_no_process(
    docker_config: Callable[[Any], Path], helper: Helper, tmp_path: Path
) -> None:
    helper("gokfake")  # puts the helpers' directory on PATH
    pid_file = tmp_path / "sleeper.pid"
    # a shell script whose child sleeps: the whole session is killed, not the shell alone
    raw_helper(tmp_path, "gokhang", f"sleep 300 & echo $! > '{pid_file}'; wait")
    docker_config({"credHelpers": {"reg.example": "gokhang"}})
    found = registry_credentials("reg.example", helper_timeout=0.5)
    assert found.auth == {}
    assert found.problem == "credential helper docker-credential-gokhang failed: no answer in 0.5 s"
    # the next ask (the same build's push) does not wait for it again
    again = registry_credentials("reg.example", helper_timeout=0.5)
    assert again.auth == {} and again.problem is not None
    assert again.problem.startswith(
        "credential helper docker-credential-gokhang failed: "
        "it gave no answer a moment ago; asked again in "
    )
    if not pid_file.exists():  # a loaded machine: killed before it started its child
        return
    sleeper = int(pid_file.read_text())
    deadline = time.monotonic() + 30
    while Path(f"/proc/{sleeper}").exists() and b"Z" not in stat_state(sleeper):
        assert time.monotonic() < deadline, f"the helper's child {sleeper} still runs"
        time.sleep(0.05)


def stat_state(pid: int) -> bytes:
    """The state letter of /proc/PID/stat (b"Z" for a zombie), b"" once it is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_bytes().rsplit(b")", 1)[1].split()[0]
    except (OSError, IndexError):
        return b""


@pytest.mark.parametrize(
    ("answer", "why"),
    [
        ("user=gok password=hunter2-secret", "its answer is not JSON"),
        (
            '{"user": "gok", "password": "hunter2-secret"}',
            'its answer is not credentials (a JSON object with "Username" and "Secret")',
        ),
        ('["gok", "hunter2-secret"]', "its answer is not credentials"),
    ],
)
def test_a_helper_that_prints_junk_is_named_and_its_answer_never_quoted(
    docker_config: Callable[[Any], Path],
    helper: Helper,
    tmp_path: Path,
    capfd: pytest.CaptureFixture[str],
    answer: str,
    why: str,
) -> None:
    helper("gokfake")
    raw_helper(tmp_path, "gokjunk", f"printf '%s\\n' '{answer}'")
    docker_config({"credHelpers": {"reg.example": "gokjunk"}})
    found = registry_credentials("reg.example")
    assert found.auth == {}
    assert found.problem is not None
    assert found.problem.startswith(f"credential helper docker-credential-gokjunk failed: {why}")
    assert "hunter2" not in found.problem
    assert "hunter2" not in "".join(capfd.readouterr())


def test_a_helper_that_exits_non_zero_with_a_message_is_named_with_it(
    docker_config: Callable[[Any], Path], helper: Helper, tmp_path: Path
) -> None:
    helper("gokfake")
    raw_helper(tmp_path, "gokfail", "echo 'error: not logged in to gcloud' >&2; exit 1")
    docker_config({"credHelpers": {"reg.example": "gokfail"}})
    assert registry_credentials("reg.example").problem == (
        "credential helper docker-credential-gokfail failed: "
        "exit status 1: error: not logged in to gcloud"
    )


def test_registry_digest_asks_for_the_tag_with_the_helpers_token(
    docker_config: Callable[[Any], Path], helper: Helper, token_registry: str
) -> None:
    helper("gokfake", {token_registry: ("<token>", "eyJ.refresh.token")})
    docker_config({"credHelpers": {token_registry: "gokfake"}})
    backend = DockerBackend("unix:///nonexistent.sock", timeout=5)
    assert backend.registry_digest(f"{token_registry}/team/app:v1") == "sha256:" + "ab" * 32
    assert TokenRegistry.token_requests[-1]["refresh_token"] == ["eyJ.refresh.token"]
    assert backend.registry_digest(f"{token_registry}/team/app:v2") is None
    with pytest.raises(DockerError) as refused:
        backend.registry_digest(f"{token_registry}/team/locked:v1")
    assert refused.value.message == (
        f"registry {token_registry} denied access (docker login {token_registry})"
    )


def test_registry_digest_of_a_registry_that_is_down_says_so() -> None:
    port = free_port()
    backend = DockerBackend("unix:///nonexistent.sock", timeout=5)
    with pytest.raises(DockerError) as down:
        backend.registry_digest(f"127.0.0.1:{port}/team/app:v1")
    assert down.value.message == f"registry 127.0.0.1:{port} is unreachable: connection refused"


@pytest.mark.parametrize(
    ("registry", "repository", "url"),
    [
        ("docker.io", "nginx", "https://registry-1.docker.io/v2/library/nginx"),
        ("docker.io", "team/app", "https://registry-1.docker.io/v2/team/app"),
        ("index.docker.io", "team/app", "https://registry-1.docker.io/v2/team/app"),
        ("127.0.0.1:5000", "app", "http://127.0.0.1:5000/v2/app"),
        ("localhost:5000", "team/app", "http://localhost:5000/v2/team/app"),
        ("ghcr.io", "team/app", "https://ghcr.io/v2/team/app"),
    ],
)
def test_the_registry_api_is_asked_where_the_engine_would_ask_it(
    registry: str, repository: str, url: str
) -> None:
    assert f"{registry_base_url(registry)}/v2/{api_repository(registry, repository)}" == url


def test_with_a_creds_store_a_build_sends_the_stores_credentials_not_the_files(
    docker_config: Callable[[Any], Path], helper: Helper, tmp_path: Path
) -> None:
    helper("gokfake")
    answer = json.dumps({"ServerURL": "reg.example", "Username": "bob", "Secret": "kept"})
    raw_helper(
        tmp_path,
        "gokstore",
        f"""[ "$1" = list ] && {{ echo '{{"reg.example": "bob"}}'; exit 0; }}\n"""
        f"[ \"$server\" = reg.example ] && {{ echo '{answer}'; exit 0; }}\n"
        "echo 'credentials not found in native keychain'; exit 1",
    )
    docker_config(
        {"credsStore": "gokstore", "auths": {"old.example": {"auth": basic("stale", "pw")}}}
    )
    config = load_auth_config()
    assert config.get_all_credentials() == {
        "reg.example": {"ServerAddress": "reg.example", "Username": "bob", "Password": "kept"}
    }
    assert config.problem is None
