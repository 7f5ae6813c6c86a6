"""How much of the server's time one client address may take with page runs (issue 13).

A page run (any rerun the browser asks for on its websocket: opening a page, a click, a sign-in) is
Python under one interpreter lock, so 40 runs at once from one address slow every other viewer's page
in proportion (BENCHMARKS.md: the viewer's Overview 21 → 634 ms during 40 sign-in attempts, 19 → 413 ms
during 40 plain page views at once). The launcher's middleware (ui/serve.py) therefore asks this gate
before it hands a rerun request to Streamlit, i.e. before any page code runs:

- at most CONCURRENT runs of one address at a time;
- an address's use is its run-seconds of late, each fading with a time constant of MEMORY_SECONDS (so
  runs taking a fraction d of the clock keep it near d × MEMORY_SECONDS). Up to ALLOWANCE (SHARE ×
  MEMORY_SECONDS) an address runs freely; beyond, its runs wait while another address using the server
  has used less. So a flood gets about SHARE of the clock while a viewer is around (more only while the
  viewer uses more than that itself: then they share alike), the viewer is not held back by the flood,
  and an address alone on the server is never held back, however heavy its pages: the bound is against
  crowding others out. A fading use, not a debt paid off at a fixed rate: a debt grew without end for
  a viewer whose pages ran slowly on a loaded machine, and a fresh flood address then went first;
- a request that may not run yet waits (queued: no thread, no page code; the socket's next message
  waits behind it), up to WAITING requests per address; one beyond that is shed: Streamlit gets the
  request marked busy (BUSY_PARAM) and the page shows a short "busy, try again" notice and stops. Even
  that is a Streamlit run (a thread, ~10 ms): 30 of them at once slowed a viewer 8×. So one address has
  at most NOTICES of them drawn at a time; a request beyond that closes its websocket with code 1013
  ("try again later"), the cheapest answer there is; a browser reconnects by itself.

Why per address, by time and not by count: the attacker in issue 13 is one address (or a few), the
viewer another; counting run-seconds rather than runs bounds an address that picks the heaviest page as
well as one that repeats a light one. A person with a few tabs stays far inside it: a tab's socket has at
most one request waiting (the socket is read in order), so up to CONCURRENT + WAITING tabs are never
shed, and a click a second on a 50 ms page uses 5% of the clock against a share of 25%.

The address is the one the server sees (uvicorn takes X-Forwarded-For only from a trusted proxy, by
default 127.0.0.1, as deploy/nginx.conf sets it). An office behind one NAT address shares one budget,
proxy or not (README says so). A request still waiting when its browser goes away runs once admitted,
within the budget like any other (the socket is not read while its request waits).
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

CONCURRENT = 1
SHARE = 0.25
MEMORY_SECONDS = 2.0
ALLOWANCE = SHARE * MEMORY_SECONDS  # run-seconds of late an address may have used and still run freely
WAITING = 8
NOTICES = 1  # busy notices of one address drawn at once; a request beyond that closes its socket (1013)
CONTENTION_SECONDS = 5.0  # another address counts as using the server this long after its last run
POLL_SECONDS = 0.02
BUSY_PARAM = "hs_busy"


@dataclass
class _Address:
    used: float = 0.0  # run-seconds of late, as of `faded_at`
    faded_at: float = 0.0
    running: int = 0
    waiting: int = 0
    noticing: int = 0
    active_at: float = float("-inf")  # last time a run of it started or ended


class RunGate:
    """Admits, queues or sheds page runs per client address. Used from one event loop only."""

    def __init__(
        self,
        concurrent: int = CONCURRENT,
        allowance: float = ALLOWANCE,
        memory: float = MEMORY_SECONDS,
        waiting: int = WAITING,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.concurrent, self.allowance, self.memory, self.waiting = concurrent, allowance, memory, waiting
        self.clock = clock
        self.addresses: dict[str, _Address] = {}
        self.counts: Counter[str] = Counter()  # admitted, queued (waited first), shed
        self._version = 0  # bumped whenever a run starts or ends
        # Set when a run ends: a waiting request is woken at once to take the freed place. Polling alone
        # left the place empty up to POLL_SECONDS after each run (more than a 10–20 ms page run), so 50
        # viewers behind one address had their pages queue far longer than the runs themselves.
        self._run_ended: asyncio.Event | None = None
        self._least: tuple[float, int, list[tuple[str, float]]] = (float("-inf"), -1, [])

    def _address(self, address: str) -> _Address:
        state = self.addresses.get(address)
        if state is None:
            state = self.addresses[address] = _Address(faded_at=self.clock())
        return state

    def _used(self, state: _Address, now: float) -> float:
        return state.used * math.exp(-(now - state.faded_at) / self.memory)

    def _fade(self, state: _Address, now: float) -> None:
        state.used, state.faded_at = self._used(state, now), now

    def _another_used_less(self, address: str, used: float, now: float) -> bool:
        """Whether another address that is using the server (a run now or lately) has used less than `used`."""
        least = self._least_used(now)
        others = [theirs for other, theirs in least if other != address]
        return bool(others) and others[0] < used

    def _least_used(self, now: float) -> list[tuple[str, float]]:
        """The two addresses using the server that have used least, and how much. Worked out once per
        POLL_SECONDS (or change), not once per waiting request: with many addresses each queueing, a
        scan per check would cost the event loop more than the runs it guards."""
        at, version, least = self._least
        if version == self._version and now - at < POLL_SECONDS:
            return least
        using = [
            (self._used(state, now), other)
            for other, state in self.addresses.items()
            if state.running or now - state.active_at < CONTENTION_SECONDS
        ]
        least = [(other, used) for used, other in sorted(using)[:2]]
        self._least = (now, self._version, least)
        return least

    def may_start(self, address: str) -> bool:
        """Whether a run of `address` may start now: fewer than `concurrent` of its runs going, and within
        its allowance or having used no more than every other address using the server. The second part
        keeps a heavy but ordinary user (whose pages run slowly on a loaded machine) from being held back
        by a flood: the address that has used most waits, the others do not."""
        now = self.clock()
        state = self._address(address)
        self._fade(state, now)
        if state.running >= self.concurrent:
            return False
        return state.used <= self.allowance or not self._another_used_less(address, state.used, now)

    async def admit(self, address: str) -> bool:
        """Wait until a run of `address` may start and count it as running (True), or shed it (False)."""
        state = self._address(address)
        if self.may_start(address):
            self._start(state)
            return True
        if state.waiting >= self.waiting:
            self.counts["shed"] += 1
            self._forget_idle()
            return False
        state.waiting += 1
        self.counts["queued"] += 1
        try:
            while not self.may_start(address):
                await self._next_change()
        finally:
            state.waiting -= 1
        self._start(state)
        return True

    async def _next_change(self) -> None:
        """Until a run ends, or POLL_SECONDS (an address's use fades with time, not only when runs end)."""
        if self._run_ended is None:
            self._run_ended = asyncio.Event()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._run_ended.wait(), POLL_SECONDS)

    def shed(self, address: str) -> bool:
        """For a request `admit` shed: True to draw the busy notice (counted until `notice_drawn`), False
        to close the socket instead."""
        state = self._address(address)
        if state.noticing < NOTICES:
            state.noticing += 1
            return True
        self.counts["closed"] += 1
        return False

    def notice_drawn(self, address: str) -> None:
        state = self._address(address)
        state.noticing = max(0, state.noticing - 1)

    def _start(self, state: _Address) -> None:
        self._version += 1
        state.running += 1
        state.active_at = self.clock()
        self.counts["admitted"] += 1

    def finished(self, address: str, seconds: float) -> None:
        """A run of `address` that took `seconds` has ended (or was replaced, or its socket closed)."""
        state = self._address(address)
        now = self.clock()
        self._version += 1
        self._fade(state, now)
        state.running = max(0, state.running - 1)
        state.used += max(0.0, seconds)
        state.active_at = now
        woken, self._run_ended = self._run_ended, None
        if woken is not None:
            woken.set()

    def _forget_idle(self) -> None:
        """Drop addresses with nothing running or waiting and little used lately, so the table stays small."""
        now = self.clock()
        for address, state in list(self.addresses.items()):
            self._fade(state, now)
            idle = not (state.running or state.waiting or state.noticing) and state.used < 0.01
            if idle and now - state.active_at > CONTENTION_SECONDS:
                del self.addresses[address]


class SocketRuns:
    """The one run (or busy notice) a websocket has going, charged to its address when it ends."""

    def __init__(self, gate: RunGate, address: str, clock: Callable[[], float] = time.monotonic) -> None:
        self.gate, self.address, self.clock = gate, address, clock
        self.started: float | None = None
        self.noticing = False

    @property
    def going(self) -> bool:
        return self.started is not None or self.noticing

    def end(self) -> None:
        """The run ended (finished, replaced by a new request, or the socket closed)."""
        if self.started is not None:
            self.gate.finished(self.address, self.clock() - self.started)
            self.started = None
        if self.noticing:
            self.gate.notice_drawn(self.address)
            self.noticing = False

    async def begin(self) -> str:
        """A new rerun request on this socket: "run" to hand it on as asked, "notice" to hand it on marked
        busy, "close" to close the socket. A request replaces the socket's run in progress (Streamlit
        stops that one), so that run ends here."""
        self.end()
        if await self.gate.admit(self.address):
            self.started = self.clock()
            if len(self.gate.addresses) > 256:
                self.gate._forget_idle()
            return "run"
        if self.gate.shed(self.address):
            self.noticing = True
            return "notice"
        return "close"


def stop_if_busy(lang: str, pages: list[tuple[str, str, str, str]]) -> None:
    """On a run the gate shed: a short notice with a retry button instead of the page, at once. The
    navigation is set (hidden) without running the page, so the address stays on the page asked for
    and the retry opens it."""
    import streamlit as st

    from metrics.i18n import text
    from metrics.registry import DEFAULT_REGION
    from ui.context import Context, session_pages

    if BUSY_PARAM not in st.query_params:
        return
    del st.query_params[BUSY_PARAM]  # the browser's address stays as it was
    st.navigation(session_pages(pages, Context(lang=lang, region_id=DEFAULT_REGION, as_of=None)), position="hidden")
    st.warning(text("gate.busy", lang), icon=":material/hourglass_top:")
    st.button(text("gate.retry", lang), key="gate_retry", icon=":material/refresh:")
    st.stop()
