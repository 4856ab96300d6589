"""The model registry, the local tables and the CloudFormation resources describe the same tables."""

import json
from pathlib import Path

import pytest

from chalicelib.store import registry

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def cfn_tables() -> dict[str, dict]:
    resources = json.loads((ROOT / "infra" / "resources.json").read_text())["Resources"]
    return {k: v for k, v in resources.items() if v.get("Type") == "AWS::DynamoDB::Table"}


def _keys(schema: list[dict]) -> list[tuple[str, str]]:
    return [(k["AttributeName"], k["KeyType"]) for k in schema]


def test_every_model_has_exactly_one_cloudformation_table(cfn_tables) -> None:
    expected = {registry.logical_id(registry.BASE_NAMES[m]) for m in registry.MODELS}
    assert set(cfn_tables) == expected


@pytest.mark.parametrize("model", registry.MODELS, ids=lambda m: registry.BASE_NAMES[m])
def test_local_table_and_cloudformation_agree_on_keys_indexes_ttl_and_pitr(model, cfn_tables) -> None:
    described = model.describe_table()
    client = model._get_connection().connection.client
    cfn = cfn_tables[registry.logical_id(registry.BASE_NAMES[model])]["Properties"]

    assert _keys(described["KeySchema"]) == _keys(cfn["KeySchema"])
    local_gsis = {
        g["IndexName"]: (_keys(g["KeySchema"]), g["Projection"]["ProjectionType"])
        for g in described.get("GlobalSecondaryIndexes", [])
    }
    cfn_gsis = {
        g["IndexName"]: (_keys(g["KeySchema"]), g["Projection"]["ProjectionType"])
        for g in cfn.get("GlobalSecondaryIndexes", [])
    }
    assert local_gsis == cfn_gsis
    assert {(a["AttributeName"], a["AttributeType"]) for a in described["AttributeDefinitions"]} == {
        (a["AttributeName"], a["AttributeType"]) for a in cfn["AttributeDefinitions"]
    }
    assert cfn["BillingMode"] == "PAY_PER_REQUEST"
    assert described["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"

    ttl = client.describe_time_to_live(TableName=model.Meta.table_name)["TimeToLiveDescription"]
    if "TimeToLiveSpecification" in cfn:
        assert ttl["TimeToLiveStatus"] == "ENABLED"
        assert ttl["AttributeName"] == cfn["TimeToLiveSpecification"]["AttributeName"]
    else:
        assert ttl["TimeToLiveStatus"] == "DISABLED"
    # DynamoDB Local has no point-in-time recovery: the registry is the source, CloudFormation must follow.
    assert cfn["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is registry.pitr_enabled(
        model
    )


def test_every_business_table_keeps_point_in_time_recovery() -> None:
    without = {registry.BASE_NAMES[m] for m in registry.MODELS if not registry.pitr_enabled(m)}
    assert without == {"sessions", "throttle"}  # short-lived data only


def test_the_committed_cloudformation_is_what_the_registry_generates(cfn_tables) -> None:
    generated = registry.cloudformation_tables()["Resources"]
    assert {k: v["Properties"] for k, v in generated.items()} == {
        k: v["Properties"] for k, v in cfn_tables.items()
    }
