"""Segments: membership of each run compared with the previous one."""

from cdp.segments.membership import MembershipDelta, membership_delta

__all__ = ["MembershipDelta", "membership_delta"]
