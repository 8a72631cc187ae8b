"""Identity resolution: blocking, comparisons, scoring, clustering and explanations, as separate modules.

`resolve_records` is the entry point; settings are data (`ResolutionSettings`), saved with every run.
"""

from cdp.resolve.engine import Link, Resolution, resolve_records
from cdp.resolve.settings import ACCOUNT_SETTINGS, CONTACT_SETTINGS, ResolutionSettings

__all__ = [
    "ACCOUNT_SETTINGS",
    "CONTACT_SETTINGS",
    "Link",
    "Resolution",
    "ResolutionSettings",
    "resolve_records",
]
