"""A terminal progress bar for long batches: runs done, rate, ETA (on stderr by default).

On a terminal it redraws one line (at most 10 times a second); otherwise (a log file,
a pipe) it prints a plain line at most every `every` seconds and at the end.
"""

from __future__ import annotations

import sys
import time


def fmt_seconds(s: float) -> str:
    if s != s or s == float("inf"):
        return "?"
    s = int(round(s))
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m{s % 60:02d}s"
    return f"{s // 3600}h{(s % 3600) // 60:02d}m"


class ProgressBar:
    def __init__(self, label: str = "runs", stream=None, width: int = 28, every: float = 5.0):
        self.label = label
        self.stream = stream or sys.stderr
        self.width = width
        self.every = every
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.t0 = None
        self.start_done = 0
        self.last_draw = 0.0
        self.line_len = 0
        self.last = None

    def __call__(self, done: int, total: int, failed: int = 0) -> None:
        now = time.monotonic()
        if self.t0 is None:
            self.t0, self.start_done = now, done
        self.last = (done, total, failed)
        final = done >= total
        if not final and now - self.last_draw < (0.1 if self.tty else self.every):
            return
        self.last_draw = now
        self._draw(done, total, failed, now, final)

    def text(self, done, total, failed, now) -> str:
        frac = done / total if total else 1.0
        fill = int(round(frac * self.width))
        bar = "#" * fill + "." * (self.width - fill)
        elapsed = now - self.t0
        new = done - self.start_done
        rate = new / elapsed if elapsed > 0 and new > 0 else 0.0
        eta = (total - done) / rate if rate > 0 else float("nan")
        parts = [f"[{bar}] {done}/{total} {self.label} ({frac:.0%})",
                 f"{rate:.1f}/s" if rate else "-/s",
                 f"elapsed {fmt_seconds(elapsed)}",
                 f"ETA {fmt_seconds(eta) if done < total else '0s'}"]
        if failed:
            parts.append(f"{failed} failed")
        return "  ".join(parts)

    def _draw(self, done, total, failed, now, final) -> None:
        line = self.text(done, total, failed, now)
        if self.tty:
            pad = " " * max(0, self.line_len - len(line))
            self.stream.write("\r" + line + pad + ("\n" if final else ""))
            self.line_len = len(line)
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def close(self) -> None:
        """End the line (after an interruption, so the next message starts clean)."""
        if self.last and self.last[0] < self.last[1]:
            self._draw(*self.last, time.monotonic(), True)
