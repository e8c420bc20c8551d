"""Configuration: user settings, keymap, kubeconfig resolution and the project file.

No textual imports here: this layer is read before any UI exists.
"""

from gok_tui.config.errors import ConfigError

__all__ = ["ConfigError"]
