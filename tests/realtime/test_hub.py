"""One contract, two hubs: every test here runs against the memory hub and Redis."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator

import pytest

from gridbase.realtime.hub import Hub, HubGap, HubMessage, HubSubscription, create_hub
from tests.realtime.conftest import REDIS_URL, TIMEOUT


@pytest.fixture(params=["memory", "redis"])
async def hub(request: pytest.FixtureRequest) -> AsyncIterator[Hub]:
    running = create_hub(REDIS_URL if request.param == "redis" else None)
    await running.start()
    yield running
    await running.stop()


def channel() -> str:
    """A channel no other test (or test run sharing this Redis) uses."""
    return f"gridbase-test:{uuid.uuid4().hex}"


async def take(subscription: HubSubscription, count: int) -> list[HubMessage | HubGap]:
    iterator = subscription.__aiter__()
    return [await asyncio.wait_for(anext(iterator), TIMEOUT) for _ in range(count)]


async def test_messages_arrive_in_publish_order(hub: Hub) -> None:
    name = channel()
    subscription = await hub.subscribe(name)
    for index in range(200):
        await hub.publish(name, str(index).encode())
    received = await take(subscription, 200)
    assert received == [HubMessage(name, str(i).encode()) for i in range(200)]


async def test_only_subscribed_channels_are_delivered(hub: Hub) -> None:
    mine, also_mine, theirs = channel(), channel(), channel()
    subscription = await hub.subscribe(mine, also_mine)
    await hub.publish(theirs, b"not for me")
    await hub.publish(mine, b"one")
    await hub.publish(theirs, b"not for me either")
    await hub.publish(also_mine, b"two")
    assert await take(subscription, 2) == [HubMessage(mine, b"one"),
                                           HubMessage(also_mine, b"two")]


async def test_every_subscription_gets_every_message(hub: Hub) -> None:
    name = channel()
    first, second = await hub.subscribe(name), await hub.subscribe(name)
    await hub.publish(name, b"hello")
    assert await take(first, 1) == await take(second, 1) == [HubMessage(name, b"hello")]


async def test_a_closed_subscription_ends_and_the_others_go_on(hub: Hub) -> None:
    name = channel()
    closed, open_ = await hub.subscribe(name), await hub.subscribe(name)
    await closed.close()
    await hub.publish(name, b"after")
    remaining = [item async for item in closed]
    assert remaining == []
    assert await take(open_, 1) == [HubMessage(name, b"after")]


async def test_any_bytes_travel_unchanged(hub: Hub) -> None:
    name = channel()
    subscription = await hub.subscribe(name)
    payload = bytes(range(256)) * 64 + "é✓".encode()
    await hub.publish(name, payload)
    assert await take(subscription, 1) == [HubMessage(name, payload)]


async def test_publishing_never_waits_for_a_subscriber_that_is_not_reading(hub: Hub) -> None:
    name = channel()
    idle = await hub.subscribe(name)
    started = time.perf_counter()
    for _ in range(2000):
        await hub.publish(name, b"x" * 100)
    assert time.perf_counter() - started < 5
    assert len(await take(idle, 2000)) == 2000


async def test_a_stopped_hub_refuses_to_publish(hub: Hub) -> None:
    await hub.stop()
    with pytest.raises(RuntimeError):
        await hub.publish(channel(), b"late")
    await hub.start()
    name = channel()
    subscription = await hub.subscribe(name)
    await hub.publish(name, b"again")
    assert await take(subscription, 1) == [HubMessage(name, b"again")]
