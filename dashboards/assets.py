"""Fill Solara's CDN proxy cache from the npm registry, so the dashboard works offline.

Solara's page loads its JavaScript and CSS through its own server, which serves them
from `solara.server.settings.assets.proxy_cache_dir` (laid out as `<pkg>@<ver>/<files>`)
and otherwise fetches them from a public CDN. Those CDN paths are npm package tarballs:
for every `<pkg>@<ver>` the installed Solara asks for, `npm pack` it and unpack its
`package/` folder into the cache folder of that name. Folders already there are kept.

`python -m dashboards.assets` is run by scripts/setup_browser.sh (and so by scripts/test.sh and
scripts/run.sh); `belonging dashboard` calls ensure_assets() too. `--list` prints what is needed,
`--check` exits 0 only when nothing is missing.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

# only what Solara's own documentation site uses (search box) or commented-out templates; katex and mermaid are
# kept: every solara.Markdown loads both, and a missing one is a page error
SKIP = ("@docsearch/", "algoliasearch", "vuetify", "hack-font")
# `{{cdn}}/<pkg>@<ver>/`, `${this.getCdn()}/<pkg>@<ver>/` and settings paths `"/<pkg>@<ver>/`
PATTERN = re.compile(r"(?:\{\{ ?cdn ?\}\}|getCdn\(\)\}|[\"'])/((?:@[a-z0-9-]+/)?[a-z0-9][a-z0-9.-]*@\d[0-9A-Za-z.-]*)/")


def wanted(solara_dir: Path) -> list[str]:
    found = set()
    for path in solara_dir.rglob("*"):
        if path.suffix not in (".py", ".vue", ".j2", ".html") or "website" in path.parts or not path.is_file():
            continue
        for spec in PATTERN.findall(path.read_text(errors="replace")):
            if not spec.startswith(SKIP):
                found.add(spec)
    return sorted(found)


def cache_dir() -> Path:
    from solara.server import settings
    return Path(settings.assets.proxy_cache_dir)


def missing_assets() -> list[str]:
    import solara
    specs = wanted(Path(solara.__file__).parent)
    if not specs:
        raise RuntimeError("found no CDN packages in the installed solara's templates (has its layout changed?)")
    cache = cache_dir()
    return [s for s in specs if not (cache / s).is_dir() or not any((cache / s).iterdir())]


def ensure_assets() -> int:
    """Fetch what is missing; 0 when everything is there, 1 with a message on stderr otherwise."""
    missing = missing_assets()
    if not missing:
        return 0
    cache = cache_dir()
    if shutil.which("npm") is None:
        print(f"dashboard assets: npm is needed to fetch {', '.join(missing)} into {cache} "
              "(apt-get install -y npm); without them the page needs internet access", file=sys.stderr)
        return 1
    print(f"dashboard assets: filling {cache} with {', '.join(missing)} (npm pack)", flush=True)
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for spec in missing:
            out = subprocess.run(["npm", "pack", spec, "--json", "--pack-destination", tmp],
                                 capture_output=True, text=True, cwd=tmp)
            if out.returncode != 0:
                print(f"dashboard assets: npm pack {spec} failed:\n{out.stderr}", file=sys.stderr)
                return 1
            tarball = Path(tmp) / json.loads(out.stdout)[0]["filename"]
            if not tarball.exists():                 # npm versions differ in how they name scoped tarballs
                tarball = next(Path(tmp).glob("*.tgz"))
            partial = cache / (spec + ".partial")
            shutil.rmtree(partial, ignore_errors=True)
            partial.mkdir(parents=True)
            with tarfile.open(tarball) as tf:
                tf.extractall(partial, filter="data")
            target = cache / spec
            shutil.rmtree(target, ignore_errors=True)
            (partial / "package").rename(target)
            shutil.rmtree(partial)
            tarball.unlink()
    return 0


def main(argv: list[str]) -> int:
    if "--check" in argv:                    # exit 0 when nothing is missing (fetches nothing)
        return 1 if missing_assets() else 0
    if "--list" in argv:
        import solara
        print("\n".join(wanted(Path(solara.__file__).parent)))
        return 0
    return ensure_assets()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
