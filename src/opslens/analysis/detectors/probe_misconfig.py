"""probe-misconfig: an aggressive or wrong liveness/readiness probe restarts healthy containers."""

from __future__ import annotations

import re

from opslens.analysis.detectors._shared import Support, on, score_candidate
from opslens.analysis.detectors.base import (
    Candidate,
    Context,
    Detector,
    combine,
    register,
    top_workload,
)
from opslens.analysis.hits import SignalHit

#: The port a failing HTTP/TCP probe dialled (`Get "http://10.1.4.22:8080/health": ...`).
_PROBE_PORT = re.compile(r"probe failed: (?:Get \S*?|dial tcp )[\d.]+:(\d{2,5})\b")
#: Where the application says it listens (`listening on :9090`, `Tomcat started on port(s): 9090`).
_LISTEN_PORT = re.compile(
    r"(?:listening|listen|serving|started|running)\b.{0,40}?(?:port\(s\)|port|addr(?:ess)?|on|at)[ :=\"]*"
    r"(?:https?://)?(?:[\w.-]*:)?(\d{2,5})\b",
    re.I,
)
#: A probe that gave up waiting (its timeoutSeconds), rather than one that got an error back.
_TIMED_OUT = re.compile(r"Client\.Timeout exceeded|context deadline exceeded|timeout: failed to connect|i/o timeout|timed out", re.I)


@register
class ProbeMisconfigDetector(Detector):
    category = "probe-misconfig"
    title = "Liveness/startup probe kills containers that are still starting or healthy"

    def detect(self, ctx: Context) -> list[Candidate]:
        kills = ctx.fresh("liveness_kill")
        if not kills:
            return self._readiness_only(ctx)
        culprit = top_workload(kills)
        # A probe that fails because the app crashed, ran out of memory or cannot read its
        # config is a symptom; graceful shutdown logs and normal start-up lines say the app was fine.
        cand = score_candidate(
            ctx,
            category=self.category,
            title=self.title,
            culprit=culprit,
            primary=on(kills, culprit) or kills,
            support=[Support("graceful_shutdown", 0.35), Support("app_startup", 0.15, symptom=False), Support("crash_loop", 0.1)],
            change_weight=0.35,
            against=[
                (on(ctx.fresh("oom_kill", "exit_137"), culprit), 0.5),
                (on(ctx.fresh("startup_config_error", "app_crash", "secret_missing", "image_pull"), culprit), 0.5),
                (on(ctx.fresh("db_connection", "dns_failure", "cert_expired"), culprit), 0.3),
            ],
            rationale="The kubelet restarts the container after failed liveness probes while its logs show an orderly start and shutdown.",
        )
        return [cand] if cand else []

    def _readiness_only(self, ctx: Context) -> list[Candidate]:
        """Pods taken out of service by a readiness probe that a change just altered, while the
        application itself reports no errors."""
        unready = ctx.fresh("readiness_fail", "probe_path_missing")
        if not unready:
            return []
        culprit = top_workload(unready)  # None for a pasted probe line that names no pod
        primary = on(unready, culprit) or unready
        cand = score_candidate(
            ctx,
            category=self.category,
            title="Readiness probe keeps healthy pods out of service",
            culprit=culprit,
            primary=primary,
            change_weight=0.5,
            against=[(on(ctx.fresh("app_crash", "http_5xx", "db_connection", "dns_failure", "cert_expired",
                                    "oom_kill", "startup_config_error", "dependency_failure"), culprit), 0.6)],
            rationale="Readiness probes fail right after a change to the workload while its own logs show no errors.",
        )
        if cand is None:
            return []
        listeners = _listeners_elsewhere(ctx, primary)
        if listeners:
            # The app listens on another port than the probe dials: the probe itself is wrong.
            cand.score = combine([cand.score, 0.45])
            cand.evidence += [e for e in ctx.cite_all(listeners, limit=1) if e not in cand.evidence]
            cand.rationale += " The probe dials a port the application does not listen on."
        elif any(h.signal == "probe_path_missing" for h in primary):
            pass  # the app answers, only not where the probe asks: the probe itself is wrong
        elif cand.change is None and not _timed_out(primary):
            cand.score *= 0.4  # unready pods without a probe change are usually a symptom
        elif cand.change is None:
            cand.score *= 0.8  # a probe that times out on a healthy app: its timeout is too short
        return [cand]


def _timed_out(probes: list[SignalHit]) -> bool:
    """Whether any of the probes' lines (not only each hit's first) gave up waiting."""
    return any(_TIMED_OUT.search(h.text) or any(_TIMED_OUT.search(e.message) for e in h.events) for h in probes)


def _listeners_elsewhere(ctx: Context, probes: list[SignalHit]) -> list[SignalHit]:
    """The application's lines saying where it listens, when that is never the port the probes
    dial (the probe points at the wrong port); empty otherwise."""
    dialled = {m.group(1) for h in probes for m in _PROBE_PORT.finditer(h.text)}
    if not dialled:
        return []
    said = [(h, m.group(1)) for h in ctx.all("app_startup", "probe_listener") for e in h.events
            for m in _LISTEN_PORT.finditer(e.raw)]
    if not said or dialled & {port for _, port in said}:
        return []
    return list({id(h): h for h, _ in said}.values())
