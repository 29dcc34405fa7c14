"""docs/ODD.md must not drift from the code: its parameter table is the schema's, and its
Submodels section names every mechanism module in the weekly order."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from sim.model import WEEKLY_ORDER
from sim.scenarios.schema import parameter_table

ROOT = Path(__file__).resolve().parents[1]
ODD = ROOT / "docs" / "ODD.md"
MECHANISMS = ROOT / "sim" / "mechanisms"


def _gen():
    spec = importlib.util.spec_from_file_location("gen_parameters", ROOT / "docs" / "gen_parameters.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _submodels_section(text: str) -> str:
    m = re.search(r"^## 7 Submodels\s*$(.*?)(?=^## )", text, flags=re.M | re.S)
    assert m, "docs/ODD.md has no '## 7 Submodels' section followed by another '## ' heading"
    return m.group(1)


def test_parameter_table_matches_schema():
    gen = _gen()
    embedded = gen.embedded_table(ODD.read_text())
    fresh = gen.markdown_table()
    assert embedded == fresh, (
        "the parameter table in docs/ODD.md differs from the schema; "
        "run `.venv/bin/python docs/gen_parameters.py --write`")


def test_generated_table_lists_every_parameter_once():
    table = _gen().markdown_table()
    keys = re.findall(r"^\| `([a-z0-9_.]+)` \|", table, flags=re.M)
    expected = [row["key"] for row in parameter_table()]
    assert keys == expected
    assert len(set(keys)) == len(keys)
    for row in parameter_table():
        line = next(ln for ln in table.splitlines() if ln.startswith(f"| `{row['key']}` |"))
        assert row["source"].replace("|", "\\|") in line


def test_generator_rejects_missing_markers(tmp_path):
    gen = _gen()
    bad = tmp_path / "ODD.md"
    bad.write_text("# no markers here\n")
    with pytest.raises(ValueError):
        gen.write(bad)


def test_generator_write_replaces_only_the_block(tmp_path):
    gen = _gen()
    doc = tmp_path / "ODD.md"
    doc.write_text(f"before\n{gen.START}\nold table\n{gen.END}\nafter\n")
    assert gen.write(doc) is True
    text = doc.read_text()
    assert text.startswith("before\n") and text.endswith("after\n")
    assert gen.embedded_table(text) == gen.markdown_table()
    assert gen.write(doc) is False


def test_every_mechanism_module_is_described_in_submodels():
    section = _submodels_section(ODD.read_text())
    modules = sorted(p.stem for p in MECHANISMS.glob("*.py") if p.stem != "__init__")
    assert modules, "no mechanism modules found"
    missing = [m for m in modules if f"sim/mechanisms/{m}.py" not in section]
    assert not missing, f"docs/ODD.md section 7 does not name: {missing}"


def test_submodels_follow_the_weekly_order():
    section = _submodels_section(ODD.read_text())
    headings = re.findall(r"^### 7\.\d+ .*?\(`sim/mechanisms/([a-z_]+)\.py`", section, flags=re.M)
    weekly = [fn.__module__.rsplit(".", 1)[-1] for _, fn in WEEKLY_ORDER]
    in_order = [h for h in headings if h in weekly]
    assert in_order == weekly, f"section 7 order {in_order} differs from WEEKLY_ORDER {weekly}"


def test_weekly_order_table_names_every_step():
    text = ODD.read_text()
    m = re.search(r"^### 3\.2 .*?$(.*?)(?=^### )", text, flags=re.M | re.S)
    assert m, "docs/ODD.md has no section 3.2"
    rows = re.findall(r"^\| (\d+) \| ([^|]+?) \| `([a-z_]+)\.py` \|", m.group(1), flags=re.M)
    documented = [(name.strip(), module) for _, name, module in rows]
    actual = [(name, fn.__module__.rsplit(".", 1)[-1]) for name, fn in WEEKLY_ORDER]
    assert documented == actual
