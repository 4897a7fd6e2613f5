"""Check everything the model said before any of it is shown.

- Citations to evidence ids that do not exist are removed and counted.
- A hypothesis or narrative with no valid citation is marked unsupported.
- A root cause claimed without valid citations is downgraded to a hypothesis.
- Every suggested command goes through the guard's classifier: only `read_only` commands
  become commands; the rest go to needs-approval or avoid with the guard's reason.
- Text or commands that echo instructions found in suspicious evidence are flagged, and
  such commands are always put in `avoid`.
Commands are data here: nothing is executed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from opslens.llm.guarding import Guard, instruction_text
from opslens.llm.output import HypothesisNote, NarrativeOutput, SuggestedCheck
from opslens.report.labels import Placement, SafetyLabel
from opslens.report.llm_models import LLMCheck, LLMHypothesis, Verification
from opslens.report.models import Evidence

_BRACKET = re.compile(r"\[([^\[\]\n]{1,120})\]")
_ROOT_CAUSE = re.compile(
    r"\broot[- ]?caus|\bprimary cause\b|\bunderlying cause\b|\bcaused by\b|\b(?:is|was) the cause\b",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=\S)")
_WORD = re.compile(r"[\w./:@=-]+")
_TEXT_SHINGLE = 5
_CMD_SHINGLE = 4

DOWNGRADE_PREFIX = "Unverified hypothesis: "


@dataclass
class Verified:
    summary: str
    summary_supported: bool
    hypotheses: list[LLMHypothesis]
    checks: list[LLMCheck]
    open_questions: list[str]
    verification: Verification
    flags: list[str] = field(default_factory=list)
    citations_kept: int = 0  # valid citations; with `verification.dropped_citations`, all of them


@dataclass(frozen=True)
class _Suspect:
    evidence_id: str
    instruction: str


class _Citations:
    """Known ids, and every invalid id met while rewriting text."""

    def __init__(self, known: Iterable[str]) -> None:
        self.known = set(known)
        prefixes = {
            re.match(r"[A-Za-z]+", k).group(0) for k in self.known if re.match(r"[A-Za-z]+\d", k)
        }
        prefix = "|".join(sorted(map(re.escape, prefixes or {"E"})))
        self._id = re.compile(rf"\b(?:{prefix})\d+\b")
        self.dropped: list[str] = []
        self.kept = 0  # valid citations met (the grounding ratio's numerator)

    def filter(self, ids: Iterable[str]) -> list[str]:
        """Valid ids in order; invalid ones are recorded."""
        valid: list[str] = []
        for raw in ids:
            cid = raw.strip().strip("[]")
            if cid in self.known:
                if cid not in valid:
                    valid.append(cid)
                    self.kept += 1
            else:
                self.dropped.append(cid)
        return valid

    def rewrite(self, text: str) -> tuple[str, list[str]]:
        """Remove invalid ids from bracketed citations; return the text and its valid ids."""
        cited: list[str] = []

        def bracket(match: re.Match[str]) -> str:
            ids = self._id.findall(match.group(1))
            if not ids:
                return match.group(0)  # not a citation, e.g. "[warning]"
            valid = self.filter(ids)
            cited.extend(v for v in valid if v not in cited)
            return f"[{', '.join(valid)}]" if valid else ""

        def bare(match: re.Match[str]) -> str:
            if match.group(0) in self.known:
                self.kept += 1
                cited.append(match.group(0))
                return match.group(0)
            self.dropped.append(match.group(0))
            return "[?]"

        rewritten = _BRACKET.sub(bracket, text)
        parts = re.split(r"(\[[^\[\]]*\])", rewritten)  # leave kept brackets alone
        rewritten = "".join(p if p.startswith("[") else self._id.sub(bare, p) for p in parts)
        return re.sub(r"[ \t]+([.,;:])", r"\1", re.sub(r"[ \t]{2,}", " ", rewritten)).strip(), cited


def verify(
    output: NarrativeOutput,
    evidence: list[Evidence],
    hypothesis_refs: Iterable[str],
    guard: Guard,
) -> Verified:
    """Verify the model's output against the report's evidence and the guard."""
    cites = _Citations(e.id for e in evidence)
    suspects = _suspects(evidence, guard)
    counts = Verification()
    flags: list[str] = []

    summary, summary_ok = _verify_summary(guard.strip_control(output.summary), cites, counts)
    flags += _echo_flags("narrative", summary, suspects, guard)

    refs = set(hypothesis_refs)
    notes = [_verify_note(n, cites, counts, refs, guard) for n in output.hypotheses]
    for note in notes:
        note.flags += _echo_flags(
            f"hypothesis {note.title!r}", f"{note.title} {note.commentary}", suspects, guard
        )
        flags += note.flags

    checks = [
        c
        for c in (_verify_check(c, cites, guard, suspects, counts, refs) for c in output.checks)
        if c
    ]
    for check in checks:
        if check.placement is not Placement.COMMANDS:
            counts.commands_moved += 1

    questions = [guard.strip_control(q).strip() for q in output.open_questions if q.strip()]
    for question in questions:
        flags += _echo_flags("open question", question, suspects, guard)

    counts.suspicious_echoes = len(flags) + sum(
        1 for c in checks if c.reason and c.reason.startswith("echoes")
    )
    counts.dropped_citations = len(cites.dropped)
    counts.dropped_ids = sorted(set(cites.dropped))
    return Verified(summary, summary_ok, notes, checks, questions, counts, flags, cites.kept)


def _verify_summary(text: str, cites: _Citations, counts: Verification) -> tuple[str, bool]:
    sentences = []
    any_valid = False
    for sentence in _SENTENCE.split(text.strip()):
        rewritten, cited = cites.rewrite(sentence)
        any_valid = any_valid or bool(cited)
        if _ROOT_CAUSE.search(rewritten) and not cited:
            counts.downgraded_root_causes += 1
            rewritten = DOWNGRADE_PREFIX + rewritten
        sentences.append(rewritten)
    if not any_valid:
        counts.unsupported_claims += 1
    return " ".join(s for s in sentences if s), any_valid


def _verify_note(
    note: HypothesisNote, cites: _Citations, counts: Verification, refs: set[str], guard: Guard
) -> LLMHypothesis:
    title, in_title = cites.rewrite(guard.strip_control(note.title))
    commentary, in_text = cites.rewrite(guard.strip_control(note.commentary))
    valid = cites.filter(note.evidence)
    valid += [i for i in in_title + in_text if i not in valid]
    supported = bool(valid)
    claims_root = note.root_cause or bool(_ROOT_CAUSE.search(f"{title} {commentary}"))
    downgraded = claims_root and not supported
    if not supported:
        counts.unsupported_claims += 1
    if downgraded:
        counts.downgraded_root_causes += 1
    return LLMHypothesis(
        ref=note.ref if note.ref in refs else None,
        title=title or "(untitled)",
        commentary=commentary,
        root_cause=claims_root and supported,
        downgraded=downgraded,
        supported=supported,
        evidence=valid,
    )


def _verify_check(
    check: SuggestedCheck,
    cites: _Citations,
    guard: Guard,
    suspects: list[_Suspect],
    counts: Verification,
    refs: set[str],
) -> LLMCheck | None:
    cmd = guard.strip_control(check.command).strip()
    if not cmd:
        return None
    verdict = guard.classify(cmd)
    label = getattr(verdict.label, "value", str(verdict.label))
    reason = verdict.reason
    echoed = [s.evidence_id for s in suspects if _command_echoes(cmd, s.instruction)]
    if echoed:
        placement = Placement.AVOID
        reason = f"echoes instructions found in suspicious evidence {', '.join(echoed)} (guard: {reason})"
    elif label == SafetyLabel.READ_ONLY:
        placement = Placement.COMMANDS
    elif label == SafetyLabel.DESTRUCTIVE:
        placement = Placement.AVOID
    else:
        placement = Placement.NEEDS_APPROVAL
    purpose, _ = cites.rewrite(guard.strip_control(check.purpose))
    return LLMCheck(
        cmd=cmd,
        purpose=purpose,
        safety=SafetyLabel(label),
        reason=reason,
        placement=placement,
        hypothesis=check.hypothesis if check.hypothesis in refs else None,
        evidence=cites.filter(check.evidence),
    )


def _suspects(evidence: list[Evidence], guard: Guard) -> list[_Suspect]:
    found = []
    for item in evidence:
        finding = guard.find_injection(item.text)
        if item.suspicious or finding is not None:
            text = (
                instruction_text(finding, item.text, guard.strip_control) if finding else item.text
            )
            found.append(_Suspect(item.id, text))
    return found


def _echo_flags(where: str, text: str, suspects: list[_Suspect], guard: Guard) -> list[str]:
    flags = [
        f"{where} echoes instructions from suspicious evidence {s.evidence_id}"
        for s in suspects
        if _shingles(text, _TEXT_SHINGLE) & _shingles(s.instruction, _TEXT_SHINGLE)
    ]
    if not flags and text and guard.find_injection(text) is not None:
        flags.append(f"{where} contains instruction-like text")
    return flags


def _command_echoes(cmd: str, instruction: str) -> bool:
    words = _words(cmd)
    if not words:
        return False
    if len(words) < _CMD_SHINGLE:
        return tuple(words) in _shingles(instruction, len(words))
    return bool(_shingles(cmd, _CMD_SHINGLE) & _shingles(instruction, _CMD_SHINGLE))


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def _shingles(text: str, n: int) -> set[tuple[str, ...]]:
    words = _words(text)
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}
