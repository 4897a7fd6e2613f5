"""Splitting Markdown, reStructuredText and plain text into sections."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from opslens.runbooks.sections import DocFormat, format_for, parse_document, strip_markup


def paths(text: str, fmt: DocFormat) -> list[tuple[str, ...]]:
    return [s.heading_path for s in parse_document(text, fmt).sections]


def test_markdown_atx_headings_nest_into_heading_paths():
    text = "# Disk full\n\nintro\n\n## Diagnosis\nrun du\n\n### Logs\nold logs\n\n## Mitigation\nclean\n"
    doc = parse_document(text, DocFormat.MARKDOWN)
    assert doc.title == "Disk full"
    assert [s.heading_path for s in doc.sections] == [
        ("Disk full",),
        ("Disk full", "Diagnosis"),
        ("Disk full", "Diagnosis", "Logs"),
        ("Disk full", "Mitigation"),
    ]
    assert [s.text for s in doc.sections] == ["intro", "run du", "old logs", "clean"]
    assert [s.line for s in doc.sections] == [1, 5, 8, 11]


def test_markdown_setext_headings():
    text = "Disk full\n=========\n\nintro\n\nDiagnosis\n---------\nrun du\n"
    assert paths(text, DocFormat.MARKDOWN) == [("Disk full",), ("Disk full", "Diagnosis")]


@pytest.mark.parametrize("fence", ["```", "~~~", "````"])
def test_markdown_code_fences_hide_hash_lines(fence):
    text = f"# Title\n\n## Fix\n{fence}bash\n# not a heading\nrm -rf /tmp/x\n{fence}\nafter\n"
    doc = parse_document(text, DocFormat.MARKDOWN)
    assert [s.heading for s in doc.sections] == ["Title", "Fix"]
    assert "# not a heading" in doc.sections[1].text
    assert doc.sections[1].text.endswith("after")


def test_markdown_thematic_break_after_blank_line_is_not_a_heading():
    text = "# Title\n\npara\n\n---\n\nmore\n- item\n---\n"
    assert [s.heading for s in parse_document(text, DocFormat.MARKDOWN).sections] == ["Title"]


def test_markdown_atx_closing_hashes_and_empty_heading():
    doc = parse_document("## Meaning ##\nx\n#\ny\n", DocFormat.MARKDOWN)
    assert [s.heading for s in doc.sections] == ["Meaning", ""]


@pytest.mark.parametrize(
    ("front", "title", "aliases"),
    [
        ("---\ntitle: Kube Pod Crash Looping\naliases:\n  - /kpcl/\n---\n", "Body Title",
         ("Kube Pod Crash Looping", "/kpcl/")),
        ('+++\ntitle = "TOML Title"\n+++\n', "Body Title", ("TOML Title",)),
        ("---\n: not yaml [\n---\n", "Body Title", ()),
    ],
)
def test_front_matter_gives_aliases_and_keeps_line_numbers(front, title, aliases):
    doc = parse_document(front + "# Body Title\ntext\n", DocFormat.MARKDOWN)
    assert (doc.title, doc.aliases) == (title, aliases)
    assert doc.sections[0].line == front.count("\n") + 1


def test_front_matter_title_is_the_title_without_a_top_heading():
    doc = parse_document("---\ntitle: Only Front\n---\nplain text\n", DocFormat.MARKDOWN)
    assert doc.title == "Only Front"
    assert doc.sections[0].heading == "" and doc.sections[0].text == "plain text"


RST = """\
==========
 Database
==========

Intro text.

Replication lag
---------------

Body ::

    # literal block, not a title
    =====

Checks
~~~~~~
x

Backups
-------
y
"""


def test_rst_levels_follow_first_use_of_each_underline_style():
    doc = parse_document(RST, DocFormat.RST)
    assert doc.title == "Database"
    assert [s.heading_path for s in doc.sections] == [
        ("Database",),
        ("Database", "Replication lag"),
        ("Database", "Replication lag", "Checks"),
        ("Database", "Backups"),
    ]
    assert "# literal block" in doc.sections[1].text


def test_plain_text_underlines_and_capitalised_headings():
    text = "Kafka lag\n\nMEANING\nconsumers fall behind\n\nFix it\n------\nrestart\n"
    doc = parse_document(text, DocFormat.TEXT, name="kafka")
    assert doc.title == "Kafka lag"
    assert [s.heading for s in doc.sections] == ["", "MEANING", "Fix it"]
    assert doc.sections[1].text == "consumers fall behind"


def test_plain_text_without_headings_is_one_section_named_after_the_file():
    doc = parse_document("x" * 100 + "\nsecond line\n", DocFormat.TEXT, name="notes")
    assert doc.title == "notes"
    assert len(doc.sections) == 1


@pytest.mark.parametrize(
    ("name", "fmt"),
    [("a.md", DocFormat.MARKDOWN), ("A.MARKDOWN", DocFormat.MARKDOWN), ("b.rst", DocFormat.RST),
     ("c.txt", DocFormat.TEXT), ("LICENSE", None), ("d.json", None)],
)
def test_format_by_suffix(name, fmt):
    assert format_for(Path(name)) == fmt


def test_strip_markup_keeps_link_text_and_drops_targets():
    md = 'See [the docs](https://example.com/x "t") and <b>bold</b> {{< ref "y.md" >}} https://a.b/c'
    assert strip_markup(md, DocFormat.MARKDOWN).split() == ["See", "the", "docs", "and", "bold"]
    rst = "Use :ref:`backup guide <backups>` and `site <https://x.y>`_."
    assert strip_markup(rst, DocFormat.RST) == "Use backup guide and site."


_LINE = st.text(alphabet="abc xyz#=-`", min_size=0, max_size=12)


@given(st.lists(_LINE, max_size=30))
def test_markdown_loses_no_words(lines):
    """Every word of the input (after a first line, so no front matter) is in some heading
    or section text."""
    text = "\n".join(["intro", *lines])
    doc = parse_document(text, DocFormat.MARKDOWN)
    kept = " ".join(f"{s.heading} {s.text}" for s in doc.sections)
    for word in text.replace("#", " ").replace("=", " ").replace("-", " ").replace("`", " ").split():
        assert word in kept
