"""``[[forward]]`` in ``gok.toml``: port-forwards started with the dev loop (Tilt's
port_forwards), each following its Deployment or Service through every rollout.

```toml
[[forward]]
local_port = 8080
remote_port = "http"          # a container port's number or name (a Service's port for a service)
target = "deployment/hello"   # or "service/NAME"; default: [deploy].deployment
namespace = "default"         # default: [deploy].namespace, else the context's
address = "127.0.0.1"         # default; "0.0.0.0" offers it to the network
```
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from gok_tui.config.errors import ConfigError, shown

if TYPE_CHECKING:
    from gok_tui.config.project import ForwardSpec

FORWARD_KEYS = frozenset({"local_port", "remote_port", "target", "namespace", "address", "service"})
TARGET_KINDS = {
    "deployment": "deployment",
    "deploy": "deployment",
    "service": "service",
    "svc": "service",
}


def parse_forwards(value: Any, source: str | None) -> tuple[ForwardSpec, ...]:
    """The ``[[forward]]`` array of tables as ForwardSpecs (an empty tuple without one)."""
    from gok_tui.config.project import ForwardSpec  # project.py imports this module

    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(entry, dict) for entry in value):
        raise ConfigError(source, "forward", "must be an array of tables: [[forward]]")
    specs: list[ForwardSpec] = []
    taken: dict[tuple[str, int], int] = {}
    for index, entry in enumerate(value):
        where = f"forward[{index}]."
        for key in entry:
            if key not in FORWARD_KEYS:
                raise ConfigError(
                    source,
                    where + (key or '""'),
                    f"unknown key (known: {', '.join(sorted(FORWARD_KEYS))})",
                )
        local_port = _port(entry, "local_port", source, where)
        if local_port is None:
            raise ConfigError(source, where + "local_port", "is required, e.g. 8080")
        if local_port < 1024:
            raise ConfigError(
                source, where + "local_port", f"{local_port} needs root to bind: use 1024 or more"
            )
        remote = entry.get("remote_port")
        if isinstance(remote, str) and remote.strip() and not remote.strip().isdigit():
            remote_port: int | str = remote.strip()
        else:
            number = _port(entry, "remote_port", source, where)
            if number is None:
                raise ConfigError(
                    source, where + "remote_port", "is required: a port number or a port's name"
                )
            remote_port = number
        address = _text(entry, "address", source, where) or "127.0.0.1"
        if address != "localhost":
            try:
                ipaddress.ip_address(address)
            except ValueError:
                raise ConfigError(
                    source, where + "address", f"must be an IP address; got {shown(address)}"
                ) from None
        where_bound = (address, local_port)
        if where_bound in taken:
            raise ConfigError(
                source,
                where + "local_port",
                f"{local_port} is forward[{taken[where_bound]}]'s local port too",
            )
        taken[where_bound] = index
        specs.append(
            ForwardSpec(
                local_port=local_port,
                remote_port=remote_port,
                target=_target(entry, source, where),
                namespace=_text(entry, "namespace", source, where),
                address=address,
                service=_text(entry, "service", source, where),
            )
        )
    return tuple(specs)


def _port(entry: Mapping[str, Any], key: str, source: str | None, where: str) -> int | None:
    value = entry.get(key)
    if value is None:
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 65535:
        raise ConfigError(
            source, where + key, f"must be a port from 1 to 65535; got {shown(value)}"
        )
    return value


def _text(entry: Mapping[str, Any], key: str, source: str | None, where: str) -> str | None:
    value = entry.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(source, where + key, "must be a non-empty string")
    return value.strip()


def _target(entry: Mapping[str, Any], source: str | None, where: str) -> str | None:
    """``deployment/NAME`` or ``service/NAME`` (``deploy/``, ``svc/`` too), normalised."""
    value = _text(entry, "target", source, where)
    if value is None:
        return None
    kind, slash, name = value.partition("/")
    normal = TARGET_KINDS.get(kind.lower())
    if not slash or normal is None or not name or "/" in name:
        raise ConfigError(
            source,
            where + "target",
            f"must be deployment/NAME or service/NAME; got {shown(value)}",
        )
    return f"{normal}/{name}"
