"""The AWS package, built offline by infra/package.sh: the zip, the merged SAM template, cfn-lint."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from chalicelib.store import registry

REPO = Path(__file__).resolve().parents[2]
RESOURCES = REPO / "infra" / "resources.json"
BIN = Path(sys.executable).parent

Json = dict[str, Any]


@dataclass(frozen=True)
class Package:
    folder: Path
    template: Json
    resources_before: str
    resources_after: str

    @property
    def zip(self) -> Path:
        return self.folder / "deployment.zip"

    @property
    def sam(self) -> Path:
        return self.folder / "sam.json"

    def resources(self, kind: str) -> dict[str, Json]:
        return {name: r for name, r in self.template["Resources"].items() if r.get("Type") == kind}


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Package:
    folder = tmp_path_factory.mktemp("package")
    before = RESOURCES.read_text(encoding="utf-8")
    result = subprocess.run(
        ["bash", "infra/package.sh", str(folder)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert result.returncode == 0, f"package.sh failed:\n{result.stdout[-5000:]}\n{result.stderr[-5000:]}"
    template = json.loads((folder / "sam.json").read_text(encoding="utf-8"))
    return Package(folder, template, before, RESOURCES.read_text(encoding="utf-8"))


def test_resources_json_is_up_to_date(package: Package) -> None:
    # package.sh regenerates the file: it must not have had anything to change.
    assert package.resources_after == package.resources_before
    check = subprocess.run(
        [sys.executable, "infra/build_template.py", "--check"], cwd=REPO, capture_output=True, text=True
    )
    assert check.returncode == 0, check.stdout + check.stderr


def test_zip_holds_the_code_and_the_templates(package: Package) -> None:
    with zipfile.ZipFile(package.zip) as archive:
        names = set(archive.namelist())
    for name in (
        "app.py",
        "chalicelib/store/registry.py",
        "templates/base.html",
        "templates/admin/login.html",
    ):
        assert name in names
    # Every template in the repository is there, beside chalicelib/ (where render.py looks).
    for path in (REPO / "templates").rglob("*"):
        if path.is_file():
            assert path.relative_to(REPO).as_posix() in names


def test_cfn_lint_finds_nothing(package: Package) -> None:
    result = subprocess.run([str(BIN / "cfn-lint"), str(package.sam)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_table_with_its_point_in_time_recovery(package: Package) -> None:
    tables = package.resources("AWS::DynamoDB::Table")
    assert len(tables) == len(registry.MODELS)
    for model in registry.MODELS:
        base = registry.BASE_NAMES[model]
        properties = tables[registry.logical_id(base)]["Properties"]
        assert properties["TableName"] == {"Fn::Sub": "${AWS::StackName}-" + base}
        assert properties["PointInTimeRecoverySpecification"] == {
            "PointInTimeRecoveryEnabled": registry.pitr_enabled(model)
        }
        assert {k: v for k, v in properties.items() if k != "TableName"} == registry.table_spec(model)


def _gateway_responses(package: Package) -> dict[str, Json]:
    api = package.resources("AWS::Serverless::Api")["RestAPI"]
    responses: dict[str, Json] = api["Properties"]["DefinitionBody"]["x-amazon-apigateway-gateway-responses"]
    return responses


def test_unknown_routes_answer_404_in_the_app_error_shape(package: Package) -> None:
    missing = _gateway_responses(package)["MISSING_AUTHENTICATION_TOKEN"]
    assert missing["statusCode"] == "404"
    assert json.loads(missing["responseTemplates"]["application/json"]) == {
        "error": {"status": 404, "code": "not_found", "message": "no such route"}
    }


def test_every_gateway_error_has_the_app_error_shape(package: Package) -> None:
    responses = _gateway_responses(package)
    assert {"DEFAULT_4XX", "DEFAULT_5XX"} <= set(responses)
    for response_type, response in responses.items():
        body = json.loads(response["responseTemplates"]["application/json"])
        assert set(body) == {"error"}, response_type
        assert set(body["error"]) == {"status", "code", "message"}, response_type
        assert str(body["error"]["status"]) == response["statusCode"], response_type


def test_function_roles_get_the_separate_policies(package: Package) -> None:
    functions = package.resources("AWS::Serverless::Function")
    policies = package.resources("AWS::IAM::Policy")
    roles = {f["Properties"]["Role"]["Fn::GetAtt"][0] for f in functions.values()}
    assert roles == {"DefaultRole"}
    granted: set[str] = set()
    resources: list[Any] = []
    for policy in policies.values():
        if {"Ref": "DefaultRole"} in policy["Properties"]["Roles"]:
            for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
                assert statement["Effect"] == "Allow"
                assert "*" not in statement["Resource"]
                granted.update(statement["Action"])
                resources.extend(statement["Resource"])
    assert {
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
        "dynamodb:Query",
        "dynamodb:ConditionCheckItem",
        "s3:GetObject",
        "s3:PutObject",
        "sqs:SendMessage",
        "ses:SendRawEmail",
        "secretsmanager:GetSecretValue",
    } <= granted
    for model in registry.MODELS:
        assert {"Fn::GetAtt": [registry.logical_id(registry.BASE_NAMES[model]), "Arn"]} in resources
    # Chalice's own inline policy (logs) survived the merge.
    chalice_policies = package.template["Resources"]["DefaultRole"]["Properties"]["Policies"]
    assert [p["PolicyName"] for p in chalice_policies] == ["DefaultRolePolicy"]
    assert "logs:PutLogEvents" in chalice_policies[0]["PolicyDocument"]["Statement"][0]["Action"]


def test_retry_failed_mail_runs_on_a_schedule(package: Package) -> None:
    functions = package.resources("AWS::Serverless::Function")
    scheduled = [
        f for f in functions.values() if f["Properties"]["Handler"] == "chalicelib.jobs.retry_failed_mail"
    ]
    assert len(scheduled) == 1
    events = scheduled[0]["Properties"]["Events"].values()
    assert [e["Type"] for e in events] == ["Schedule"]
    assert "JobErrorsAlarm" in package.template["Resources"]


def _merged(global_value: Any, local_value: Any) -> Any:
    """SAM's Globals rule: dictionaries merge key by key, the function's own value wins."""
    if isinstance(global_value, dict) and isinstance(local_value, dict):
        return {**global_value, **{k: _merged(global_value.get(k), v) for k, v in local_value.items()}}
    return local_value


def test_functions_get_the_aws_settings(package: Package) -> None:
    global_env = package.template["Globals"]["Function"]["Environment"]["Variables"]
    for name, function in package.resources("AWS::Serverless::Function").items():
        env = _merged(global_env, function["Properties"]["Environment"]["Variables"])
        assert env["CRM_STAGE"] == "prod", name
        assert env["CRM_TABLE_PREFIX"] == {"Fn::Sub": "${AWS::StackName}-"}
        backends = (env["CRM_MAIL_BACKEND"], env["CRM_BLOBS_BACKEND"], env["CRM_QUEUE_BACKEND"])
        assert backends == ("ses", "s3", "sqs")
        assert env["CRM_BLOBS_BUCKET"] == {"Ref": "BlobsBucket"}
        assert env["CRM_QUEUE_URL"] == {"Ref": "WorkQueue"}
        assert env["CRM_COOKIE_SECURE"] == "1"
        for secret in ("CRM_SECRET_KEY", "CRM_STRIPE_API_KEY", "CRM_STRIPE_WEBHOOK_SECRET"):
            assert env[secret]["Fn::Sub"].startswith("{{resolve:secretsmanager:${"), secret


def test_no_secret_values_in_the_template(package: Package) -> None:
    text = package.sam.read_text(encoding="utf-8")
    for marker in ("sk_live_", "sk_test_", "whsec_", "rk_live_"):
        assert marker not in text
    secret = package.template["Resources"]["AppSecretKey"]["Properties"]
    assert "SecretString" not in secret
    assert secret["GenerateSecretString"]["PasswordLength"] == 48


def test_bucket_is_private_encrypted_and_versioned(package: Package) -> None:
    bucket = package.template["Resources"]["BlobsBucket"]["Properties"]
    assert all(bucket["PublicAccessBlockConfiguration"].values())
    assert bucket["VersioningConfiguration"] == {"Status": "Enabled"}
    assert bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"]


def test_work_queue_has_a_dead_letter_queue_and_the_name_the_worker_listens_on(package: Package) -> None:
    queue = package.template["Resources"]["WorkQueue"]["Properties"]
    assert queue["QueueName"] == "service-crm-work"
    # SQS refuses a Lambda trigger whose function outlives the queue's visibility timeout.
    work = next(
        r["Properties"]
        for r in package.template["Resources"].values()
        if r.get("Type") == "AWS::Serverless::Function"
        and r["Properties"].get("Handler", "").endswith(".work")
    )
    assert work["Timeout"] == 900 and queue["VisibilityTimeout"] >= work["Timeout"]
    assert queue["RedrivePolicy"] == {
        "deadLetterTargetArn": {"Fn::GetAtt": ["WorkDeadLetterQueue", "Arn"]},
        "maxReceiveCount": 5,
    }
