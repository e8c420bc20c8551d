"""A registry's HTTP API v2: the tags of a repository, and whether it has a tag (the manifest's
digest), with the credentials the Docker CLI would use (Basic, or a bearer token from the
registry's token service). Plain HTTP for loopback registries, HTTPS otherwise (Docker Hub's API
is registry-1.docker.io); every request has a timeout. A failure is a ``DockerError`` whose one
line names the registry; no credential is ever part of it."""

from __future__ import annotations

import base64
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from gok_tui.backends.docker_credentials import (
    DOCKER_HUB,
    HELPER_TIMEOUT,
    RegistryCredentials,
    registry_credentials,
    registry_host,
    with_problem,
)
from gok_tui.backends.docker_errors import DockerError

REGISTRY_PAGE_LIMIT = 50  # pages of /tags/list followed at most
DOCKER_HUB_API = "https://registry-1.docker.io"
# what `docker push` may have stored under a tag: single images and multi-platform indexes
MANIFEST_TYPES = ", ".join(
    (
        "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.oci.image.index.v1+json",
        "application/vnd.docker.distribution.manifest.v2+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
    )
)
T = TypeVar("T")


def registry_tags(
    registry: str, repository: str, timeout: float, helper_timeout: float = HELPER_TIMEOUT
) -> list[str]:
    """Tags of ``registry/repository`` (sorted); an unknown repository has none."""
    url = (
        f"{registry_base_url(registry)}/v2/{api_repository(registry, repository)}/tags/list?n=1000"
    )
    credentials = registry_credentials(registry, helper_timeout)
    tags: list[str] = []
    for _ in range(REGISTRY_PAGE_LIMIT):
        body, link = _registry_get(registry, url, credentials, timeout)
        if body is None:
            return []
        tags.extend(str(tag) for tag in body.get("tags") or ())
        if not link:
            break
        url = urllib.parse.urljoin(url, link)
    return sorted(set(tags))


def registry_manifest_digest(
    registry: str,
    repository: str,
    reference: str,
    timeout: float,
    helper_timeout: float = HELPER_TIMEOUT,
) -> str | None:
    """Whether ``registry/repository`` has ``reference`` (a tag), asked with
    ``HEAD /v2/<repository>/manifests/<reference>``: its digest ("sha256:...", or "" when the
    registry does not say it), or None when the registry has no such manifest. ``DockerError``
    when the registry cannot be asked (down, refusing the credentials, an error status)."""
    name = api_repository(registry, repository)
    url = f"{registry_base_url(registry)}/v2/{name}/manifests/{urllib.parse.quote(reference)}"
    credentials = registry_credentials(registry, helper_timeout)

    def head(headers: Mapping[str, str]) -> str:
        request = urllib.request.Request(url, headers=dict(headers), method="HEAD")
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return str(response.headers.get("Docker-Content-Digest") or "")

    try:
        return _with_credentials(registry, url, credentials, timeout, MANIFEST_TYPES, head)
    except _Missing:
        return None


class _Missing(Exception):
    """The registry answered 404."""


def _registry_get(
    registry: str, url: str, credentials: RegistryCredentials, timeout: float
) -> tuple[dict[str, Any] | None, str | None]:
    """GET a registry JSON document: (None, None) on 404; the next page's link if any."""

    def get(headers: Mapping[str, str]) -> tuple[dict[str, Any], str | None]:
        return _get_json(url, headers, timeout)

    try:
        return _with_credentials(registry, url, credentials, timeout, "application/json", get)
    except _Missing:
        return None, None


def _with_credentials(
    registry: str,
    url: str,
    credentials: RegistryCredentials,
    timeout: float,
    accept: str,
    call: Callable[[Mapping[str, str]], T],
) -> T:
    """``call(headers)`` for ``url``, then again with credentials if the registry asks for
    them; its failures as one ``DockerError`` line (``_Missing`` on 404)."""
    try:
        return _authorized(call, {"Accept": accept}, credentials.auth, timeout)
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            raise _Missing from exc
        if exc.code in (401, 403):
            refused = "requires authentication" if exc.code == 401 else "denied access"
            message = f"registry {registry} {refused} (docker login {registry})"
            raise DockerError(with_problem(message, credentials.problem)) from exc
        raise DockerError(f"registry {registry} answered HTTP {exc.code} for {url}") from exc
    except (urllib.error.URLError, OSError) as exc:
        raise DockerError(f"registry {registry} is unreachable: {url_reason(exc)}") from exc
    except ValueError as exc:  # a proxy's HTML page, a token service's junk: not quoted
        raise DockerError(f"registry {registry} gave an answer that is not JSON ({url})") from exc


def api_repository(registry: str, repository: str) -> str:
    """The repository's name in the registry's API: Docker Hub's official images live under
    "library/" ("nginx" is "library/nginx")."""
    if registry_host(registry) == DOCKER_HUB and "/" not in repository:
        return f"library/{repository}"
    return repository


def registry_base_url(registry: str) -> str:
    if registry_host(registry) == DOCKER_HUB:
        return DOCKER_HUB_API
    host = registry.rsplit(":", 1)[0] if not registry.endswith("]") else registry
    host = host.strip("[]")
    plain = host == "localhost" or host.startswith("127.") or host == "::1"
    return f"{'http' if plain else 'https'}://{registry}"


def _authorized(
    call: Callable[[Mapping[str, str]], T],
    headers: dict[str, str],
    credentials: Mapping[str, str],
    timeout: float,
) -> T:
    """``call(headers)``; on a 401, again with what the registry's challenge asks for: a bearer
    token from its token service, or HTTP Basic."""
    basic = _basic_header(credentials)
    try:
        return call(headers)
    except urllib.error.HTTPError as exc:
        if exc.code != 401:
            raise
        challenge = exc.headers.get("WWW-Authenticate", "")
        if challenge.lower().startswith("bearer "):
            token = _bearer_token(challenge, credentials, timeout)
            headers["Authorization"] = f"Bearer {token}"
        elif basic:
            headers["Authorization"] = basic
        else:
            raise
    return call(headers)


def _get_json(
    url: str, headers: Mapping[str, str], timeout: float, form: Mapping[str, str] | None = None
) -> tuple[dict[str, Any], str | None]:
    """GET ``url``, or POST ``form`` to it, and decode the JSON answer."""
    data = urllib.parse.urlencode(form).encode("ascii") if form is not None else None
    request = urllib.request.Request(url, data=data, headers=dict(headers))
    with urllib.request.urlopen(request, timeout=timeout) as response:
        body = json.loads(response.read().decode("utf-8") or "{}")
        return body, _next_link(response.headers.get("Link", ""))


def _next_link(header: str) -> str | None:
    match = re.search(r'<([^>]+)>\s*;\s*rel="?next"?', header)
    return match[1] if match else None


def _basic_header(credentials: Mapping[str, str]) -> str | None:
    if not credentials.get("username"):
        return None
    pair = f"{credentials['username']}:{credentials.get('password', '')}".encode()
    return "Basic " + base64.b64encode(pair).decode("ascii")


def _bearer_token(challenge: str, credentials: Mapping[str, str], timeout: float) -> str:
    """A token from the registry's token service: an identity token (from ``docker login`` to
    an OAuth registry, or a helper answering user ``<token>``) is exchanged as an OAuth2
    refresh token, as the engine does; a username and password go as HTTP Basic."""
    params = dict(re.findall(r'(\w+)="([^"]*)"', challenge))
    realm = params.pop("realm", "")
    if not realm:
        raise DockerError(f"registry asked for a token without saying where: {challenge}")
    if credentials.get("identitytoken"):
        form = {
            **params,
            "grant_type": "refresh_token",
            "refresh_token": credentials["identitytoken"],
            "client_id": "gok-tui",
        }
        body, _ = _get_json(realm, {"Accept": "application/json"}, timeout, form)
    else:
        basic = _basic_header(credentials)
        url = f"{realm}?{urllib.parse.urlencode(params)}"
        body, _ = _get_json(url, {"Authorization": basic} if basic else {}, timeout)
    token = body.get("token") or body.get("access_token")
    if not token:
        raise DockerError(f"registry token service {realm} gave no token")
    return str(token)


def url_reason(exc: BaseException) -> str:
    reason = getattr(exc, "reason", exc)
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    if isinstance(reason, TimeoutError):
        return "timed out"
    return str(getattr(reason, "strerror", None) or reason)
