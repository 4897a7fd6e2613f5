"""Turn a parsed document into the analysed fields the index stores."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

from opslens.runbooks.sections import Document, strip_markup
from opslens.runbooks.store import DocTerms, SectionRow
from opslens.runbooks.tokenize import analyze, analyze_many, identity_key

__all__ = ["AnalysedDocument", "analyse_document"]


@dataclass(frozen=True)
class AnalysedDocument:
    """Field terms for the document (None when it has no searchable text) and its sections."""

    terms: DocTerms | None
    sections: tuple[SectionRow, ...]


def analyse_document(doc: Document, relpath: str) -> AnalysedDocument:
    """Analyse `doc` found at `relpath` (relative to its indexed directory).

    Fields: `name` = title, front-matter title/aliases and the file name (the identifiers
    alerts are named after); `headings` = all other headings plus the folder names (teams
    group runbooks by component); `body` = section text without markup noise.
    """
    path = PurePosixPath(relpath)
    names = [doc.title, *doc.aliases, path.stem]
    # Identity keys let an alert name match the runbook named after it in any spelling.
    name = analyze_many(names) + [k for k in dict.fromkeys(map(identity_key, names)) if k]
    title_like = {doc.title, *doc.aliases}
    sections: list[SectionRow] = []
    headings: list[str] = list(analyze_many(path.parent.parts))
    body: list[str] = []
    for section in doc.sections:
        own_path = [h for h in section.heading_path if h not in title_like]
        heading_terms = analyze_many(own_path)
        if section.heading and section.heading not in title_like:
            headings.extend(analyze(section.heading))
        body_terms = analyze(strip_markup(section.text, doc.fmt))
        body.extend(body_terms)
        sections.append(
            SectionRow(
                id=0,
                doc_id=0,
                heading=section.heading,
                heading_path=section.heading_path,
                line=section.line,
                text=section.text,
                heading_terms=" ".join(heading_terms),
                body_terms=" ".join(body_terms),
            )
        )
    if not body:
        return AnalysedDocument(None, tuple(sections))
    # What the runbook says it is about: its titles and file name (not URL-style aliases).
    about = [doc.title, doc.front_title, path.stem]
    title_terms = dict.fromkeys(t for n in about for t in analyze(n, compounds=False))
    terms = DocTerms(0, " ".join(name), " ".join(headings), " ".join(body), " ".join(title_terms))
    return AnalysedDocument(terms, tuple(sections))
