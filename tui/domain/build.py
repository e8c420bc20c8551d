"""Build and push progress: events parsed from the Docker engine's JSON streams, and summaries.

Pure code: the chunks are the dicts that ``docker.APIClient.build(decode=True)`` and
``APIClient.push(stream=True, decode=True)`` yield. The low-level API drives the legacy builder
(no BuildKit), whose stream is ``{"stream": text}`` pieces (a ``Step N/M : ...`` line arrives
without its newline, which follows in the next piece), ``{"aux": {"ID": ...}}`` after each stage,
and ``{"error": ..., "errorDetail": {...}}`` on failure. Push streams are ``{"status", "id",
"progressDetail"}`` per layer, then a digest line and ``{"aux": {"Tag", "Digest", "Size"}}``.

Parsers are fed one chunk at a time and return the events that chunk completes; ``finish()``
returns what the end of the stream means (success, or a failure if the stream just stopped).
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from .text import escape_unprintable, strip_sequences

ERROR_LINES_KEPT = 20

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_STEP = re.compile(r"^Step (\d+)/(\d+) : (.*)$")
_LAYER = re.compile(r"^ --->(?: ([0-9a-f]{12,64}))?$")
_RUNNING = re.compile(r"^ ---> Running in ([0-9a-f]+)$")
_REMOVING = re.compile(r"^Removing intermediate container [0-9a-f]+$")
_BUILT = re.compile(r"^Successfully built ([0-9a-f]+)$")
_TAGGED = re.compile(r"^Successfully tagged (\S+)$")
_IMAGE_ID = re.compile(r"^sha256:[0-9a-f]{64}$")
_PUSH_REFERS = re.compile(r"^The push refers to repository \[(.+)\]$")
_PUSH_DIGEST = re.compile(r"^(\S+): digest: (sha256:[0-9a-f]{64}) size: (\d+)$")
_ENDPOINT = re.compile(r"""(?:https?://)?([^/\s"]+)/v2/""")
_DIAL = re.compile(r"dial tcp ([^\s:]+:\d+|\[[^\]]+\]:\d+): (?:connect: )?(.+)$")
_LOOKUP = re.compile(r"lookup ([^\s]+)(?: on [^\s]+)?: (.+)$")


def clean_text(text: str) -> str:
    """Drop ANSI escapes and control characters (tabs and newlines survive); invisible format
    characters (bidi overrides, line separators) are shown as escapes."""
    text = _CONTROL.sub("", strip_sequences(text))
    return text if text.isprintable() else escape_unprintable(text, keep="\t\n")


def _clean_line(line: str) -> str:
    """One display line: carriage-return redraws keep only what the terminal would show last."""
    if "\r" in line:
        parts = [part for part in line.split("\r") if part.strip()]
        line = parts[-1] if parts else ""
    return clean_text(line).rstrip()


# --- build events ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StepStarted:
    index: int
    total: int
    instruction: str


@dataclass(frozen=True, slots=True)
class StepCached:
    index: int


@dataclass(frozen=True, slots=True)
class StepOutput:
    index: int
    text: str


@dataclass(frozen=True, slots=True)
class StepDone:
    index: int
    layer_id: str | None  # None for steps that make no image (``FROM scratch``)


@dataclass(frozen=True, slots=True)
class BuildNote:
    """A line outside any step, such as ``[Warning] One or more build-args were not consumed``."""

    text: str


@dataclass(frozen=True, slots=True)
class BuildFailed:
    step_index: int | None
    instruction: str | None
    message: str
    error_lines: tuple[str, ...] = ()  # the failing step's last output lines
    exit_code: int | None = None


@dataclass(frozen=True, slots=True)
class BuildCancelled:
    step_index: int | None


@dataclass(frozen=True, slots=True)
class BuildSucceeded:
    image_id: str  # "sha256:<64 hex>" when the engine said it, else the short id
    tags: tuple[str, ...] = ()


BuildEvent = (
    StepStarted
    | StepCached
    | StepOutput
    | StepDone
    | BuildNote
    | BuildFailed
    | BuildCancelled
    | BuildSucceeded
)


class BuildStreamParser:
    """Turns decoded build chunks into events; ``finish()`` at the end of the stream."""

    def __init__(self, keep_error_lines: int = ERROR_LINES_KEPT) -> None:
        self._pending = ""
        self._step: StepStarted | None = None
        self._step_open = False
        self._recent: deque[str] = deque(maxlen=keep_error_lines)
        self._last_aux_id: str | None = None
        self._built: str | None = None
        self._tags: list[str] = []
        self._container: str | None = None
        self._done = False

    @property
    def current_step(self) -> StepStarted | None:
        return self._step

    @property
    def running_container(self) -> str | None:
        """The id of the container the current RUN step runs in, while it runs."""
        return self._container if self._step_open else None

    def feed(self, chunk: Mapping[str, Any]) -> list[BuildEvent]:
        if self._done:
            return []
        events: list[BuildEvent] = []
        text = chunk.get("stream")
        if isinstance(text, str):
            events.extend(self._feed_text(text))
        aux = chunk.get("aux")
        if isinstance(aux, Mapping) and isinstance(aux.get("ID"), str):
            self._last_aux_id = aux["ID"]
        status = chunk.get("status")
        if isinstance(status, str) and status:
            events.extend(self._status_line(chunk, status))
        if "error" in chunk or "errorDetail" in chunk:
            events.extend(self._flush())
            events.append(self._failure(chunk))
            self._done = True
        return events

    def finish(self) -> list[BuildEvent]:
        """What the end of the stream means: the result, or a failure if none was given."""
        if self._done:
            return []
        events = self._flush()
        self._done = True
        image_id = self._image_id()
        if image_id is None:
            message = "the build stream ended without a result (the engine closed the connection)"
            events.append(self._failed(message))
        else:
            events.append(BuildSucceeded(image_id=image_id, tags=tuple(self._tags)))
        return events

    def cancelled(self) -> BuildCancelled:
        self._done = True
        return BuildCancelled(step_index=self._step.index if self._step else None)

    def _feed_text(self, text: str) -> list[BuildEvent]:
        self._pending += text
        *lines, self._pending = self._pending.split("\n")
        events: list[BuildEvent] = []
        for line in lines:
            events.extend(self._line(line))
        return events

    def _flush(self) -> list[BuildEvent]:
        pending, self._pending = self._pending, ""
        return self._line(pending) if pending else []

    def _line(self, raw: str) -> list[BuildEvent]:
        line = _clean_line(raw)
        if not line.strip():
            return []
        if match := _STEP.match(line):
            return [self._start_step(int(match[1]), int(match[2]), match[3].strip())]
        if self._step is not None and self._step_open:
            step = self._step.index
            if line == " ---> Using cache":
                return [StepCached(step)]
            if match := _RUNNING.match(line):
                self._container = match[1]
                return []
            if match := _LAYER.match(line):
                self._step_open = False
                return [StepDone(step, match[1])]
        if _REMOVING.match(line):
            return []
        if match := _BUILT.match(line):
            self._built = match[1]
            return []
        if match := _TAGGED.match(line):
            self._tags.append(match[1])
            return []
        if _IMAGE_ID.match(line):  # quiet builds print only the image id
            self._last_aux_id = line
            self._built = line
            return []
        return [self._output(line)]

    def _start_step(self, index: int, total: int, instruction: str) -> StepStarted:
        self._step = StepStarted(index, total, instruction)
        self._step_open = True
        self._container = None
        self._recent.clear()
        return self._step

    def _output(self, line: str) -> BuildEvent:
        if self._step is not None and self._step_open:
            self._recent.append(line)
            return StepOutput(self._step.index, line)
        return BuildNote(line.strip())

    def _status_line(self, chunk: Mapping[str, Any], status: str) -> list[BuildEvent]:
        """Pull progress while a ``FROM`` fetches its base image: keep the lines without counts."""
        if (chunk.get("progressDetail") or {}).get("total"):
            return []
        layer = chunk.get("id")
        return [self._output(f"{layer}: {status}" if layer else status)]

    def _failure(self, chunk: Mapping[str, Any]) -> BuildFailed:
        detail = chunk.get("errorDetail") or {}
        message = detail.get("message") or chunk.get("error") or "the build failed"
        code = detail.get("code")
        return self._failed(
            clean_text(str(message)).strip(), code if isinstance(code, int) else None
        )

    def _failed(self, message: str, code: int | None = None) -> BuildFailed:
        step = self._step
        return BuildFailed(
            step_index=step.index if step else None,
            instruction=step.instruction if step else None,
            message=message,
            error_lines=tuple(self._recent) if self._step_open else (),
            exit_code=code,
        )

    def _image_id(self) -> str | None:
        aux = self._last_aux_id
        if self._built is None:
            return None
        if aux and aux.removeprefix("sha256:").startswith(self._built.removeprefix("sha256:")):
            return aux
        return self._built


def parse_build_stream(chunks: Iterable[Mapping[str, Any]]) -> list[BuildEvent]:
    """All events of a whole recorded stream, ``finish()`` included."""
    parser = BuildStreamParser()
    events: list[BuildEvent] = []
    for chunk in chunks:
        events.extend(parser.feed(chunk))
    events.extend(parser.finish())
    return events


# --- build summary ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BuildProgress:
    """What a build view shows: a reducer over build events (``progress.apply(event)``)."""

    total_steps: int = 0
    current_step: int | None = None
    current_instruction: str | None = None
    steps_done: int = 0
    cached: int = 0
    output_lines: int = 0
    last_output: str | None = None
    notes: tuple[str, ...] = ()
    image_id: str | None = None
    tags: tuple[str, ...] = ()
    failure: BuildFailed | None = None
    cancelled: bool = False
    cached_steps: frozenset[int] = field(default_factory=frozenset)

    @property
    def finished(self) -> bool:
        return self.image_id is not None or self.failure is not None or self.cancelled

    @property
    def succeeded(self) -> bool:
        return self.image_id is not None

    @property
    def fraction(self) -> float:
        if self.succeeded:
            return 1.0
        return self.steps_done / self.total_steps if self.total_steps else 0.0

    def apply(self, event: BuildEvent) -> BuildProgress:
        match event:
            case StepStarted(index, total, instruction):
                return replace(
                    self, total_steps=total, current_step=index, current_instruction=instruction
                )
            case StepCached(index):
                return replace(
                    self, cached=self.cached + 1, cached_steps=self.cached_steps | {index}
                )
            case StepOutput(_, text):
                return replace(self, output_lines=self.output_lines + 1, last_output=text)
            case StepDone():
                return replace(self, steps_done=self.steps_done + 1)
            case BuildNote(text):
                return replace(self, notes=(*self.notes, text))
            case BuildFailed():
                return replace(self, failure=event)
            case BuildCancelled():
                return replace(self, cancelled=True)
            case BuildSucceeded(image_id, tags):
                return replace(self, image_id=image_id, tags=tags, current_step=None)
        return self


def summarize_build(events: Iterable[BuildEvent]) -> BuildProgress:
    progress = BuildProgress()
    for event in events:
        progress = progress.apply(event)
    return progress


_HINTS: tuple[tuple[str, str], ...] = (
    (
        "stat /bin/sh: no such file",
        'the image has no /bin/sh: use the exec form, RUN ["/path/to/program", "arg"]',
    ),
    (
        "file not found in build context",
        "the source path is not in the build context (or .dockerignore excludes it)",
    ),
    ("no such host", "the base image could not be pulled: is the registry reachable?"),
    ("unknown instruction", "check the Dockerfile's spelling at that line"),
)


def describe_failure(failure: BuildFailed, max_lines: int = 10) -> str:
    """A few lines for a person: which step, why, its last output and, when known, a hint."""
    if failure.step_index is None:
        head = "The build failed before any step ran"
    else:
        head = f"The build failed at step {failure.step_index}"
        if failure.instruction:
            head += f": {failure.instruction}"
    lines = [head, failure.message]
    if failure.exit_code is not None and str(failure.exit_code) not in failure.message:
        lines[-1] += f" (exit code {failure.exit_code})"
    shown = failure.error_lines[-max_lines:] if max_lines > 0 else ()
    if shown:
        lines.append("Last output:")
        lines.extend(f"  {line}" for line in shown)
    hint = next((text for key, text in _HINTS if key in failure.message), None)
    if hint:
        lines.append(f"Hint: {hint}")
    return "\n".join(lines)


# --- push events -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PushStarted:
    repository: str


@dataclass(frozen=True, slots=True)
class PushLayer:
    """One layer's state: Preparing, Waiting, Pushing, Pushed, Layer already exists, Mounted from
    <repo>, Retrying in N seconds. ``current``/``total`` are bytes while Pushing, else None."""

    layer_id: str
    status: str
    current: int | None = None
    total: int | None = None


@dataclass(frozen=True, slots=True)
class PushFailed:
    message: str


@dataclass(frozen=True, slots=True)
class PushSucceeded:
    tag: str
    digest: str
    size: int


PushEvent = PushStarted | PushLayer | PushFailed | PushSucceeded


class PushStreamParser:
    """Turns decoded push chunks into events; ``finish()`` at the end of the stream."""

    def __init__(self, registry: str | None = None) -> None:
        self._registry = registry
        self._digest_line: PushSucceeded | None = None
        self._done = False

    def feed(self, chunk: Mapping[str, Any]) -> list[PushEvent]:
        if self._done:
            return []
        if "error" in chunk or "errorDetail" in chunk:
            self._done = True
            detail = chunk.get("errorDetail") or {}
            message = str(detail.get("message") or chunk.get("error") or "the push failed")
            return [PushFailed(humanize_push_error(message, self._registry))]
        aux = chunk.get("aux")
        if isinstance(aux, Mapping) and "Digest" in aux:
            self._done = True
            return [_succeeded(aux)]
        status = chunk.get("status")
        if not isinstance(status, str):
            return []
        layer = chunk.get("id")
        if layer:
            return [_layer(str(layer), status, chunk.get("progressDetail") or {})]
        return self._status(clean_text(status).strip())

    def finish(self) -> list[PushEvent]:
        if self._done:
            return []
        self._done = True
        if self._digest_line is not None:
            return [self._digest_line]
        return [PushFailed("the push stream ended without a digest (the engine closed it)")]

    def _status(self, status: str) -> list[PushEvent]:
        if match := _PUSH_REFERS.match(status):
            if self._registry is None:
                self._registry = registry_of(match[1])
            return [PushStarted(match[1])]
        if match := _PUSH_DIGEST.match(status):
            self._digest_line = PushSucceeded(match[1], match[2], int(match[3]))
        return []


def _layer(layer_id: str, status: str, progress: Mapping[str, Any]) -> PushLayer:
    current, total = progress.get("current"), progress.get("total")
    return PushLayer(
        layer_id=layer_id,
        status=clean_text(status).strip(),
        current=current if isinstance(current, int) else None,
        total=total if isinstance(total, int) else None,
    )


def _succeeded(aux: Mapping[str, Any]) -> PushSucceeded:
    size = aux.get("Size")
    return PushSucceeded(
        tag=str(aux.get("Tag", "")),
        digest=str(aux["Digest"]),
        size=size if isinstance(size, int) else 0,
    )


def parse_push_stream(chunks: Iterable[Mapping[str, Any]]) -> list[PushEvent]:
    parser = PushStreamParser()
    events: list[PushEvent] = []
    for chunk in chunks:
        events.extend(parser.feed(chunk))
    events.extend(parser.finish())
    return events


def registry_of(repository: str) -> str:
    """The registry host of an image repository ("docker.io" when it names none)."""
    first, sep, _ = repository.partition("/")
    if sep and ("." in first or ":" in first or first == "localhost"):
        return first
    return "docker.io"


def humanize_push_error(message: str, registry: str | None = None) -> str:
    """One sentence for the usual push failures; the engine's own text otherwise."""
    message = clean_text(message).strip()
    endpoint = _ENDPOINT.search(message)
    host = endpoint[1] if endpoint else registry or "the registry"
    if match := _DIAL.search(message):
        reason = match[2].strip()
        return f"registry {match[1]} is unreachable: {reason}"
    if match := _LOOKUP.search(message):
        return f"registry {host} is unreachable: cannot resolve {match[1]} ({match[2].strip()})"
    if "server gave HTTP response to HTTPS client" in message:
        return (
            f"registry {host} speaks plain HTTP but the engine expects HTTPS: "
            "add it to the engine's insecure-registries"
        )
    if "An image does not exist locally with the tag" in message:
        ref = message.split("with the tag", 1)[1].lstrip(": ").strip()
        return f"no local image is tagged {ref}: build or tag it first"
    lowered = message.lower()
    if "unauthorized" in lowered or "authentication required" in lowered:
        return f"registry {host} refused the push: authentication required (docker login {host})"
    if "denied" in lowered or "403 forbidden" in lowered:  # logged in, not allowed to push there
        login = f"docker login {host} as a user who may push there"
        return f"registry {host} denied the push: {message} ({login})"
    return message
