"""The root-cause categories of the RCA taxonomy (../shared/data/rca-taxonomy.json, version 2).

Every hypothesis, detector and failure signature names one of these; an unknown name is a loud
error listing the known ones (`category()`), never a silent new category.
"""

from __future__ import annotations

from enum import StrEnum


class Category(StrEnum):
    BAD_DEPLOY = "bad-deploy"
    CONFIG_ERROR = "config-error"
    OOM = "oom"
    IMAGE_PULL = "image-pull"
    DB_CONNECTIVITY = "db-connectivity"
    DEPENDENCY_OUTAGE = "dependency-outage"
    DNS_FAILURE = "dns-failure"
    CERT_EXPIRY = "cert-expiry"
    DISK_PRESSURE = "disk-pressure"
    NODE_FAILURE = "node-failure"
    SCHEDULING = "scheduling"
    PROBE_MISCONFIG = "probe-misconfig"
    RESOURCE_EXHAUSTION_CPU = "resource-exhaustion-cpu"
    RATE_LIMIT = "rate-limit"
    NETWORK_POLICY = "network-policy"
    CRASH_BUG = "crash-bug"
    SECRET_MISSING = "secret-missing"
    MODEL_REGRESSION = "model-regression"
    FEATURE_PIPELINE = "feature-pipeline"
    MODEL_DRIFT = "model-drift"
    #: No category: what a report says when the evidence supports none.
    UNKNOWN = "unknown"


def category(name: str) -> Category:
    """The category called `name`; an unknown name is an error that lists the known ones."""
    try:
        return Category(name)
    except ValueError:
        known = ", ".join(c.value for c in Category)
        raise ValueError(f"unknown root-cause category {name!r}; known: {known}") from None
