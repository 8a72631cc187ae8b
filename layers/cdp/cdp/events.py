"""Typed payloads the state machine passes to its tasks (parsed by the handlers with Powertools' parser)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

RUN_ID = r"^[A-Za-z0-9_.:-]{1,80}$"


class RunEvent(BaseModel):
    """A step of one unification run."""

    model_config = ConfigDict(extra="ignore")
    run_id: str = Field(pattern=RUN_ID)


class CommitEvent(RunEvent):
    """Move the current pointer of one stage's tables."""

    stage: Literal["golden", "segments"]


class DeliveryEvent(RunEvent):
    """Send one segment's changes to one destination."""

    segment: str = Field(pattern=r"^[a-z][a-z0-9_]{0,62}$")
    destination: str = Field(pattern=r"^[a-z][a-z0-9_-]{0,62}$")
