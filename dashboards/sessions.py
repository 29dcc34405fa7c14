"""What the server gives back when a browser session ends (issue 16: memory from the page).

A session (Solara's virtual kernel) may build a model, play it and hold it. When the
session ends (the tab closes, or Solara culls a disconnected session), `closed()`:

- cancels a build still running in the session's thread (an exception raised in that thread
  at its next Python instruction: the population set-up and the burn-in are Python loops
  around compiled kernels, so it stops within a week of the burn-in);
- drops the session's weeks waiting in the shared step pool (dashboards/steps.py);
- lets go of the session's model (the play loops see `closed` and stop), and logs whether
  the model was freed.

`belonging dashboard` also shortens Solara's wait for a disconnected session to come back
($SOLARA_KERNEL_CULL_TIMEOUT, 24 h by default in Solara) to 2 minutes unless set.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import threading
import weakref
from dataclasses import dataclass, field
from typing import Any

LOCAL = "local"          # outside a Solara kernel (tests, scripts)


class BuildCancelled(BaseException):
    """Raised in a build's thread when its session ends (a BaseException: nothing swallows it)."""


@dataclass
class Session:
    id: str
    lock: threading.Lock = field(default_factory=threading.Lock)
    closed: threading.Event = field(default_factory=threading.Event)
    build_thread: int | None = None
    live: Any = None                        # explore.Live of this session
    model_ref: Any = None                   # weakref to its last model (to check it is freed)

    @contextlib.contextmanager
    def building(self):
        """Marks the calling thread as this session's build, which closed() may cancel."""
        with self.lock:
            if self.closed.is_set():
                raise BuildCancelled(f"session {self.id} has ended")
            self.build_thread = threading.get_ident()
        try:
            yield
        except BaseException as exc:
            # the asynchronous BuildCancelled can surface wrapped, as another exception, when it lands
            # inside a C extension; after the session has ended any failure of the build is its cancel
            if self.closed.is_set() and not isinstance(exc, BuildCancelled):
                raise BuildCancelled(f"session {self.id} has ended") from exc
            raise
        finally:
            with self.lock:
                self.build_thread = None

    def hold(self, live: Any) -> None:
        """The session's current model (the previous one is let go)."""
        self.live = live
        try:
            self.model_ref = weakref.ref(live.model)
        except TypeError:
            self.model_ref = None


_sessions: dict[str, Session] = {}
_lock = threading.Lock()


def current_id() -> str:
    try:
        from solara.server import kernel_context
        if kernel_context.has_current_context():
            return kernel_context.get_current_context().id
    except Exception:      # noqa: BLE001 - no server: one local session
        pass
    return LOCAL


def current() -> Session:
    return get(current_id())


def get(session_id: str) -> Session:
    with _lock:
        s = _sessions.get(session_id)
        if s is None:
            s = _sessions[session_id] = Session(session_id)
        return s


def open_sessions() -> list[str]:
    with _lock:
        return list(_sessions)


def _raise_in_thread(ident: int, exc: type[BaseException]) -> bool:
    n = ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(ident), ctypes.py_object(exc))
    if n > 1:                                   # never: undo rather than hit other threads
        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(ident), None)
        return False
    return n == 1


def closed(session_id: str, log: bool = True) -> dict:
    """Give back what the session holds; returns what was done (for the log and tests)."""
    from .steps import pool
    with _lock:
        s = _sessions.pop(session_id, None)
    if s is None:
        return {}
    done = {"build_cancelled": False, "weeks_dropped": 0, "model_freed": None}
    with s.lock:
        s.closed.set()
        if s.build_thread is not None:
            done["build_cancelled"] = _raise_in_thread(s.build_thread, BuildCancelled)
    done["weeks_dropped"] = pool().drop(session_id)
    lv, s.live = s.live, None
    if lv is not None:
        with lv.lock:                           # a week being stepped finishes first
            lv.model = None
            lv.citizens = []
    ref, s.model_ref = s.model_ref, None
    if ref is not None:
        def check():
            gc.collect()
            done["model_freed"] = ref() is None
            if log:
                print(f"belonging dashboard: session {session_id[:8]} ended: "
                      f"{'build cancelled, ' if done['build_cancelled'] else ''}"
                      f"{done['weeks_dropped']} waiting week(s) dropped, model "
                      f"{'freed' if done['model_freed'] else 'STILL REFERENCED'}", flush=True)
        # the session's render tree and reactive values go once Solara has closed the kernel
        threading.Timer(2.0, check).start()
    elif log:
        print(f"belonging dashboard: session {session_id[:8]} ended"
              f"{': build cancelled' if done['build_cancelled'] else ''}", flush=True)
    return done


def on_kernel_start():
    """Solara calls this when a session starts; the function it returns when the session ends."""
    sid = current_id()
    get(sid)
    return lambda: closed(sid)
