"""The one error of the Docker engine and registry backends."""

from __future__ import annotations


class DockerError(Exception):
    """A failed Docker engine or registry call, with a sentence fit for the screen."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
