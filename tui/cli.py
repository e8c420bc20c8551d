"""``gok-tui``: parse arguments, resolve config and kubeconfig, then start the UI."""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from gok_tui import __version__
from gok_tui.config import ConfigError

if TYPE_CHECKING:
    from gok_tui.config.kubeconfig import KubeTarget
    from gok_tui.session import Session
from gok_tui.config.errors import shown
from gok_tui.config.views import VIEWS, view_spec
from gok_tui.idle_gc import hold_collections_until_started

if TYPE_CHECKING:
    from gok_tui.session import Session

EXIT_CONFIG = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gok-tui",
        description="Keyboard-driven console to build, ship and steer services on Kubernetes.",
    )
    parser.add_argument(
        "--kubeconfig",
        metavar="PATH",
        help="kubeconfig file (default: $KUBECONFIG, ~/.kube/config)",
    )
    parser.add_argument("--context", metavar="NAME", help="kubeconfig context to use")
    scope = parser.add_mutually_exclusive_group()
    scope.add_argument("-n", "--namespace", metavar="NS", help="namespace (default: the context's)")
    scope.add_argument("-A", "--all-namespaces", action="store_true", help="all namespaces")
    parser.add_argument(
        "--readonly", action="store_true", help="refuse every change to the cluster"
    )
    parser.add_argument(
        "--project",
        metavar="DIR",
        help="project to build and watch (default: the current directory, watched only when "
        "it has a gok.toml)",
    )
    parser.add_argument(
        "--view",
        choices=list(VIEWS),
        default="deployments",
        help="view to open first",
    )
    parser.add_argument("--version", action="version", version=f"gok-tui {__version__}")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    hold_collections_until_started()  # the app's idle collector takes over once it has drawn
    try:
        args = build_parser().parse_args(argv)
        session = None
        try:
            session = build_session(args)
            # the start view's list is on its way while Textual loads (it is read-only)
            open_start_feed(session, args.view)
            check_theme(session.settings.theme, session.settings.source)
        except ConfigError as error:
            if session is not None:
                session.hub.stop_all()
            print(f"gok-tui: {error.line()}", file=sys.stderr)
            return EXIT_CONFIG
        from gok_tui.app import GokApp

        GokApp(session, start_view=args.view).run()
        return 0
    finally:
        gc.enable()  # whatever ended the run (the idle collector has enabled it once started)


def build_session(args: argparse.Namespace) -> Session:
    from gok_tui.config.kubeconfig import resolve_target
    from gok_tui.config.project import load_project
    from gok_tui.config.settings import load_settings
    from gok_tui.session import Session

    settings = load_settings()
    namespace = args.namespace or None
    target = resolve_target(
        kubeconfig=args.kubeconfig,
        context=args.context,
        namespace=namespace,
        all_namespaces=args.all_namespaces,
        environ=os.environ,
    )
    if (
        target is not None
        and namespace is None
        and settings.default_namespace
        and not args.all_namespaces
    ):
        context_ns = _context_namespace(target)
        if context_ns is None:
            target = target.with_namespace(settings.default_namespace)
    project = load_project(Path(args.project or "."))
    return Session(
        settings=settings,
        target=target,
        readonly_flag=args.readonly,
        project=project,
        watch_project=args.project is not None or project.source is not None,
        build_network=os.environ.get("GOK_BUILD_NETWORK") or None,
    )


def open_start_feed(session: Session, view: str) -> None:
    """The start view's list is asked for now, while the UI starts: the server works on it
    while Textual and the screens load, and it is there when the table mounts."""
    kind = view_spec(view).first_list
    if kind is None or session.backend is None:
        return
    from gok_tui.backends.kube import load_client
    from gok_tui.domain.kinds import KINDS
    from gok_tui.store.watch import FeedSpec

    # The client's modules are imported here, not in the feed's thread: imported there, they
    # hold the interpreter lock against the UI's own start in 5 ms slices, and both end later.
    load_client()
    session.hub.open_early(FeedSpec(KINDS[kind], session.namespace))


def check_theme(theme: str, source: str | None) -> None:
    """The settings cannot know Textual's themes (config/ stays free of it): asked here."""
    from textual.theme import BUILTIN_THEMES

    if theme not in BUILTIN_THEMES:
        known = ", ".join(sorted(BUILTIN_THEMES))
        raise ConfigError(source, "theme", f"unknown theme {shown(theme)} (known: {known})")


def _context_namespace(target: KubeTarget) -> str | None:
    for entry in target.merged.get("contexts", []):
        if entry.get("name") == target.context:
            return (entry.get("context") or {}).get("namespace") or None
    return None


if __name__ == "__main__":
    raise SystemExit(main())
