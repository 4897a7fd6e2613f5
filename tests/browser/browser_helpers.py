"""What the browser tests share (imported by name: `from browser_helpers import ...`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from server_helpers import TOKEN

HERE = Path(__file__).resolve().parent
#: Screenshots the tests save (gitignored): look at them after a run.
SCREENSHOTS = HERE / "screenshots"
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 900}


def login(page: Any, base_url: str) -> None:
    """Log in through the form, as a person would."""
    page.goto(f"{base_url}/")
    assert "/login" in page.url
    page.get_by_label("API token").fill(TOKEN)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base_url}/incidents")


def shoot(page: Any, name: str) -> None:
    """Save the full page as tests/browser/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
