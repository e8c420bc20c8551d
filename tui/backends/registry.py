"""A registry's HTTP API v2: the tags of a repository, with the credentials the Docker CLI
would use (Basic, or a bearer token from the registry's token service). Plain HTTP for loopback
registries, HTTPS otherwise; every request has a timeout."""

from __future__ import annotations

import base64
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from typing import Any

from gok_tui.backends.docker_credentials import (
    RegistryCredentials,
    registry_credentials,
    with_problem,
)
from gok_tui.backends.docker_errors import DockerError

REGISTRY_PAGE_LIMIT = 50  # pages of /tags/list followed at most


def registry_tags(registry: str, repository: str, timeout: float) -> list[str]:
    """Tags of ``registry/repository`` (sorted); an unknown repository has none."""
    url = f"{registry_base_url(registry)}/v2/{repository}/tags/list?n=1000"
    credentials = registry_credentials(registry)
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


def _registry_get(
    registry: str, url: str, credentials: RegistryCredentials, timeout: float
) -> tuple[dict[str, Any] | None, str | None]:
    """GET a registry JSON document: (None, None) on 404; the next page's link if any."""
    try:
        return _registry_request(url, credentials.auth, timeout)
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            return None, None
        if exc.code == 401:
            message = f"registry {registry} requires authentication (docker login {registry})"
            raise DockerError(with_problem(message, credentials.problem)) from exc
        raise DockerError(f"registry {registry} answered HTTP {exc.code} for {url}") from exc
    except (urllib.error.URLError, OSError) as exc:
        raise DockerError(f"registry {registry} is unreachable: {url_reason(exc)}") from exc


def registry_base_url(registry: str) -> str:
    host = registry.rsplit(":", 1)[0] if not registry.endswith("]") else registry
    host = host.strip("[]")
    plain = host == "localhost" or host.startswith("127.") or host == "::1"
    return f"{'http' if plain else 'https'}://{registry}"


def _registry_request(
    url: str, credentials: Mapping[str, str], timeout: float
) -> tuple[dict[str, Any], str | None]:
    headers = {"Accept": "application/json"}
    basic = _basic_header(credentials)
    try:
        return _get_json(url, headers, timeout)
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
    return _get_json(url, headers, timeout)


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
