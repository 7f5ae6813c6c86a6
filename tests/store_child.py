"""A writer process for tests/test_store_faults.py, to be killed at chosen points of a save.

    python tests/store_child.py pause N FILE      save FILE's bytes; stop before the N-th durable step
    python tests/store_child.py loop SEED          save different contents in a loop until killed; says
                                                   "saving" once its first save is done
    python tests/store_child.py base VERSION FILE  save FILE's bytes from base VERSION; print saved or stale
    python tests/store_child.py read STOPFILE      read targets.csv and the database until STOPFILE exists

Durable steps are the calls a save makes to os.write, os.fsync, os.replace and os.unlink. Before the
N-th, the child says "paused" and sleeps, so the parent can SIGKILL it exactly there. DASHBOARD_DATA_DIR
says which data folder to use.
"""

from __future__ import annotations

import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from metrics import store  # noqa: E402


def contents(seed: int, index: int) -> bytes:
    """Distinct contents of varying size (up to ~300 KB, so a kill can land mid-write)."""
    rng = random.Random(seed * 1000 + index)
    line = f"diagnosis_enterprises,huangshi,2021-01-01,2021-12-31,{rng.randrange(10**6)},=,,,,\n"
    return b"metric_id,region_id,period_start,period_end,target,qualifier,source,section,evidence,note\n" + (
        line.encode() * rng.randrange(1, 5000)
    )


def pause_before(step: int) -> list[int]:
    """Wrap the durable calls so the process stops before call number `step`; returns the live counter."""
    counter = [0]

    def wrap(name: str, function):
        def wrapper(*args, **kwargs):
            counter[0] += 1
            if counter[0] == step:
                print(f"paused {name}", flush=True)
                time.sleep(60)
            return function(*args, **kwargs)

        return wrapper

    for name in ("write", "fsync", "replace", "unlink"):
        setattr(os, name, wrap(name, getattr(os, name)))
    return counter


def main() -> None:
    mode = sys.argv[1]
    if mode == "pause":
        counter = pause_before(int(sys.argv[2]))
        store.save("targets", Path(sys.argv[3]).read_bytes(), "子进程", store.Change("edit"))
        print(f"done {counter[0]}", flush=True)
    elif mode == "loop":
        seed = int(sys.argv[2])
        for index in range(10**6):
            store.save("targets", contents(seed, index), "子进程", store.Change("edit"))
            if index == 0:  # the parent kills from here on, however long starting up took
                print("saving", flush=True)
    elif mode == "base":
        try:
            store.save("targets", Path(sys.argv[3]).read_bytes(), "子进程", store.Change("edit"), sys.argv[2])
            print("saved", flush=True)
        except store.StaleVersionError:
            print("stale", flush=True)
    elif mode == "read":
        read_until(Path(sys.argv[2]))


def read_until(stop: Path, limit: float = 120) -> None:
    """Read the CSV and the database as the dashboard does until told to stop; report states and errors."""
    from metrics import queries

    states, errors = set(), []
    print("reading", flush=True)
    deadline = time.monotonic() + limit
    while not stop.exists() and time.monotonic() < deadline:
        try:
            csv_version = store.content_version(store.read_live("targets"))
            targets = queries.fetch("all_targets")
            states.add((csv_version, len(targets)))
        except Exception as error:  # every error is what the test looks for
            errors.append(repr(error))
    print(f"states {len(states)} errors {len(errors)} {errors[:3]}", flush=True)


if __name__ == "__main__":
    main()
