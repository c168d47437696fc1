"""Who is whose child, read from /proc: the tests kill one worker process of a `weaver worker`."""

from __future__ import annotations

from pathlib import Path


def _state_and_parent(pid: int) -> tuple[str, int] | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:  # no such process (any more)
        return None
    state, parent = stat.rsplit(")", 1)[1].split()[:2]  # the name may hold spaces and parentheses
    return state, int(parent)


def alive(pid: int) -> bool:
    """Running, not merely a zombie waiting for its parent to reap it."""
    found = _state_and_parent(pid)
    return found is not None and found[0] != "Z"


def children_of(pid: int) -> list[int]:
    """Live processes whose parent is `pid`, in pid order."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            info = _state_and_parent(int(entry.name))
            if info is not None and info[1] == pid and info[0] != "Z":
                found.append(int(entry.name))
    return sorted(found)
