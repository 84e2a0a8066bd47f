"""Moved to :mod:`support.serve` (bench/ uses it too); kept as a re-export for tools/screenshots.py."""

from support.serve import CHROMIUM_ARGS, PHONE_AGENT, ROOT, chromium_path, free_port, rss_mb, running_app

__all__ = ["CHROMIUM_ARGS", "PHONE_AGENT", "ROOT", "chromium_path", "free_port", "rss_mb", "running_app"]
