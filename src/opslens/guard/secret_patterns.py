"""Known secret formats, as (kind, regex) pairs whose group 1 is the secret value.

Formats come from the vendors' documented token shapes (prefixes, lengths, alphabets). The
redactor joins them into one alternation behind a literal keyword prefilter.
"""

from __future__ import annotations

import re

#: (kind, pattern, literal keywords that must occur for the pattern to match)
TOKEN_PATTERNS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        "aws-access-key-id",
        r"\b((?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16})\b",
        ("AKIA", "ASIA", "ABIA", "ACCA"),
    ),
    (
        "aws-session-token",
        r"\b((?:IQoJb3JpZ2lu|FwoGZXIvYXdz|FQoGZXIvYXdz|AQoDYXdz|AQoJb3JpZ2lu)[A-Za-z0-9/+=]{40,})",
        ("IQoJ", "FwoG", "FQoG", "AQoD", "AQoJ"),
    ),
    ("gcp-api-key", r"\b(AIza[0-9A-Za-z_-]{35})", ("AIza",)),
    ("gcp-oauth-token", r"\b(ya29\.[0-9A-Za-z_-]{20,})", ("ya29.",)),
    ("gcp-refresh-token", r"(?<![\w/])(1//0[0-9A-Za-z_-]{30,})", ("1//0",)),
    ("gcp-client-secret", r"\b(GOCSPX-[0-9A-Za-z_-]{20,})", ("GOCSPX-",)),
    (
        "github-token",
        r"\b(gh[pousr]_[A-Za-z0-9]{30,255})\b",
        ("ghp_", "gho_", "ghu_", "ghs_", "ghr_"),
    ),
    ("github-token", r"\b(github_pat_[A-Za-z0-9_]{22,255})", ("github_pat_",)),
    (
        "gitlab-token",
        r"\b(gl(?:pat|dt|rt|ptt|soat|cbt|oas|imt|ft|ffct|agent|wt|suat|rtr)-[0-9A-Za-z_-]{20,})",
        ("gl",),
    ),
    ("gitlab-token", r"\b(GR1348941[0-9A-Za-z_-]{20,})", ("GR1348941",)),
    ("slack-token", r"\b(xox[abposre]-[0-9A-Za-z-]{10,})", ("xox",)),
    ("slack-token", r"\b(xapp-\d-[A-Za-z0-9-]{20,})", ("xapp-",)),
    (
        "slack-webhook",
        r"hooks\.slack\.com/(?:services|workflows|triggers)/T[A-Z0-9]+/B[A-Z0-9]+/([A-Za-z0-9]{16,})",
        ("hooks.slack.com",),
    ),
    (
        "discord-webhook",
        r"discord(?:app)?\.com/api/webhooks/\d+/([A-Za-z0-9_-]{30,})",
        ("discord",),
    ),
    (
        "teams-webhook",
        r"webhook\.office\.com/webhookb2/\S*?/IncomingWebhook/([A-Za-z0-9]{20,}/[0-9a-fA-F-]{36})",
        ("webhook.office.com",),
    ),
    ("stripe-key", r"\b((?:sk|rk)_(?:live|test)_[0-9A-Za-z]{10,})", ("_live_", "_test_")),
    ("stripe-webhook-secret", r"\b(whsec_[A-Za-z0-9]{20,})", ("whsec_",)),
    ("sendgrid-key", r"\b(SG\.[A-Za-z0-9_-]{16,32}\.[A-Za-z0-9_-]{16,64})", ("SG.",)),
    ("twilio-api-key", r"\b(SK[0-9a-fA-F]{32})\b", ("SK",)),
    ("npm-token", r"\b(npm_[A-Za-z0-9]{36})\b", ("npm_",)),
    ("pypi-token", r"\b(pypi-[A-Za-z0-9_-]{50,})", ("pypi-",)),
    ("vault-token", r"\b(hv[sbr]\.[A-Za-z0-9_-]{24,})", ("hvs.", "hvb.", "hvr.")),
    ("shopify-token", r"\b(shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32})\b", ("shp",)),
    ("anthropic-key", r"\b(sk-ant-[A-Za-z0-9_-]{20,})", ("sk-ant-",)),
    ("openai-key", r"(?<![\w-])(sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,})", ("sk-",)),
    ("huggingface-token", r"\b(hf_[A-Za-z0-9]{30,})\b", ("hf_",)),
    ("databricks-token", r"\b(dapi[0-9a-f]{32}(?:-\d)?)\b", ("dapi",)),
    (
        "newrelic-key",
        r"\b(NR(?:AK|AA|II|RA|JS)-[A-Z0-9]{27})\b",
        ("NRAK-", "NRAA-", "NRII-", "NRRA-", "NRJS-"),
    ),
    ("newrelic-key", r"\b([a-fA-F0-9]{36}NRAL)\b", ("NRAL",)),
    ("mailgun-key", r"\b(key-[0-9a-f]{32})\b", ("key-",)),
    ("mailchimp-key", r"\b([0-9a-f]{32}-us\d{1,2})\b", ("-us",)),
    ("digitalocean-token", r"\b(do[opr]_v1_[a-f0-9]{64})\b", ("_v1_",)),
    ("docker-hub-token", r"\b(dckr_pat_[A-Za-z0-9_-]{20,})", ("dckr_pat_",)),
    ("atlassian-token", r"\b(ATATT3[A-Za-z0-9_=-]{60,})", ("ATATT3",)),
    ("grafana-token", r"\b(glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8})\b", ("glsa_",)),
    ("grafana-token", r"\b(glc_[A-Za-z0-9+/]{32,}={0,2})", ("glc_",)),
    ("sentry-token", r"\b(sntry[su]_[A-Za-z0-9+/=_-]{40,})", ("sntry",)),
    ("postman-key", r"\b(PMAK-[a-f0-9]{24}-[a-f0-9]{34})\b", ("PMAK-",)),
    ("terraform-cloud-token", r"\b([A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_=-]{60,})", ("atlasv1",)),
    ("pulumi-token", r"\b(pul-[a-f0-9]{40})\b", ("pul-",)),
    ("doppler-token", r"\b(dp\.(?:st|ct|pt|scim|audit|sa)\.[A-Za-z0-9_.-]{40,})", ("dp.",)),
    ("linear-key", r"\b(lin_api_[A-Za-z0-9]{40})\b", ("lin_api_",)),
    ("age-secret-key", r"\b(AGE-SECRET-KEY-1[0-9A-Z]{58})\b", ("AGE-SECRET-KEY-",)),
    ("heroku-key", r"\b(HRKU-[A-Za-z0-9_-]{60,})", ("HRKU-",)),
    ("square-token", r"\b(sq0(?:atp|csp)-[0-9A-Za-z_-]{22,})", ("sq0",)),
    ("docker-swarm-token", r"\b(SWMTKN-1-[0-9a-z]{50}-[0-9a-z]{25})\b", ("SWMTKN-",)),
    ("dynatrace-token", r"\b(dt0c01\.[A-Z0-9]{24}\.[A-Z0-9]{64})\b", ("dt0c01.",)),
    ("planetscale-token", r"\b(pscale_(?:tkn|oauth|pw)_[A-Za-z0-9_.-]{32,})", ("pscale_",)),
    ("rubygems-key", r"\b(rubygems_[a-f0-9]{48})\b", ("rubygems_",)),
    ("alibaba-access-key", r"\b(LTAI[A-Za-z0-9]{12,20})\b", ("LTAI",)),
    (
        "azure-client-secret",
        r"(?<![A-Za-z0-9_~.-])([A-Za-z0-9_~.-]{3}\dQ~[A-Za-z0-9_~.-]{31,34})(?![A-Za-z0-9_~.-])",
        ("Q~",),
    ),
    ("jwt", r"\b(eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*)", ("eyJ",)),
)

# Keys whose values are secrets. Compound names (`client_secret`, `github.token`) are strong:
# any value that is not a placeholder is redacted. Bare words (`token`, `secret`, `auth`)
# are weak: the value must look like a credential (not a name like `deployer-token-qg2v4`).
KEY_WORDS = (
    r"passw(?:or)?d|passphrase|pwd|pass|secret|token|api[_-]?key|apikey|access[_-]?key|"
    r"private[_-]?key(?:[_-]?id)?|account[_-]?key|shared[_-]?access[_-]?(?:key|signature)|"
    r"sharedaccesssignature|license[_-]?key|app[_-]?key|application[_-]?key|master[_-]?key|"
    r"encryption[_-]?key|signing[_-]?key|subscription[_-]?key|functions[_-]?key|"
    r"credentials?|auth|sig|signature|storepass|keypass|authtoken|secret[_-]?key|session[_-]?key|"
    r"auth[_-]?key|service[_-]?key|client[_-]?key|signing[_-]?secret"
)
STRONG_KEY = re.compile(
    r"(passw(?:or)?d|passphrase|(?:^|[_.\-])pwd|^pwd|(?:^|[_.\-])pass|storepass|keypass|"
    r"[a-z0-9][_.\-]?secret|secret[_.\-]?(?:access[_.\-]?)?key|private[_.\-]?key|"
    r"api[_.\-]?(?:key|secret|token)|apikey|access[_.\-]?(?:key|token)|account[_.\-]?key|"
    r"shared[_.\-]?access|license[_.\-]?key|app[_.\-]?key|application[_.\-]?key|"
    r"master[_.\-]?key|encryption[_.\-]?key|signing[_.\-]?key|subscription[_.\-]?key|"
    r"functions[_.\-]?key|authtoken|[a-z0-9][_.\-]?token|^sig|session[_.\-]?key|auth[_.\-]?key|"
    r"service[_.\-]?key|client[_.\-]?key)(?:[_.\-]?(?:base64|b64|value|base))?$",
    re.IGNORECASE,
)
NOT_SECRET_KEY = re.compile(
    r"(next|page|continue|continuation|sync|idempotency|client|request|cancel|cancellation|"
    r"pagination|max|total|num|input|output|prompt|completion|resume|skip)[_.\-]?tokens?$|"
    r"^(by|bypass|compass|surpass|trespass)$",
    re.IGNORECASE,
)


# Words that, in front of `secret`, make a key hold the NAME of a Secret object rather than a
# secret value: `existingSecret`, `tlsSecret`, `imagePullSecrets`, `ExternalSecret`,
# `passwordSecret`. Qualifiers that denote a value (`client`, `app`, `api`, `token`, `key`,
# `webhook`, `jwt`, `session`, `auth`, `admin` as in HASURA_GRAPHQL_ADMIN_SECRET...) are
# deliberately absent: unknown keys stay redacted.
_QUALIFIER_WORDS = (
    "existing tls ssl ca cert certs certificate external sealed push cluster pull image "
    "imagepull registry docker dockerconfig password passwords credentials creds ssh git "
    "repo repository kubeconfig keystore truststore target generated bootstrap"
)
OBJECT_QUALIFIERS = frozenset(_QUALIFIER_WORDS.split())
_KEY_WORDS_SPLIT = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")


def names_object(key: str) -> bool:
    """Whether `key` holds the name of a Secret object (`existingSecret`, `"ExternalSecret"`).

    Only the last segment of a dotted path counts (`auth.existingSecret`); it must end in
    `secret(s)` and every word before it must be an object qualifier (or there is none).
    """
    last = key.lstrip("-").rsplit(".", 1)[-1]
    words = [word.lower() for word in _KEY_WORDS_SPLIT.findall(last)]
    if not words or words[-1] not in ("secret", "secrets"):
        return False
    return all(word in OBJECT_QUALIFIERS for word in words[:-1])


def key_kind(key: str) -> str:
    """Placeholder kind for a value found after `key`."""
    lowered = key.lower()
    for needle, kind in (
        ("pass", "password"),
        ("pwd", "password"),
        ("private", "private-key"),
        ("account", "azure-storage-key"),
        ("shared", "azure-shared-key"),
        ("api", "api-key"),
        ("token", "token"),
        ("secret", "secret"),
        ("sig", "signature"),
        ("key", "key"),
        ("cred", "credential"),
        ("auth", "auth"),
    ):
        if needle in lowered:
            return kind
    return "secret"
