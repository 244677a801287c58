"""simlib.preset_table: the presets as a readable table (lesson 00), in HTML and in plain text."""

from __future__ import annotations

import html.parser

import pytest

import simlib
from simlib.presets import preset_changes


class _Table(html.parser.HTMLParser):
    """Collect the cell texts of each table row."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "br" and self._cell is not None:
            self._cell.append("\n")

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def test_html_table_has_one_row_per_preset_with_what_it_shows_and_changes():
    parser = _Table()
    parser.feed(simlib.preset_table()._repr_html_())
    header, *rows = parser.rows
    assert header == ["Preset", "What it shows", "What it changes", "Source"]
    assert [r[0] for r in rows] == list(simlib.PRESETS)
    by_name = {r[0]: r for r in rows}
    assert by_name["hypocalcaemia"][1] == simlib.PRESET_INFO["hypocalcaemia"].description
    assert by_name["hypocalcaemia"][2] == "Extracellular Ca²⁺ 0.75 mM (healthy 1.2 mM)"
    assert by_name["healthy"][2] == "nothing: the healthy defaults"
    assert by_name["spasticity"][2].splitlines()[0] == "Simulated time 4 s (healthy 3 s)"
    assert "Stretch at 2 s (healthy none)" in by_name["spasticity"][2].splitlines()


def test_html_escapes_and_names_its_headers():
    page = simlib.preset_table()._repr_html_()
    assert "Harrison&#x27;s" in page and "Harrison's" not in page
    assert page.count('scope="col"') == 4 and page.count('scope="row"') == len(simlib.PRESETS)


def test_plain_text_wraps_at_word_boundaries():
    text = repr(simlib.preset_table())
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 88
    for block in text.split("\n\n"):
        name, *rest = block.splitlines()
        shown = " ".join(line.strip() for line in rest[:next(i for i, r in enumerate(rest) if "Changes:" in r)])
        # the description comes back whole: lines are broken between words only (no "tetan / y")
        assert shown == simlib.PRESET_INFO[name].description


def test_a_selection_and_an_unknown_name():
    assert [r[0] for r in simlib.preset_table(("cold", "warm")).rows] == ["cold", "warm"]
    with pytest.raises(KeyError, match="not presets: \\['col'\\]"):
        simlib.preset_table(("col",))


def test_changes_in_words_for_every_preset():
    for name in simlib.PRESETS:
        changes = preset_changes(name)
        assert (name == "healthy") == (changes == [])
        assert all("(healthy " in c for c in changes)
