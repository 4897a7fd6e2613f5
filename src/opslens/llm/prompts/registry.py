"""Listing, loading, hashing and sandboxed rendering of the packaged prompt files.

A prompt file is `<name>/<version>.md`: a YAML header between `---` lines (name, version,
purpose, task, output_schema) and a body with `<!-- role: system -->` and
`<!-- role: user -->` sections rendered by Jinja2's `SandboxedEnvironment`. Untrusted text
never reaches a template raw: callers pass it already fenced by the guard.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml
from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from opslens.errors import ConfigError

_HEADER = re.compile(r"\A---\n(.*?)\n---\n", re.DOTALL)
_ROLE = re.compile(r"^<!-- role: (system|user) -->\n", re.MULTILINE)
_VERSION = re.compile(r"^v(\d+)$")
_REQUIRED = ("name", "version", "purpose", "output_schema")

_env = SandboxedEnvironment(
    undefined=StrictUndefined,
    autoescape=False,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=False,
)


@dataclass(frozen=True)
class Prompt:
    name: str
    version: str
    purpose: str
    task: str | None
    output_schema: str
    system: str
    user: str
    sha256: str
    text: str

    @property
    def ref(self) -> str:
        """`name@version`."""
        return f"{self.name}@{self.version}"


@dataclass(frozen=True)
class RenderedPrompt:
    prompt: Prompt
    system: str
    user: str


def list_prompts() -> list[Prompt]:
    """Every packaged prompt, every version, sorted by name then version number."""
    root = resources.files(__package__)
    found = []
    for folder in root.iterdir():
        if folder.is_dir() and not folder.name.startswith(("_", ".")):
            for file in folder.iterdir():
                if file.name.endswith(".md"):
                    found.append(
                        _parse(file.read_text(encoding="utf-8"), f"{folder.name}/{file.name}")
                    )
    return sorted(found, key=lambda p: (p.name, _number(p.version)))


def load_prompt(ref: str, active: dict[str, str] | None = None) -> Prompt:
    """Load `name` or `name@version`; without a version, the configured one, else the newest."""
    name, _, version = ref.partition("@")
    candidates = [p for p in list_prompts() if p.name == name]
    if not candidates:
        known = sorted({p.name for p in list_prompts()})
        raise ConfigError(f"unknown prompt {name!r}; known: {', '.join(known)}")
    version = version or (active or {}).get(name) or candidates[-1].version
    for prompt in candidates:
        if prompt.version == version:
            return prompt
    versions = ", ".join(p.version for p in candidates)
    raise ConfigError(f"prompt {name} has no version {version!r}; available: {versions}")


def render(prompt: Prompt, variables: dict[str, Any]) -> RenderedPrompt:
    """Render both roles in the sandbox; a missing variable is an error, not an empty string."""
    try:
        system = _env.from_string(prompt.system).render(variables)
        user = _env.from_string(prompt.user).render(variables)
    except TemplateError as exc:
        raise ConfigError(f"prompt {prompt.ref} failed to render: {exc}") from exc
    return RenderedPrompt(prompt, system.strip() + "\n", user.strip() + "\n")


def _parse(text: str, where: str) -> Prompt:
    match = _HEADER.match(text)
    if not match:
        raise ConfigError(f"prompt file {where}: missing the --- header ---")
    header = yaml.safe_load(match.group(1)) or {}
    missing = [k for k in _REQUIRED if not header.get(k)]
    if missing:
        raise ConfigError(f"prompt file {where}: header lacks {', '.join(missing)}")
    if not _VERSION.match(str(header["version"])):
        raise ConfigError(f"prompt file {where}: version must look like v1, v2, ...")
    sections = dict(_sections(text[match.end() :]))
    if set(sections) != {"system", "user"}:
        raise ConfigError(f"prompt file {where}: needs one system and one user section")
    return Prompt(
        name=str(header["name"]),
        version=str(header["version"]),
        purpose=str(header["purpose"]).strip(),
        task=header.get("task"),
        output_schema=str(header["output_schema"]),
        system=sections["system"],
        user=sections["user"],
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        text=text,
    )


def _sections(body: str) -> list[tuple[str, str]]:
    marks = list(_ROLE.finditer(body))
    return [
        (m.group(1), body[m.end() : marks[i + 1].start() if i + 1 < len(marks) else len(body)])
        for i, m in enumerate(marks)
    ]


def _number(version: str) -> int:
    match = _VERSION.match(version)
    return int(match.group(1)) if match else 0
