"""ui/gate.py: how much of the server's page-run time one client address may take (issue 13), on a
clock the test moves by hand. The same gate in a running server: tests/test_security_server.py."""

from __future__ import annotations

import asyncio
import math

import pytest

from ui import gate
from ui.gate import RunGate, SocketRuns


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def _settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


def test_an_address_gets_its_concurrent_runs_at_once_and_the_next_waits_for_one_to_end():
    async def scenario() -> None:
        clock = Clock()
        runs = RunGate(clock=clock)
        for _ in range(gate.CONCURRENT):
            assert await asyncio.wait_for(runs.admit("10.0.0.5"), 0.01)
        following = asyncio.create_task(runs.admit("10.0.0.5"))
        await asyncio.sleep(3 * gate.POLL_SECONDS)
        assert not following.done()  # waiting, not refused
        runs.finished("10.0.0.5", 0.05)
        assert await asyncio.wait_for(following, 1) is True
        assert runs.counts == {"admitted": gate.CONCURRENT + 1, "queued": 1}

    asyncio.run(scenario())


def test_a_burst_from_one_address_is_queued_up_to_its_limit_and_only_the_rest_is_shed():
    async def scenario() -> None:
        runs = RunGate(clock=Clock())
        burst = [asyncio.create_task(runs.admit("10.0.0.66")) for _ in range(30)]
        await _settle()
        shed = [task for task in burst if task.done() and task.result() is False]
        assert len(shed) == 30 - gate.CONCURRENT - gate.WAITING
        assert runs.counts["shed"] == len(shed) and runs.counts["queued"] == gate.WAITING
        # another address is not affected by that address's queue
        assert await asyncio.wait_for(runs.admit("10.0.0.7"), 0.01) is True
        for task in burst:
            task.cancel()

    asyncio.run(scenario())


def test_while_others_use_the_server_an_address_over_its_allowance_waits_until_its_use_fades():
    async def scenario() -> None:
        clock = Clock()
        runs = RunGate(clock=clock)
        flood, viewer = "10.0.0.66", "10.0.0.7"
        assert await runs.admit(viewer)
        runs.finished(viewer, 0.02)
        assert await runs.admit(flood)
        runs.finished(flood, gate.ALLOWANCE + 1.0)  # one heavy run: one second over the allowance
        assert not runs.may_start(flood)
        fades_to_allowance = gate.MEMORY_SECONDS * math.log((gate.ALLOWANCE + 1.0) / gate.ALLOWANCE)
        clock.now += fades_to_allowance - 0.1
        runs.addresses[viewer].active_at = clock.now  # the viewer is still around
        assert not runs.may_start(flood)
        clock.now += 0.2
        assert runs.may_start(flood)
        assert runs.may_start(viewer)  # the viewer never waited

    asyncio.run(scenario())


def test_an_address_alone_on_the_server_is_never_held_back_by_its_share():
    clock = Clock()
    runs = RunGate(clock=clock)
    runs._start(runs._address("10.0.0.8"))
    runs.finished("10.0.0.8", 30.0)  # a very heavy page
    assert runs.may_start("10.0.0.8")
    runs.finished("10.0.0.9", 0.01)  # someone else opens a page: now the share applies
    assert not runs.may_start("10.0.0.8")
    clock.now += gate.CONTENTION_SECONDS + 0.1  # … until they have been gone a while
    assert runs.may_start("10.0.0.8")


def test_a_heavy_viewer_over_its_allowance_is_not_held_back_by_a_flood_that_used_more():
    clock = Clock()
    runs = RunGate(clock=clock)
    flood, viewer = "10.0.0.66", "10.0.0.7"
    runs._start(runs._address(flood))
    runs.finished(flood, gate.ALLOWANCE + 3.0)
    runs._start(runs._address(viewer))
    runs.finished(viewer, gate.ALLOWANCE + 0.5)  # slow pages on a loaded machine: over its allowance too
    assert runs.may_start(viewer) and not runs.may_start(flood)
    clock.now += 1.0  # both fade alike: the flood has still used more
    runs.addresses[viewer].active_at = clock.now  # the viewer is still around
    assert runs.may_start(viewer) and not runs.may_start(flood)


def test_a_viewer_slow_for_a_minute_is_not_held_behind_a_fresh_flood_address_once_that_has_used_more():
    """Use fades, so a viewer whose pages took 40% of the clock for a minute (a loaded machine) has used
    about 0.4 × MEMORY_SECONDS, not a minute's excess over the share (a fresh flood address went first
    for as long as that excess)."""
    clock = Clock()
    runs = RunGate(clock=clock)
    viewer, flood = "10.0.0.7", "10.0.0.99"
    for _ in range(150):  # 60 s: a 0.16 s page every 0.4 s
        runs._start(runs._address(viewer))
        clock.now += 0.16
        runs.finished(viewer, 0.16)
        clock.now += 0.24
    flooded = 0
    while runs.may_start(flood) and flooded < 30:  # then a fresh address floods: 0.1 s runs back to back
        runs._start(runs._address(flood))
        clock.now += 0.1
        runs.finished(flood, 0.1)
        flooded += 1
    assert 5 <= flooded <= 12  # its allowance, then until it has used more than the viewer
    runs.addresses[viewer].active_at = clock.now
    assert runs.may_start(viewer) and not runs.may_start(flood)


def test_of_a_shed_burst_one_request_at_a_time_gets_the_busy_notice_and_the_rest_close_their_socket():
    async def scenario() -> None:
        runs = RunGate(clock=Clock())
        sockets = [SocketRuns(runs, "10.0.0.66", clock=runs.clock) for _ in range(20)]
        asked = [asyncio.create_task(socket.begin()) for socket in sockets]
        await _settle()
        answers = [task.result() for task in asked if task.done()]
        assert answers.count("run") == gate.CONCURRENT
        assert answers.count("notice") == gate.NOTICES
        assert answers.count("close") == 20 - gate.CONCURRENT - gate.WAITING - gate.NOTICES
        assert runs.counts["closed"] == answers.count("close")
        done = [(socket, task.result()) for socket, task in zip(sockets, asked, strict=True) if task.done()]
        noticed = next(socket for socket, answer in done if answer == "notice")
        noticed.end()  # the notice was drawn: the next shed request gets one again
        assert await SocketRuns(runs, "10.0.0.66", clock=runs.clock).begin() == "notice"
        for task in asked:
            task.cancel()

    asyncio.run(scenario())


def test_one_person_with_tabs_up_to_the_limit_is_never_shed():
    async def scenario() -> None:
        runs = RunGate(clock=Clock())
        tabs = [SocketRuns(runs, "10.0.0.10", clock=runs.clock) for _ in range(gate.CONCURRENT + gate.WAITING)]
        for _ in range(3):  # every tab asks at once, three times over, each run ending in turn
            asked = [asyncio.create_task(tab.begin()) for tab in tabs]
            await _settle()
            while not all(task.done() for task in asked):
                for tab in tabs:
                    tab.end()
                await asyncio.sleep(2 * gate.POLL_SECONDS)
            assert all(task.result() for task in asked)
        assert runs.counts["shed"] == 0

    asyncio.run(scenario())


def test_a_new_request_on_a_socket_replaces_its_run_and_a_closed_socket_releases_its_slot():
    async def scenario() -> None:
        clock = Clock()
        runs = RunGate(clock=clock)
        tab = SocketRuns(runs, "10.0.0.11", clock=clock)
        assert await tab.begin()
        clock.now += 0.3
        assert await tab.begin()  # a click while the page was still running: still one run
        assert runs.addresses["10.0.0.11"].running == 1
        assert runs.addresses["10.0.0.11"].used == pytest.approx(0.3)
        tab.end()  # the socket closed
        assert runs.addresses["10.0.0.11"].running == 0

    asyncio.run(scenario())


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_shed_run_shows_the_busy_notice_and_a_retry_button_instead_of_the_page(built, lang):
    from metrics.i18n import text
    from tests.apptest_support import open_page

    app = open_page("overview", lang, **{gate.BUSY_PARAM: "1"})  # as the launcher marks a shed request
    assert [warning.value for warning in app.warning] == [text("gate.busy", lang)]
    assert [button.label for button in app.button] == [text("gate.retry", lang)]
    assert not app.title and not app.sidebar.selectbox and not app.get("plotly_chart")  # no page work
    assert gate.BUSY_PARAM not in app.query_params  # the browser's address stays as it was
    app.button[0].click().run()  # 重试
    assert not app.warning and [title.value for title in app.title] == [text("page.overview", lang)]


def test_many_addresses_queueing_at_once_cost_one_scan_per_poll_not_one_per_waiting_request():
    class Counting(RunGate):
        scans = 0

        def _least_used(self, now):
            before = self._least
            least = super()._least_used(now)
            self.scans += self._least is not before
            return least

    async def scenario() -> None:
        runs = Counting()
        runs.finished("10.2.0.1", 0.01)  # a viewer, owing nothing
        for number in range(50):  # 50 addresses just active, each owing more than its allowance
            runs.finished(f"10.1.0.{number}", gate.ALLOWANCE + 5)
        waiting = [asyncio.create_task(runs.admit(f"10.1.0.{n % 50}")) for n in range(50 * gate.WAITING)]
        await asyncio.sleep(0.3)  # 400 requests polling every POLL_SECONDS
        assert not any(task.done() for task in waiting)  # all wait behind the viewer
        for task in waiting:
            task.cancel()
        assert runs.scans <= 0.3 / gate.POLL_SECONDS + 5, runs.scans

    asyncio.run(scenario())


def test_a_waiting_run_takes_the_freed_place_at_once_not_at_the_next_poll():
    """With 50 viewers behind one address, each run waited up to POLL_SECONDS after the one before had
    ended: the place stood empty longer than a page run takes. A run that ends wakes the next at once."""

    async def scenario() -> None:
        runs = RunGate(clock=Clock())
        for _ in range(gate.CONCURRENT):
            assert await runs.admit("10.0.0.8")
        following = asyncio.create_task(runs.admit("10.0.0.8"))
        await _settle()
        assert not following.done()
        runs.finished("10.0.0.8", 0.01)
        await _settle()  # a few turns of the event loop, far less than POLL_SECONDS
        assert following.done() and following.result() is True

    asyncio.run(scenario())
