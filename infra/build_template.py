"""Writes infra/resources.json: the CloudFormation that `chalice package --merge-template` adds.

    .venv/bin/python infra/build_template.py           # (re)write infra/resources.json
    .venv/bin/python infra/build_template.py --check   # exit 1 if the committed file is stale

Chalice merges dictionaries key by key but replaces lists, so nothing here adds to a list that
Chalice generates: IAM comes as separate AWS::IAM::Policy resources attached to Chalice's role,
environment variables come through SAM `Globals` (SAM merges them into every function's own
variables, the function's winning on a clash), and the gateway responses go into the API's
OpenAPI body, where API Gateway keeps them across every redeployment of that body.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
OUTPUT = REPO_ROOT / "infra" / "resources.json"
if str(REPO_ROOT) not in sys.path:  # run as a script: make app.py and chalicelib/ importable
    sys.path.insert(0, str(REPO_ROOT))

# Logical ids in Chalice 1.34's SAM output.
API_FUNCTION = "APIHandler"
API = "RestAPI"
ROLES = ("DefaultRole",)  # every function runs as this role unless config.json names another

Json = dict[str, Any]


def ref(name: str) -> Json:
    return {"Ref": name}


def arn(name: str) -> Json:
    return {"Fn::GetAtt": [name, "Arn"]}


def sub(text: str) -> Json:
    return {"Fn::Sub": text}


def allow(actions: list[str], resources: list[Any], condition: Json | None = None) -> Json:
    statement: Json = {"Effect": "Allow", "Action": sorted(actions), "Resource": resources}
    if condition:
        statement["Condition"] = condition
    return statement


def policy(name: str, statements: list[Json]) -> Json:
    return {
        "Type": "AWS::IAM::Policy",
        "Properties": {
            "PolicyName": name,
            "Roles": [ref(role) for role in ROLES],
            "PolicyDocument": {"Version": "2012-10-17", "Statement": statements},
        },
    }


# --- the application's functions -----------------------------------------------------------


def job_functions() -> list[str]:
    """Logical ids of the event-driven functions (@schedule, @on_sqs_message ...), as Chalice names them."""
    from chalice.utils import to_cfn_resource_name

    from app import app

    return sorted(to_cfn_resource_name(source.name) for source in app.event_sources)


def lambda_timeout(function: str | None = None) -> int:
    """A function's timeout from .chalice/config.json: its own, else the default (Chalice's is 60 s)."""
    config = json.loads((REPO_ROOT / ".chalice" / "config.json").read_text(encoding="utf-8"))
    own = config.get("lambda_functions", {}).get(function or "", {})
    return int(own.get("lambda_timeout", config.get("lambda_timeout", 60)))


# --- parameters and environment ------------------------------------------------------------


PARAMETERS: Json = {
    "MailFrom": {
        "Type": "String",
        "Description": "Sender address of every mail; created as an SES email identity (verify it).",
        "AllowedPattern": r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
        "ConstraintDescription": "an email address",
    },
    "BaseUrl": {
        "Type": "String",
        "Description": "Public https URL of the app, used in links sent by mail (e.g. https://crm.example.com).",
        "AllowedPattern": r"^https://\S+[^/\s]$",
        "ConstraintDescription": "an https URL without a trailing slash",
    },
    "SecretsRevision": {
        "Type": "String",
        "Default": "1",
        "Description": "Change after putting new values into a secret: the functions then re-read them.",
    },
    "AlarmEmail": {
        "Type": "String",
        "Default": "",
        "Description": "Optional address subscribed to the alarm topic.",
        "AllowedPattern": r"^$|^[^@\s]+@[^@\s]+\.[^@\s]+$",
        "ConstraintDescription": "empty or an email address",
    },
}

CONDITIONS: Json = {"HasAlarmEmail": {"Fn::Not": [{"Fn::Equals": [ref("AlarmEmail"), ""]}]}}


STRIPE_KEY = "{{resolve:secretsmanager:${StripeKeys}:SecretString:"  # + the JSON key + "}}"


def environment() -> Json:
    """What every function gets on top of its stage's variables (CRM_STAGE comes from config.json).

    The secrets are CloudFormation dynamic references: resolved at deploy time, never written
    into the template, but readable in the function configuration by whoever may read that.
    """
    return {
        "CRM_TABLE_PREFIX": sub("${AWS::StackName}-"),
        "CRM_SECRET_KEY": sub("{{resolve:secretsmanager:${AppSecretKey}:SecretString}}"),
        "CRM_SECRETS_REVISION": ref("SecretsRevision"),
        "CRM_BASE_URL": ref("BaseUrl"),
        "CRM_COOKIE_SECURE": "1",
        "CRM_MAIL_BACKEND": "ses",
        "CRM_MAIL_FROM": ref("MailFrom"),
        "CRM_BLOBS_BACKEND": "s3",
        "CRM_BLOBS_BUCKET": ref("BlobsBucket"),
        "CRM_QUEUE_BACKEND": "sqs",
        "CRM_QUEUE_URL": ref("WorkQueue"),
        "CRM_STRIPE_API_KEY": sub(STRIPE_KEY + "api_key}}"),
        "CRM_STRIPE_WEBHOOK_SECRET": sub(STRIPE_KEY + "webhook_secret}}"),
    }


# --- resources -----------------------------------------------------------------------------


def blobs() -> Json:
    return {
        "BlobsBucket": {
            "Type": "AWS::S3::Bucket",
            "DeletionPolicy": "Retain",  # issued invoices live here
            "UpdateReplacePolicy": "Retain",
            "Properties": {
                "BucketEncryption": {
                    "ServerSideEncryptionConfiguration": [
                        {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
                    ]
                },
                "PublicAccessBlockConfiguration": {
                    "BlockPublicAcls": True,
                    "BlockPublicPolicy": True,
                    "IgnorePublicAcls": True,
                    "RestrictPublicBuckets": True,
                },
                "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
                "VersioningConfiguration": {"Status": "Enabled"},
                "LifecycleConfiguration": {
                    "Rules": [
                        {
                            "Id": "expire-old-versions",
                            "Status": "Enabled",
                            "NoncurrentVersionExpiration": {"NoncurrentDays": 90},
                            "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7},
                        }
                    ]
                },
            },
        },
        "BlobsBucketPolicy": {
            "Type": "AWS::S3::BucketPolicy",
            "Properties": {
                "Bucket": ref("BlobsBucket"),
                "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Sid": "DenyPlainHttp",
                            "Effect": "Deny",
                            "Principal": "*",
                            "Action": "s3:*",
                            "Resource": [arn("BlobsBucket"), sub("${BlobsBucket.Arn}/*")],
                            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                        }
                    ],
                },
            },
        },
    }


WORK_QUEUE_NAME = "service-crm-work"


def queues() -> Json:
    return {
        "WorkQueue": {
            "Type": "AWS::SQS::Queue",
            "Properties": {
                # The name chalicelib/jobs's @on_sqs_message subscribes to (Chalice wants a literal
                # name): one stack of this app per account and region.
                "QueueName": WORK_QUEUE_NAME,
                # AWS's advice for a Lambda consumer: at least six times the function timeout.
                # (of the consuming worker: an import of 200,000 rows may take minutes)
                "VisibilityTimeout": 6 * lambda_timeout("work"),
                "MessageRetentionPeriod": 4 * 24 * 3600,
                "SqsManagedSseEnabled": True,
                "RedrivePolicy": {"deadLetterTargetArn": arn("WorkDeadLetterQueue"), "maxReceiveCount": 5},
            },
        },
        "WorkDeadLetterQueue": {
            "Type": "AWS::SQS::Queue",
            "Properties": {"MessageRetentionPeriod": 14 * 24 * 3600, "SqsManagedSseEnabled": True},
        },
    }


def mail() -> Json:
    identity = {"Type": "AWS::SES::EmailIdentity", "Properties": {"EmailIdentity": ref("MailFrom")}}
    return {"MailIdentity": identity}


STRIPE_PLACEHOLDER = {"api_key": "REPLACE_ME", "webhook_secret": "REPLACE_ME"}


def secrets() -> Json:
    return {
        "AppSecretKey": {
            "Type": "AWS::SecretsManager::Secret",
            "Properties": {
                "Description": "CRM_SECRET_KEY: signs session cookies, CSRF tokens and invitation links.",
                "GenerateSecretString": {"PasswordLength": 48, "ExcludePunctuation": True},
            },
        },
        "StripeKeys": {
            "Type": "AWS::SecretsManager::Secret",
            "Properties": {
                "Description": "Stripe secret API key and webhook signing secret (the operator puts them).",
                "SecretString": json.dumps(STRIPE_PLACEHOLDER),
            },
        },
    }


# API Gateway's own error answers (unknown route, throttling, timeouts ...), restated in the app's
# {"error": {...}} shape. Every type is listed with its status: a status on DEFAULT_4XX/5XX would
# otherwise replace the status of every type not listed.
GATEWAY_ERRORS: dict[str, tuple[int, str, str]] = {
    "MISSING_AUTHENTICATION_TOKEN": (404, "not_found", "no such route"),
    "RESOURCE_NOT_FOUND": (404, "not_found", "no such route"),
    "BAD_REQUEST_BODY": (400, "bad_request", "the request body is not valid"),
    "BAD_REQUEST_PARAMETERS": (400, "bad_request", "the request parameters are not valid"),
    "UNAUTHORIZED": (401, "unauthorized", "authentication is required"),
    "ACCESS_DENIED": (403, "forbidden", "access denied"),
    "EXPIRED_TOKEN": (403, "forbidden", "access denied"),
    "INVALID_API_KEY": (403, "forbidden", "access denied"),
    "INVALID_SIGNATURE": (403, "forbidden", "access denied"),
    "WAF_FILTERED": (403, "forbidden", "access denied"),
    "REQUEST_TOO_LARGE": (413, "payload_too_large", "the request is too large"),
    "UNSUPPORTED_MEDIA_TYPE": (415, "unsupported_media_type", "unsupported content type"),
    "QUOTA_EXCEEDED": (429, "too_many_requests", "too many requests; retry later"),
    "THROTTLED": (429, "too_many_requests", "too many requests; retry later"),
    "DEFAULT_4XX": (400, "bad_request", "the request was not accepted"),
    "API_CONFIGURATION_ERROR": (500, "internal_error", "an internal error occurred"),
    "AUTHORIZER_CONFIGURATION_ERROR": (500, "internal_error", "an internal error occurred"),
    "AUTHORIZER_FAILURE": (500, "internal_error", "an internal error occurred"),
    "INTEGRATION_FAILURE": (504, "gateway_timeout", "the service did not answer in time; retry later"),
    "INTEGRATION_TIMEOUT": (504, "gateway_timeout", "the service did not answer in time; retry later"),
    "DEFAULT_5XX": (502, "bad_gateway", "the service failed to answer; retry later"),
}


def gateway_responses() -> Json:
    responses = {}
    for response_type, (status, code, message) in GATEWAY_ERRORS.items():
        body = {"error": {"status": status, "code": code, "message": message}}
        responses[response_type] = {
            "statusCode": str(status),
            "responseParameters": {
                "gatewayresponse.header.Cache-Control": "'no-store'",
                "gatewayresponse.header.X-Content-Type-Options": "'nosniff'",
            },
            "responseTemplates": {"application/json": json.dumps(body, separators=(",", ":"))},
        }
    return responses


def lambda_errors(function: str) -> Json:
    return {
        "Namespace": "AWS/Lambda",
        "MetricName": "Errors",
        "Dimensions": [{"Name": "FunctionName", "Value": ref(function)}],
    }


def alarms(jobs: list[str]) -> Json:
    common = {
        "EvaluationPeriods": 1,
        "TreatMissingData": "notBreaching",
        "AlarmActions": [ref("AlarmTopic")],
        "OKActions": [ref("AlarmTopic")],
    }
    resources: Json = {
        "AlarmTopic": {
            "Type": "AWS::SNS::Topic",
            "Properties": {"DisplayName": sub("${AWS::StackName} alarms")},
        },
        "AlarmEmailSubscription": {
            "Type": "AWS::SNS::Subscription",
            "Condition": "HasAlarmEmail",
            "Properties": {"TopicArn": ref("AlarmTopic"), "Protocol": "email", "Endpoint": ref("AlarmEmail")},
        },
        "ApiErrorsAlarm": {
            "Type": "AWS::CloudWatch::Alarm",
            "Properties": {
                "AlarmDescription": "The API function failed (crash, timeout, out of memory): "
                "handled errors never count, so any is a bug.",
                **lambda_errors(API_FUNCTION),
                "Statistic": "Sum",
                "Period": 300,
                "Threshold": 1,
                "ComparisonOperator": "GreaterThanOrEqualToThreshold",
                **common,
            },
        },
        "DeadLetterAlarm": {
            "Type": "AWS::CloudWatch::Alarm",
            "Properties": {
                "AlarmDescription": "Billing messages failed 5 times and wait in the dead-letter queue.",
                "Namespace": "AWS/SQS",
                "MetricName": "ApproximateNumberOfMessagesVisible",
                "Dimensions": [
                    {"Name": "QueueName", "Value": {"Fn::GetAtt": ["WorkDeadLetterQueue", "QueueName"]}}
                ],
                "Statistic": "Maximum",
                "Period": 300,
                "Threshold": 0,
                "ComparisonOperator": "GreaterThanThreshold",
                **common,
            },
        },
    }
    if jobs:
        metrics = [
            {
                "Id": f"job{i}",
                "ReturnData": False,
                "MetricStat": {"Metric": lambda_errors(job), "Period": 300, "Stat": "Sum"},
            }
            for i, job in enumerate(jobs)
        ]
        ids = ", ".join(m["Id"] for m in metrics)
        resources["JobErrorsAlarm"] = {
            "Type": "AWS::CloudWatch::Alarm",
            "Properties": {
                "AlarmDescription": "A scheduled or queue-driven function failed: " + ", ".join(jobs) + ".",
                "Metrics": [
                    {
                        "Id": "errors",
                        "Label": "job errors",
                        "ReturnData": True,
                        "Expression": f"SUM([{ids}])",
                    },
                    *metrics,
                ],
                "Threshold": 1,
                "ComparisonOperator": "GreaterThanOrEqualToThreshold",
                **common,
            },
        }
    return resources


def policies(tables: Json) -> Json:
    table_arns: list[Any] = []
    for logical_id, table in tables.items():
        table_arns.append(arn(logical_id))
        if table["Properties"].get("GlobalSecondaryIndexes"):
            table_arns.append(sub("${" + logical_id + ".Arn}/index/*"))
    item_actions = [
        # Transactions need no actions of their own: TransactWriteItems is checked per item
        # (PutItem, UpdateItem, DeleteItem, ConditionCheckItem), TransactGetItems as GetItem.
        "dynamodb:BatchGetItem",
        "dynamodb:BatchWriteItem",
        "dynamodb:ConditionCheckItem",
        "dynamodb:DeleteItem",
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:Query",
        "dynamodb:Scan",
        "dynamodb:UpdateItem",
    ]
    return {
        "TablesAccessPolicy": policy("crm-tables", [allow(item_actions, table_arns)]),
        "BlobsAccessPolicy": policy(
            "crm-blobs",
            [
                allow(["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], [sub("${BlobsBucket.Arn}/*")]),
                # Without ListBucket, S3 answers 403 instead of 404 for a missing key.
                allow(["s3:ListBucket"], [arn("BlobsBucket")]),
            ],
        ),
        "QueueAccessPolicy": policy(
            "crm-queue",
            [
                # Send (billing fan-out, imports) and consume (the @on_sqs_message worker).
                allow(["sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage", "sqs:DeleteMessage",
                       "sqs:ChangeMessageVisibility"], [arn("WorkQueue")]),
            ],
        ),
        "MailSendPolicy": policy(
            "crm-mail",
            [
                # SES checks the sender's identity (and in the sandbox the recipients'): any identity,
                # but only with our From address.
                allow(
                    ["ses:SendRawEmail"],
                    [sub("arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:identity/*")],
                    {"StringEquals": {"ses:FromAddress": ref("MailFrom")}},
                ),
            ],
        ),
        "SecretsReadPolicy": policy(
            "crm-secrets",
            [
                allow(["secretsmanager:GetSecretValue"], [ref("AppSecretKey"), ref("StripeKeys")]),
            ],
        ),
    }


OUTPUTS: Json = {
    "BlobsBucketName": {"Value": ref("BlobsBucket")},
    "WorkQueueUrl": {"Value": ref("WorkQueue")},
    "WorkDeadLetterQueueUrl": {"Value": ref("WorkDeadLetterQueue")},
    "AppSecretKeyArn": {"Value": ref("AppSecretKey")},
    "StripeKeysSecretArn": {"Value": ref("StripeKeys")},
    "AlarmTopicArn": {"Value": ref("AlarmTopic")},
}


def build() -> Json:
    from chalicelib.store.registry import cloudformation_tables

    tables = cloudformation_tables()["Resources"]
    resources: Json = {
        **tables,
        **blobs(),
        **queues(),
        **mail(),
        **secrets(),
        **policies(tables),
        **alarms(job_functions()),
        # Merged into Chalice's OpenAPI body of the API.
        API: {
            "Properties": {
                "DefinitionBody": {
                    "x-amazon-apigateway-gateway-responses": gateway_responses(),
                }
            }
        },
    }
    return {
        "Description": "Service CRM: Chalice API and jobs, tables, bucket, queues, mail, secrets, alarms.",
        "Parameters": PARAMETERS,
        "Conditions": CONDITIONS,
        "Globals": {"Function": {"Environment": {"Variables": environment()}}},
        "Resources": resources,
        "Outputs": OUTPUTS,
    }


def render() -> str:
    return json.dumps(build(), indent=2) + "\n"


def write_atomically(path: Path, text: str) -> None:
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as file:
        file.write(text)
    os.replace(temp, path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if infra/resources.json is out of date")
    args = parser.parse_args(argv)
    text = render()
    relative = OUTPUT.relative_to(REPO_ROOT)
    if args.check:
        current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
        if current != text:
            print(f"{relative} is out of date: run .venv/bin/python infra/build_template.py", file=sys.stderr)
            return 1
        print(f"{relative} is up to date")
        return 0
    write_atomically(OUTPUT, text)
    print(f"wrote {relative}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
