"""Reports read from a temporary directory cite its files relative to it (`live/...`,
`upload/...`): the directory is gone once the report is written, and its name is this host's."""

from __future__ import annotations

import os
from pathlib import Path

from opslens.report.models import Report

__all__ = ["cited_relative_to"]


def cited_relative_to(report: Report, directory: Path) -> Report:
    """`report` with `directory`'s prefix removed from every path it cites or mentions."""
    prefix = str(directory) + os.sep
    text = report.model_dump_json(by_alias=True)
    if prefix not in text:
        return report
    return Report.model_validate_json(text.replace(prefix.replace("\\", "\\\\"), ""))
