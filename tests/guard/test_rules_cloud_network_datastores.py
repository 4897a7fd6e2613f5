"""Default-deny rules of cloud.yaml, network.yaml, openssl.yaml and datastores.yaml (issue 11).

Each row is (command, expected label). The classes: read-only forms with their common flags,
an unknown flag on a read-only form, flags that write files, destructive flags on read-only
tools, interactive and feedback modes, credential and self-update commands, drift detection,
and secret reads.
"""

from __future__ import annotations

import pytest

from opslens.guard import CommandGuard

GUARD = CommandGuard({})

READ_ONLY = [
    "aws ec2 describe-instances --instance-ids i-0a1b --region eu-west-1 --output json",
    "aws s3 ls s3://bucket/ --recursive --human-readable --summarize",
    "aws logs tail /aws/eks/prod/cluster --follow",
    "aws s3 rm s3://bucket/ --recursive --dryrun",
    "aws dynamodb update-table --generate-cli-skeleton",
    "aws configure get region",
    "aws kms verify --key-id k --message m --signature s --signing-algorithm RSASSA_PSS_SHA_256",
    "gcloud compute instances list --filter=status=RUNNING --format='value(name)' --project p",
    "gcloud logging logs list --sort-by=name --limit 5",
    "gcloud topic filters",
    "az vm list -g rg --output table --query '[].name'",
    "az lock list",
    "az devops configure -l",
    "gsutil ls -l gs://bucket",
    "gsutil rsync -n -r ./dir gs://bucket",
    "terraform plan -var-file prod.tfvars -refresh-only",
    "terraform fmt -check -recursive",
    "terraform -chdir=infra validate -json",
    "ip -brief address",
    "ip -6 r",
    "ip a s up",
    "ip mo f ./notes.txt",
    "ss -tanp",
    "iptables -t nat -nvL --line-numbers",
    "nft --json list ruleset",
    "curl -sSL -H 'Accept: application/json' https://example.com/health",
    "curl -s -o /dev/null -w '%{http_code}' https://example.com",
    "wget -qO- https://example.com",
    "openssl x509 -in cert.pem -noout -text -sha256 -fingerprint",
    "openssl s_client -connect example.com:443 -servername example.com",
    "ssh-keygen -l -f ~/.ssh/id_ed25519.pub",
]

UNKNOWN_FLAG = [
    "aws s3 ls s3://bucket --bogus",
    "gcloud compute instances list --bogus",
    "az vm list --bogus",
    "terraform plan -bogus",
    "ip --bogus address",
    "ss -tanp --bogus",
    "curl --bogus https://example.com",
    "openssl x509 -in cert.pem -bogus",
    "gsutil ls -Z gs://bucket",
    "iptables -L --bogus",
    "nft -i",
    "aws s3 ls s3://bucket --debug",
    "ip -b commands.txt",
    "gcloud secrets versions access latest --secret db --out-file pw.txt",
    "gcloud compute instances get-screenshot vm-1 --destination shot.png",
]

CLASSES = [
    # flags or operations that write files
    ("aws s3api get-object --bucket b --key k out.json", "mutating"),
    ("aws cloudfront get-function --name f code.js", "mutating"),
    ("aws emr get --cluster-id j-1 --src /tmp/x", "mutating"),
    ("curl -o page.html https://example.com", "mutating"),
    ("curl -O https://example.com/file.tar.gz", "mutating"),
    ("wget https://example.com/file.tar.gz", "mutating"),
    ("openssl x509 -in cert.pem -out cert.der -outform DER", "mutating"),
    ("terraform plan -out prod.tfplan", "mutating"),
    ("terraform plan -generate-config-out generated.tf", "mutating"),
    ("terraform providers lock", "mutating"),
    ("ss -D dump.raw", "mutating"),
    # destructive flags on read-only tools
    ("ss -K dst 192.168.1.20 dport = 5432", "destructive"),
    ("aws s3 sync ./dir s3://bucket --delete", "destructive"),
    ("gsutil rsync -d -r ./dir gs://bucket", "destructive"),
    ("terraform apply -replace aws_instance.web", "destructive"),
    ("aws ecr batch-delete-image --repository-name r --image-ids imageTag=x", "destructive"),
    ("aws elasticache test-failover --replication-group-id g --node-group-id 1", "destructive"),
    ("ip l s eth0 down", "destructive"),
    # interactive and feedback modes
    ("az interactive", "mutating"),
    ("az feedback", "mutating"),
    ("gcloud feedback", "mutating"),
    ("gcloud docker -- ps", "mutating"),
    ("aws dynamodb wizard new-table", "mutating"),
    ("aws ec2 describe-instances --cli-auto-prompt", "mutating"),
    ("aws emr socks --cluster-id j-1", "mutating"),
    # CLIs updating themselves or their credentials
    ("gcloud components update", "mutating"),
    ("gcloud auth activate-service-account --key-file k.json", "mutating"),
    ("gcloud config unset compute/region", "mutating"),
    ("az upgrade", "mutating"),
    ("aws configure set region eu-west-1", "mutating"),
    ("aws sso login", "mutating"),
    ("az login", "mutating"),
    # drift detection and server-side records
    ("aws cloudformation detect-stack-drift --stack-name web", "mutating"),
    (
        "aws ec2 export-image --image-id ami-1 --disk-image-format VMDK --s3-export-location S3Bucket=b",
        "mutating",
    ),
    ("aws ses verify-email-identity --email-address a@example.com", "mutating"),
    ("kcat -G billing-consumers orders -b kafka-1:9092", "mutating"),
    # secrets reads
    ("aws secretsmanager get-secret-value --secret-id prod/db", "sensitive_read"),
    ("aws ssm get-parameter --name /prod/db --with-decryption", "sensitive_read"),
    ("aws configure get aws_secret_access_key", "sensitive_read"),
    ("aws acm export-certificate --certificate-arn arn --passphrase cA==", "sensitive_read"),
    ("aws ec2 describe-instances --debug", "sensitive_read"),
    ("gcloud auth print-access-token", "sensitive_read"),
    ("az account get-access-token", "sensitive_read"),
    (
        "az storage table generate-sas --account-name a --name t --permissions r --expiry 2030-01-01",
        "sensitive_read",
    ),
    ("terraform output -raw db_password", "sensitive_read"),
    ("vault kv get secret/prod/db", "sensitive_read"),
    ("openssl rsa -in server.key -text -noout", "sensitive_read"),
    ("openssl enc -d -aes256 -in secret.enc", "sensitive_read"),
    ("vault seal", "destructive"),
]


@pytest.mark.parametrize("cmd", READ_ONLY)
def test_read_only_forms(cmd: str) -> None:
    assert GUARD.classify(cmd).label.value == "read_only", GUARD.classify(cmd).reason


@pytest.mark.parametrize("cmd", UNKNOWN_FLAG)
def test_unknown_flag_is_never_read_only(cmd: str) -> None:
    assert GUARD.classify(cmd).label.value == "unknown", GUARD.classify(cmd).reason


@pytest.mark.parametrize(("cmd", "label"), CLASSES)
def test_classes(cmd: str, label: str) -> None:
    assert GUARD.classify(cmd).label.value == label, GUARD.classify(cmd).reason


@pytest.mark.parametrize(
    "tool",
    [
        "aws",
        "gcloud",
        "az",
        "gsutil",
        "terraform",
        "pulumi",
        "ip",
        "ss",
        "iptables",
        "nft",
        "curl",
        "wget",
        "openssl",
        "ssh-keygen",
        "ufw",
        "firewall-cmd",
        "http",
        "grpcurl",
    ],
)
def test_default_deny_is_on(tool: str) -> None:
    spec = GUARD.rules.lookup(tool)
    assert spec is not None and spec.default_deny
