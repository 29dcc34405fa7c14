"""Options and formatting shared by the subcommands."""

from __future__ import annotations


def add_scenario_options(p) -> None:
    p.add_argument("--citizens", type=int, metavar="N", help="number of citizens (run.citizens)")
    p.add_argument("--weeks", type=int, metavar="W", help="intervention weeks (run.weeks)")
    p.add_argument("--seed", type=int, metavar="S", help="random seed (run.seed)")
    p.add_argument("--set", action="append", default=[], metavar="dotted.key=value",
                   help="override a scenario value, e.g. --set support.workers=10 (repeatable)")


def build_model_kwargs(args) -> dict:
    return {"citizens": args.citizens, "weeks": args.weeks, "seed": args.seed, "overrides": args.set}


def executor_from_args(args, command: str):
    """The executor asked for by --workers / --scheduler, or None after printing why not."""
    import sys

    from experiments import make_executor

    try:
        return make_executor(args.workers, scheduler=args.scheduler)
    except (ValueError, ConnectionError) as exc:
        print(f"belonging {command}: {exc}", file=sys.stderr)
        return None


def format_table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    line = lambda cells: "  ".join(str(c).rjust(w) if i else str(c).ljust(w) for i, (c, w) in enumerate(zip(cells, widths)))
    return "\n".join([line(header), line(["-" * w for w in widths])] + [line(r) for r in rows])


# -- JSON output -----------------------------------------------------------------------

def json_safe(obj, where: str = "") -> tuple[object, list[str]]:
    """obj with every non-finite number (NaN, +-inf, also numpy's) replaced by None, and one
    note per replacement naming where it was ("costs.total: inf is not a JSON number; null")."""
    import math
    import numbers

    notes: list[str] = []

    def walk(x, at):
        if isinstance(x, bool) or x is None or isinstance(x, str):
            return x
        if isinstance(x, dict):
            return {str(k): walk(v, f"{at}.{k}" if at else str(k)) for k, v in x.items()}
        if isinstance(x, (list, tuple)):
            return [walk(v, f"{at}[{i}]") for i, v in enumerate(x)]
        if isinstance(x, numbers.Integral):
            return int(x)
        if isinstance(x, numbers.Real):
            f = float(x)
            if math.isfinite(f):
                return f
            notes.append(f"{at or 'value'}: {f} is not a JSON number; written as null")
            return None
        if hasattr(x, "item") and callable(x.item):          # numpy bool_ and 0-d arrays
            return walk(x.item(), at)
        return str(x)

    # iterative would be needed only for data nested hundreds deep; CLI outputs nest a few levels
    return walk(obj, where), notes


def dumps_json(obj, command: str, indent: int | None = None) -> str:
    """One JSON text that every JSON parser reads: non-finite numbers become null. Each
    replacement is noted on stderr and, when obj is a dict, in its "notes" list."""
    import json
    import sys

    safe, notes = json_safe(obj)
    if notes:
        for n in notes:
            print(f"belonging {command}: note: {n}", file=sys.stderr)
        if isinstance(safe, dict):
            safe["notes"] = list(safe.get("notes") or []) + notes
    return json.dumps(safe, indent=indent, allow_nan=False)


# -- output folders --------------------------------------------------------------------

def out_path_problem(text: str) -> str | None:
    """What stops `text` from being (or becoming) a folder we can write into, or None.

    Checks the name (NUL byte, parts longer than the file system allows), a file in the way
    (the path itself or a part of it), and that the folder, or the nearest existing folder
    above it where it will be made, is writable. Creates nothing.
    """
    import errno
    import os
    from pathlib import Path

    if "\x00" in text:
        return "the name contains a NUL byte (\\x00), which no folder name can hold"
    if not text:
        return "the name is empty"
    p = Path(text)
    name_max = 255
    probe = p
    while True:
        try:
            name_max = os.pathconf(probe if str(probe) else ".", "PC_NAME_MAX")
            break
        except (OSError, ValueError):
            if probe == probe.parent:
                break
            probe = probe.parent
    long_parts = [part for part in p.parts if len(part.encode()) > name_max]
    if long_parts:
        return (f"a folder name is too long for the file system ({len(long_parts[0])} characters; at most "
                f"{name_max})")
    current = p
    while True:
        try:
            st = os.stat(current)
        except FileNotFoundError:
            if current == current.parent:
                return "no part of the path exists"
            current = current.parent
            continue
        except NotADirectoryError:
            return "a part of the path is a file, not a folder"
        except OSError as exc:
            if exc.errno == errno.ENAMETOOLONG:
                return "the path is too long for the file system"
            return f"cannot be used: {exc.strerror or exc}"
        import stat as stat_mod
        if not stat_mod.S_ISDIR(st.st_mode):
            if current == p:
                return "is a file, not a folder"
            return f"{str(current)!r} is a file, so the folder cannot be made inside it"
        if not os.access(current, os.W_OK | os.X_OK):
            return (f"the folder {str(current)!r} is not writable" if current == p
                    else f"cannot make the folder: {str(current)!r} is not writable")
        return None


def check_out_folder(text: str, command: str, outputs: list[str]) -> "Path | None":
    """The --out folder of run/compare, checked before any work; None after printing why not.

    Allowed: a new folder (made with its parents), an empty folder, or a folder holding only
    files this command writes (an earlier run's outputs, which are replaced).
    """
    import sys
    from pathlib import Path

    allowed = (f"--out takes a new folder, an empty folder, or one that holds only the files of an earlier "
               f"`belonging {command} --out` ({', '.join(outputs)}), which are replaced")
    problem = out_path_problem(text)
    if problem is None:
        p = Path(text)
        if p.is_dir():
            others = sorted(q.name for q in p.iterdir() if q.name not in outputs)
            if others:
                shown = ", ".join(others[:5]) + (f" and {len(others) - 5} more" if len(others) > 5 else "")
                problem = f"the folder already holds other files ({shown})"
    if problem is None:
        return Path(text)
    print(f"belonging {command}: --out {text!r}: {problem}; {allowed}. Nothing was run.", file=sys.stderr)
    return None


def write_or_rescue(write, out, command: str):
    """write(folder) -> paths into `out`; if that fails after all (disk full, the folder removed or
    made read-only meanwhile), into a new temporary folder instead, so that nothing computed is
    lost. Returns (paths, ok)."""
    import sys
    import tempfile
    from pathlib import Path

    try:
        return write(out), True
    except OSError as exc:
        rescue = Path(tempfile.mkdtemp(prefix=f"belonging-{command}-"))
        print(f"belonging {command}: could not write to {str(out)!r}: {exc.strerror or exc}; the results are "
              f"written to {rescue} instead", file=sys.stderr)
        return write(rescue), False
