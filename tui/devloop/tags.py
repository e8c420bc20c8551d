"""Image tags by policy: git (short sha, "-dirty-<hash>" on a dirty tree), content, semver."""

from __future__ import annotations

import hashlib
import re
import subprocess
from collections.abc import Mapping
from pathlib import Path

from gok_tui.devloop.ignore import IgnoreRules

SEMVER = re.compile(r"^v?(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)$")


class TagError(Exception):
    """The tag policy cannot produce a tag here, said in one sentence."""


def content_hash(rules: IgnoreRules, length: int = 12, build_inputs: bytes = b"") -> str:
    """What the engine is sent, hashed; ``build_inputs`` (the Dockerfile, target and build
    args) too, as an image built from the same files by another Dockerfile differs."""
    digest = hashlib.sha256(build_inputs)
    for path in rules.context_files():
        digest.update(path.relative_to(rules.context).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:length]


def _git(root: Path, *args: str) -> str:
    try:
        done = subprocess.run(
            ["git", *args], cwd=root, capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise TagError(f"git could not run: {exc}") from None
    if done.returncode != 0:
        reason = (done.stderr.strip().splitlines() or ["failed"])[-1]
        raise TagError(f"git {' '.join(args)}: {reason}")
    return done.stdout.strip()


def git_tag(root: Path, rules: IgnoreRules) -> str:
    sha = _git(root, "rev-parse", "--short=12", "HEAD")
    dirty = _git(root, "status", "--porcelain", "--untracked-files=normal", "--", ".")
    return f"{sha}-dirty-{content_hash(rules, 8)}" if dirty else sha


def semver_tag(root: Path, semver_file: str | None) -> str:
    if semver_file:
        path = root / semver_file
        try:
            text = path.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise TagError(f"semver_file {semver_file}: {exc.strerror or exc}") from None
        source = semver_file
    else:
        text = _git(root, "describe", "--tags", "--abbrev=0")
        source = "the latest git tag"
    match = SEMVER.match(text)
    if not match:
        raise TagError(f"{source} holds {text[:40]!r}, which is not a semantic version")
    return match.group(1).replace("+", "_")  # '+' is not allowed in a Docker tag


def image_tag(
    policy: str,
    root: Path,
    rules: IgnoreRules,
    semver_file: str | None = None,
    build_inputs: bytes = b"",
) -> str:
    if policy == "content":
        return content_hash(rules, build_inputs=build_inputs)
    if policy == "semver":
        return semver_tag(root, semver_file)
    return git_tag(root, rules)


def build_inputs(dockerfile: Path, target: str | None, build_args: Mapping[str, str]) -> bytes:
    """What else decides the image besides the context's files: the Dockerfile (which may be
    outside the context, or in .dockerignore), the target stage and the build args. An
    unreadable Dockerfile adds nothing: the build then fails and says so."""
    try:
        text = dockerfile.read_bytes()
    except OSError:
        text = b""
    args = "\0".join(f"{key}={value}" for key, value in sorted(build_args.items()))
    return b"\0".join((text, (target or "").encode(), args.encode()))
