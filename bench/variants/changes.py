"""Change records: Argo CD Applications with status.history and `git log --format=fuller`."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from bench.variants import clock
from bench.variants.bundle import Bundle


@dataclass
class Commit:
    """One commit of the GitOps repository."""

    sha: str
    author: str
    email: str
    t: float
    subject: str
    body: str = ""
    files: list[tuple[str, str]] = field(default_factory=list)  # (status letter, path)
    committer: tuple[str, str] | None = None


def sha(b: Bundle) -> str:
    """A full commit id."""
    return b.hexid(40)


def git_log_fuller(commits: list[Commit]) -> str:
    """`git log --format=fuller --name-status`, newest first."""
    out: list[str] = []
    for c in sorted(commits, key=lambda c: -c.t):
        cname, cmail = c.committer or (c.author, c.email)
        out += [f"commit {c.sha}", f"Author:     {c.author} <{c.email}>", f"AuthorDate: {clock.git_date(c.t - 95)}",
                f"Commit:     {cname} <{cmail}>", f"CommitDate: {clock.git_date(c.t)}", "", f"    {c.subject}"]
        if c.body:
            out.append("    ")
            out += [f"    {line}" if line else "    " for line in c.body.splitlines()]
        if c.files:
            out.append("")
            out += [f"{s}\t{p}" for s, p in c.files]
        out.append("")
    return "\n".join(out)


def background_commits(b: Bundle, repo_apps: list[str], n: int = 6) -> list[Commit]:
    """Older, unrelated commits of the GitOps repo (hours to days before the window)."""
    people = [("Ines Duarte", "ines.duarte"), ("Oskar Lind", "oskar.lind"), ("Mei Tanaka", "mei.tanaka"),
              ("Ravi Menon", "ravi.menon"), ("renovate[bot]", "29139614+renovate[bot]")]
    subjects = ["{a}: bump chart to {v}", "{a}: raise HPA maxReplicas to {r}", "{a}: add PodDisruptionBudget",
                "docs: update runbook link for {a}", "{a}: tune resource requests", "{a}: add topologySpreadConstraints"]
    out = []
    t = b.start - 3600 * b.rng.uniform(2, 6)
    for _ in range(n):
        app = b.rng.choice(repo_apps)
        who, mail = b.rng.choice(people)
        domain = "users.noreply.github.com" if "bot" in who else "example.org"
        subj = b.rng.choice(subjects).format(a=app, v=f"{b.rng.randint(1, 4)}.{b.rng.randint(0, 20)}.{b.rng.randint(0, 9)}",
                                             r=b.rng.randint(6, 20))
        out.append(Commit(sha(b), who, f"{mail}@{domain}", t, subj, files=[("M", f"apps/{app}/values-prod.yaml")]))
        t -= 3600 * b.rng.uniform(3, 30)
    return out


def argocd_app(b: Bundle, app: str, ns: str, repo: str, path: str, history: list[tuple[float, str, str | None]],
               images: list[str], health: str = "Healthy", sync: str = "Synced",
               conditions: list[dict] | None = None, first_id: int = 40) -> dict:
    """An argoproj.io/v1alpha1 Application as `kubectl get application -o json` prints it.

    history: (deployedAt, revision, username or None for an automated sync), oldest first.
    """
    hist = []
    for k, (t, rev, user) in enumerate(history):
        hist.append({"deployStartedAt": clock.iso(t - b.rng.randint(2, 9)), "deployedAt": clock.iso(t),
                     "id": first_id + k, "initiatedBy": {"username": user} if user else {"automated": True},
                     "revision": rev, "source": {"path": path, "repoURL": repo, "targetRevision": "main"}})
    last_t, last_rev, _ = history[-1]
    status: dict = {
        "controllerNamespace": "argocd", "health": {"status": health}, "history": hist,
        "operationState": {
            "finishedAt": clock.iso(last_t), "message": "successfully synced (all tasks run)",
            "operation": {"initiatedBy": hist[-1]["initiatedBy"], "retry": {"limit": 5},
                          "sync": {"revision": last_rev, "syncStrategy": {"hook": {}}}},
            "phase": "Succeeded", "startedAt": hist[-1]["deployStartedAt"],
            "syncResult": {"revision": last_rev, "source": {"path": path, "repoURL": repo, "targetRevision": "main"}},
        },
        "reconciledAt": clock.iso(b.end - 40), "resourceHealthSource": "appTree",
        "summary": {"images": images},
        "sync": {"comparedTo": {"destination": {"namespace": ns, "server": "https://kubernetes.default.svc"},
                                "source": {"path": path, "repoURL": repo, "targetRevision": "main"}},
                 "revision": last_rev, "status": sync},
    }
    if conditions:
        status["conditions"] = conditions
    return {
        "apiVersion": "argoproj.io/v1alpha1", "kind": "Application",
        "metadata": {"annotations": {"notifications.argoproj.io/subscribe.on-sync-failed.slack": "deploys"},
                     "creationTimestamp": clock.iso(b.start - 86400 * 200), "finalizers": ["resources-finalizer.argocd.argoproj.io"],
                     "generation": b.rng.randint(2000, 90000), "labels": {"env": "prod", "team": ns},
                     "name": app, "namespace": "argocd", "resourceVersion": str(b.rng.randint(10**8, 10**9)),
                     "uid": b.uid()},
        "spec": {"destination": {"namespace": ns, "server": "https://kubernetes.default.svc"}, "project": ns,
                 "source": {"path": path, "repoURL": repo, "targetRevision": "main"},
                 "syncPolicy": {"automated": {"prune": True, "selfHeal": True}, "syncOptions": ["CreateNamespace=false"]}},
        "status": status,
    }


def old_history(b: Bundle, n: int, before: float) -> list[tuple[float, str, str | None]]:
    """n older syncs, days apart, ending well before `before`."""
    t = before - 86400 * b.rng.uniform(1.5, 4)
    out = []
    for _ in range(n):
        out.append((t, sha(b), b.rng.choice([None, "ines.duarte", "oskar.lind", None])))
        t -= 86400 * b.rng.uniform(1, 5)
    return list(reversed(out))


def write_apps(b: Bundle, apps: list[dict], name: str = "argocd-apps.json") -> None:
    """One Application (`argocd-app.json`) or a List of them, as kubectl prints it."""
    if len(apps) == 1:
        b.file(name, json.dumps(apps[0], indent=4) + "\n")
        return
    doc = {"apiVersion": "v1", "items": apps, "kind": "List", "metadata": {"resourceVersion": ""}}
    b.file(name, json.dumps(doc, indent=4) + "\n")
