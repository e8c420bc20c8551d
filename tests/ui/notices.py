"""Reading the toasts a person sees, whole: a long message wraps inside its toast, which
breaks substring checks on the screen's text."""

from __future__ import annotations

from gok_tui.app import GokApp


def toast_texts(app: GokApp) -> list[str]:
    return [str(toast.render()) for toast in app.screen.query("Toast")]


def read_only_refusal(what: str) -> str:
    return f"read-only (started with --readonly): {what} is disabled"
