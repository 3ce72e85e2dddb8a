"""Live updates: the hub (memory or Redis), the event log, the websocket and SSE edges.

    handler ──after commit──> Realtime.publish ──> event log (id) ──> hub
    hub ──> Realtime._route ──> Router ──> mailboxes ──> websocket / SSE clients
"""

from __future__ import annotations

from gridbase.realtime.hub import Hub, HubGap, HubMessage, HubSubscription, create_hub
from gridbase.realtime.service import Realtime
from gridbase.realtime.websocket import WebsocketEndpoint

__all__ = [
    "Hub",
    "HubGap",
    "HubMessage",
    "HubSubscription",
    "Realtime",
    "WebsocketEndpoint",
    "create_hub",
]
