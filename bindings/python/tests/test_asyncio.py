# SPDX-License-Identifier: MIT
"""asyncio: aget() and aiter(), driven by the descriptor in the event loop."""

from __future__ import annotations

import asyncio
import threading

import pytest

import mailslot
from mailslot import Mailslot

from conftest import Runner


def run(coro):
    return asyncio.run(asyncio.wait_for(coro, 60))


async def until_registered(slot: Mailslot, loop=None) -> None:
    """Yields to the loop until a pending aget() has registered its reader."""
    loop = loop or asyncio.get_running_loop()
    while loop not in slot._async:
        await asyncio.sleep(0)


def test_aget_returns_a_waiting_message_at_once(pair):
    reader, writer = pair
    writer.put("ready")
    assert run(reader.aget()) == "ready"


def test_aget_waits_on_the_descriptor_without_threads(pair):
    reader, writer = pair

    async def main():
        loop = asyncio.get_running_loop()
        threads_before = threading.active_count()
        task = asyncio.ensure_future(reader.aget())
        await until_registered(reader)
        # The loop watches the mailslot's descriptor; no thread was started.
        fd = reader.fileno()
        key = loop._selector.get_key(fd)  # type: ignore[attr-defined]
        assert key is not None
        assert threading.active_count() == threads_before
        assert not task.done()
        writer.put("woken")
        result = await task
        # Nothing pending: the loop no longer watches the descriptor.
        with pytest.raises(KeyError):
            loop._selector.get_key(fd)  # type: ignore[attr-defined]
        return result

    assert run(main()) == "woken"


def test_aget_timeout_raises_Empty(pair):
    reader, _ = pair

    async def main():
        loop = asyncio.get_running_loop()
        t0 = loop.time()
        with pytest.raises(mailslot.Empty):
            await reader.aget(timeout_ms=80)
        assert loop.time() - t0 >= 0.07
        with pytest.raises(mailslot.Empty):
            await reader.aget(timeout_ms=0)

    run(main())


def test_aget_timeout_in_seconds(pair):
    reader, writer = pair

    async def main():
        with pytest.raises(mailslot.Empty) as info:
            await reader.aget(timeout=0.05)
        assert "within 50 ms" in str(info.value)
        with pytest.raises(TypeError, match="not both"):
            await reader.aget(50, timeout=0.05)
        with pytest.raises(ValueError, match="timeout"):
            await reader.aget(timeout=-1)
        writer.put("in time")
        return await reader.aget(timeout=600)

    assert run(main()) == "in time"


def test_aget_uses_the_objects_timeout(name):
    reader = Mailslot(name, timeout_ms=50)

    async def main():
        with pytest.raises(mailslot.x_mailslot_empty):
            await reader.aget()

    run(main())
    reader.close()


def test_several_agets_in_one_loop_each_get_one_message(pair):
    reader, writer = pair

    async def main():
        tasks = [asyncio.ensure_future(reader.aget()) for _ in range(5)]
        await until_registered(reader)
        while len(reader._async[asyncio.get_running_loop()].futures) < 5:
            await asyncio.sleep(0)
        for i in range(5):
            writer.put(str(i))
        return sorted(await asyncio.gather(*tasks))

    assert run(main()) == ["0", "1", "2", "3", "4"]


def test_cancelled_aget_loses_no_message(pair):
    reader, writer = pair

    async def main():
        task = asyncio.ensure_future(reader.aget())
        await until_registered(reader)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        writer.put("kept")
        return await reader.aget()

    assert run(main()) == "kept"


def test_async_for_and_aiter(pair):
    reader, writer = pair

    async def main():
        got = []
        for word in "the quick brown fox".split():
            writer.put(word)
        async for message in reader.aiter():
            got.append(message)
            if len(got) == 4:
                break
        writer.put("more")
        async for message in reader:  # __aiter__
            got.append(message)
            break
        return got

    assert run(main()) == ["the", "quick", "brown", "fox", "more"]


def test_aiter_ends_when_closed_in_the_loop(pair):
    reader, writer = pair

    async def main():
        got = []

        async def consume():
            async for message in reader.aiter():
                got.append(message)
            return "ended"

        task = asyncio.ensure_future(consume())
        writer.put("one")
        while not got:
            await asyncio.sleep(0)
        await until_registered(reader)
        reader.close()  # from the loop's own thread
        return await task, got

    assert run(main()) == ("ended", ["one"])
    assert reader.closed


def test_close_from_another_thread_wakes_aget(pair):
    reader, _ = pair

    async def main():
        loop = asyncio.get_running_loop()
        task = asyncio.ensure_future(reader.aget())
        await until_registered(reader)
        closer = Runner(reader.close)
        closer.start()
        with pytest.raises(mailslot.Closed):
            await task
        await loop.run_in_executor(None, closer.finish)
        assert closer.error is None

    run(main())
    assert reader.closed


def test_aget_on_a_writer_or_closed_slot(pair, name):
    reader, writer = pair
    writer.put("x")

    async def main():
        with pytest.raises(mailslot.InvalidUse):
            await writer.aget()
        reader.close()
        with pytest.raises(mailslot.Closed):
            await reader.aget()

    run(main())


def test_two_event_loops_in_two_threads(pair):
    reader, writer = pair
    results = []

    def loop_thread():
        results.append(asyncio.run(asyncio.wait_for(reader.aget(), 60)))

    threads = [threading.Thread(target=loop_thread) for _ in range(2)]
    for t in threads:
        t.start()
    from conftest import wait_until

    wait_until(lambda: len(reader._async) == 2, "both loops wait")
    writer.put("a")
    writer.put("b")
    for t in threads:
        t.join(60)
    assert sorted(results) == ["a", "b"]
