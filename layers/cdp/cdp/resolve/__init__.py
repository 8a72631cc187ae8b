"""Identity resolution: blocking, comparisons, training, scoring, clustering and explanations, as
separate modules.

`resolve_records` is the entry point; settings are data (`ResolutionSettings`), saved with every run.
"""

from cdp.resolve.engine import Resolution, ScoredPairs, resolve_records, settings_and_model
from cdp.resolve.settings import ACCOUNT_SETTINGS, CONTACT_SETTINGS, ResolutionSettings

__all__ = [
    "ACCOUNT_SETTINGS",
    "CONTACT_SETTINGS",
    "Resolution",
    "ResolutionSettings",
    "ScoredPairs",
    "resolve_records",
    "settings_and_model",
]
