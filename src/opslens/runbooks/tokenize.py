"""Identifier-aware tokenisation shared by indexing and querying.

Runbooks and alerts name the same things in different spellings: `KubePodCrashLooping`,
"pod crash looping", `kube_pod_container_status_restarts_total`, "CrashLoopBackOff". The
pipeline below makes those spellings meet:

1. split text into alphanumeric runs and each run into identifier parts (CamelCase,
   acronym boundaries, snake_case and kebab-case all split), keeping a joined form of
   compound identifiers so an exact alert name still matches its runbook's heading;
2. lower-case and light-stem every part (plurals, -ing, -ed, -ation, final -e);
3. rewrite a small list of Kubernetes/Prometheus abbreviations and phrases to one
   canonical term (`pvc` = "persistent volume claim", `oom` = "out of memory", ...) while
   keeping the surface words, so either spelling matches the other;
4. drop English stop words and tokens that are numbers or begin with a digit.

Indexing and querying both go through `analyze`, so stemming mistakes are consistent.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from functools import lru_cache

__all__ = [
    "ANALYZER_VERSION",
    "STOP_WORDS",
    "analyze",
    "analyze_many",
    "identity_key",
    "split_identifier",
    "stem",
]

#: Bump when the output of `analyze` changes: stored indexes are rebuilt on mismatch.
ANALYZER_VERSION = 2

_RUN = re.compile(r"[^\W_]+(?:'[^\W_]+)?")
# Boundaries inside one alphanumeric run: "etcdGRPCRequests" -> etcd | GRPC | Requests.
# Digits stick to the letters before them so "k8s", "ipv4" and "etcd3" stay whole.
_PART = re.compile(r"[A-Z0-9]+(?=[A-Z][a-z])|[A-Z]?[a-z0-9]+|[A-Z0-9]+")
_DIGIT_START = re.compile(r"[0-9]")

STOP_WORDS = frozenset(
    ["a", "about", "above", "after", "again", "against", "all", "am", "an", "and", "any", "are", "as", "at", "be", "because", "been", "before", "being", "below", "between", "both", "but", "by", "can", "could", "did", "do", "does", "doing", "down", "during", "each", "few", "for", "from", "further", "had", "has", "have", "having", "he", "her", "here", "hers", "herself", "him", "himself", "his", "how", "i", "if", "in", "into", "is", "it", "its", "itself", "just", "me", "more", "most", "my", "myself", "no", "nor", "not", "of", "off", "on", "once", "only", "or", "other", "our", "ours", "ourselves", "out", "over", "own", "same", "she", "should", "so", "some", "such", "than", "that", "the", "their", "theirs", "them", "themselves", "then", "there", "these", "they", "this", "those", "through", "to", "too", "under", "until", "up", "very", "was", "we", "were", "what", "when", "where", "which", "while", "who", "whom", "why", "will", "with", "would", "you", "your", "yours", "yourself", "yourselves", "also", "may", "might", "must", "shall", "s", "t", "e", "g", "eg", "ie", "etc", "via", "per"]
)

# Equivalence classes: a canonical term and the spellings that mean it. Grounded in general
# Kubernetes / Prometheus / Linux vocabulary, not in any particular corpus.
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "pvc": ("pvc", "persistent volume claim", "persistentvolumeclaim"),
    "pv": ("pv", "persistent volume", "persistentvolume"),
    "oom": ("oom", "out of memory", "oomkilled", "oomkill", "oom killed", "oom killer"),
    "crashloop": (
        "crashloop", "crash loop", "crashlooping", "crash looping", "crashloopbackoff",
        "crash loop back off",
    ),
    "fail": ("fail", "failure"),
    "hpa": ("hpa", "horizontal pod autoscaler", "horizontalpodautoscaler"),
    "pdb": ("pdb", "pod disruption budget", "poddisruptionbudget"),
    "certificate": ("certificate", "cert", "certs", "x509"),
    "filesystem": ("filesystem", "fs", "file system"),
    "kubernetes": ("kubernetes", "k8s", "kube"),
    "apiserver": ("apiserver", "api server", "kube apiserver", "kubernetes api"),
    "statefulset": ("statefulset", "sts", "stateful set"),
    "daemonset": ("daemonset", "daemon set"),
    "deployment": ("deployment", "deploy"),
    "memory": ("memory", "mem", "ram"),
    "throttle": ("throttle", "throttling", "throttled"),
    "fd": ("fd", "fds", "file descriptor", "filedescriptor"),
    "tsdb": ("tsdb", "time series database"),
    "dns": ("dns", "coredns", "kube dns", "name resolution"),
    "tls": ("tls", "ssl"),
    "imagepull": ("imagepull", "image pull", "imagepullbackoff", "errimagepull"),
    "configmap": ("configmap", "config map"),
    "config": ("config", "configuration", "configure", "cfg"),
    "ntp": ("ntp", "chrony", "chronyd", "timesyncd", "clock sync", "time sync"),
    "conntrack": ("conntrack", "connection tracking"),
    "latency": ("latency", "latencies"),
}


# A canonical term that always implies a broader one: a claim is bound to a volume.
_IMPLIES: dict[str, tuple[str, ...]] = {"pvc": ("pv",)}


def stem(word: str) -> str:
    """Light suffix stripping: plurals, -ing, -ed, -ation and a final -e.

    Deliberately weaker than Porter: it only conflates forms that are nearly always the same
    concept in operations text ("failing"/"failed"/"fails" -> "fail").
    """
    if len(word) <= 3 or not word.isalpha() or word in STOP_WORDS:
        return word
    w = word
    if w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith(("sses", "shes", "ches", "xes", "zes")):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    for suffix in ("ation", "ing", "ed"):
        if w.endswith(suffix) and _has_vowel(w[: -len(suffix)]) and len(w) - len(suffix) >= 3:
            w = w[: -len(suffix)]
            if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "lsz":
                w = w[:-1]  # "running" -> "run", "dropped" -> "drop"
            break
    if w.endswith(("tion", "sion")) and len(w) > 6:
        w = w[:-3]  # "completion" -> "complet", like "completed"
    if w.endswith("e") and len(w) > 4:
        w = w[:-1]
    return w


def _has_vowel(text: str) -> bool:
    return any(ch in "aeiouy" for ch in text)


def split_identifier(run: str) -> list[str]:
    """Split one alphanumeric run into its identifier parts, original case kept.

    >>> split_identifier("etcdGRPCRequestsSlow")
    ['etcd', 'GRPC', 'Requests', 'Slow']
    """
    if not run.isascii():
        return [run]  # case boundaries are only trusted in ASCII identifiers
    parts = _PART.findall(run)
    return parts if parts else [run]


def _raw_terms(text: str) -> Iterator[tuple[str, bool]]:
    """(lower-cased word, is_joined_compound) pairs in reading order, before stemming."""
    for match in _RUN.finditer(text.replace("’", "'")):
        run = match.group(0).split("'")[0]
        for chunk in run.split("_"):
            parts = split_identifier(chunk)
            for part in parts:
                yield part.lower(), False
            if len(parts) > 1 and not _DIGIT_START.match(chunk):
                yield chunk.lower(), True


@lru_cache(maxsize=1)
def _phrase_table() -> dict[tuple[str, ...], str]:
    """Stemmed surface phrase -> canonical term."""
    table: dict[tuple[str, ...], str] = {}
    for canonical, surfaces in _SYNONYMS.items():
        for surface in surfaces:
            table[tuple(stem(w) for w in surface.split())] = canonical
    return table


@lru_cache(maxsize=1)
def _max_phrase_len() -> int:
    return max(len(k) for k in _phrase_table())


def _canonical_terms(words: list[str]) -> Iterator[str]:
    """Rewrite one-word synonyms to their canonical term; add the canonical term of a
    multi-word phrase while keeping the phrase's own words."""
    table = _phrase_table()
    longest = _max_phrase_len()
    for i, word in enumerate(words):
        single = table.get((word,))
        yield single if single is not None else word
        yield from _IMPLIES.get(single or "", ())
        for size in range(min(longest, len(words) - i), 1, -1):
            canonical = table.get(tuple(words[i : i + size]))
            if canonical is not None:
                if canonical != single:  # "OOM killed" adds nothing to "OOM"
                    yield canonical
                    yield from _IMPLIES.get(canonical, ())
                break


def _keep(term: str) -> bool:
    return len(term) > 1 and term not in STOP_WORDS and not term[0].isdigit()


def analyze(text: str, *, compounds: bool = True) -> list[str]:
    """Normalised index/query terms of `text`, in reading order (duplicates kept).

    Joined compounds ("kubepodcrashloop" for `KubePodCrashLooping`) follow the parts unless
    `compounds` is False.

    >>> analyze("KubePodCrashLooping")
    ['kubernetes', 'pod', 'crash', 'crashloop', 'loop', 'kubepodcrashloop']
    """
    plain: list[str] = []
    joined: list[str] = []
    for word, is_joined in _raw_terms(unicodedata.normalize("NFKC", text)):
        (joined if is_joined else plain).append(stem(word))
    # Phrases are matched before stop words go, so "out of memory" is still seen.
    out = [t for t in _canonical_terms(plain) if _keep(t)]
    table = _phrase_table()
    if compounds:
        for compound in filter(_keep, joined):
            canonical = table.get((compound,), compound)
            out.append(canonical)
            out.extend(_IMPLIES.get(canonical, ()))
    return out


_NON_ALNUM = re.compile(r"[\W_]+")


def identity_key(name: str) -> str:
    """One term identifying a name however it is spelled: `KubePodCrashLooping`,
    "Kube Pod Crash Looping", `kube-pod-crash-looping` and `kubepodcrashlooping` all give
    `kubepodcrashloop`. Equal to the joined compound `analyze` emits for a CamelCase name.
    """
    joined = stem(_NON_ALNUM.sub("", name).lower())
    return _phrase_table().get((joined,), joined) if joined else ""


def analyze_many(texts: Iterable[str]) -> list[str]:
    """`analyze` over several texts, concatenated."""
    out: list[str] = []
    for text in texts:
        out.extend(analyze(text))
    return out
