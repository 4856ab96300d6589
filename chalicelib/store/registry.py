"""The one list of tables: binds them, creates them locally, describes them for CloudFormation."""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import TTLAttribute
from pynamodb.models import Model

from chalicelib.config import Settings
from chalicelib.store import (
    models,
    models_activity,
    models_billing,
    models_bulk,
    models_cards,
    models_catalogue,
    models_contacts,
    models_contracts,
    models_imports,
    models_links,
    models_payments,
    models_purchasing,
    models_sales,
    models_service,
    models_stripe_events,
    models_webhooks_out,
)
from chalicelib.store.base import bind_model

MODELS: tuple[type[Model], ...] = (
    models.StaffModel,
    models.EmailClaimModel,
    models.SessionModel,
    models.ThrottleModel,
    models.AuditModel,
    models.ApiKeyModel,
    models.JobRunModel,
    models.MailModel,
    models.CustomerModel,
    models.LookupModel,
    models.UniqueKeyModel,
    models_contacts.PersonModel,
    models_contacts.MembershipModel,
    models_contacts.AddressModel,
    models_contacts.CustomFieldModel,
    models_contacts.CategoryModel,
    models_activity.RelationshipModel,
    models_activity.DocumentModel,
    models_activity.InteractionModel,
    models_activity.TaskModel,
    models_catalogue.ProductModel,
    models_catalogue.PriceListModel,
    models_catalogue.PriceModel,
    models_catalogue.ItemModel,
    models_imports.ImportModel,
    models_imports.ImportMappingModel,
    models_contracts.ContractTemplateModel,
    models_contracts.ContractModel,
    models_contracts.ContractVersionModel,
    models_contracts.VisitModel,
    models_billing.InvoiceModel,
    models_billing.InvoiceSeriesModel,
    models_billing.TaxRateModel,
    models_billing.RevenueModel,
    models_cards.PaymentProfileModel,
    models_cards.CollectionModel,
    models_cards.DunningModel,
    models_bulk.BulkOperationModel,
    models_sales.QuoteModel,
    models_sales.OrderModel,
    models_payments.PaymentModel,
    models_purchasing.PurchaseOrderModel,
    models_stripe_events.StripeEventModel,
    models_links.LinkModel,
    models_webhooks_out.WebhookEndpointModel,
    models_webhooks_out.WebhookDeliveryModel,
    models_webhooks_out.WebhookCursorModel,
    models_service.TicketModel,
    models_service.FeedbackModel,
)

# Captured before any binding renames the tables.
BASE_NAMES: dict[type[Model], str] = {m: m.Meta.table_name for m in MODELS}


def bind_all(settings: Settings) -> None:
    for model in MODELS:
        bind_model(model, BASE_NAMES[model], settings)


def create_tables(settings: Settings) -> list[str]:
    """Creates the missing tables with their indexes and TTL; returns the names created.

    Point-in-time recovery exists only on AWS (DynamoDB Local has no such API): it is
    switched on by the CloudFormation resources that cloudformation_tables() generates.
    """
    bind_all(settings)
    created = []
    for model in MODELS:
        if not model.exists():
            model.create_table(wait=True)
            created.append(model.Meta.table_name)
    return created


def delete_tables(settings: Settings) -> None:
    bind_all(settings)
    for model in MODELS:
        if model.exists():
            model.delete_table()


def pitr_enabled(model: type[Model]) -> bool:
    return bool(getattr(model.Meta, "point_in_time_recovery", False))


def ttl_attribute(model: type[Model]) -> str | None:
    for name, attr in model.get_attributes().items():
        if isinstance(attr, TTLAttribute):
            return attr.attr_name or name
    return None


def _key_schema(keys: Any) -> list[dict[str, str]]:
    # DynamoDB wants HASH before RANGE; PynamoDB lists keys in attribute declaration order.
    return sorted((dict(k) for k in keys), key=lambda k: k["KeyType"] != "HASH")


def table_spec(model: type[Model]) -> dict[str, Any]:
    """Keys, indexes, TTL and PITR of one model, in CloudFormation's AWS::DynamoDB::Table shape."""
    schema = model._get_schema()
    spec: dict[str, Any] = {
        "BillingMode": model.Meta.billing_mode,
        "AttributeDefinitions": sorted(
            (dict(a) for a in schema["attribute_definitions"]), key=lambda a: a["AttributeName"]
        ),
        "KeySchema": _key_schema(schema["key_schema"]),
    }
    gsis = [
        {
            "IndexName": i["index_name"],
            "KeySchema": _key_schema(i["key_schema"]),
            "Projection": {"ProjectionType": i["projection"]["ProjectionType"]},
        }
        for i in schema.get("global_secondary_indexes", [])
    ]
    if gsis:
        spec["GlobalSecondaryIndexes"] = sorted(gsis, key=lambda i: i["IndexName"])
    ttl = ttl_attribute(model)
    if ttl:
        spec["TimeToLiveSpecification"] = {"AttributeName": ttl, "Enabled": True}
    spec["PointInTimeRecoverySpecification"] = {"PointInTimeRecoveryEnabled": pitr_enabled(model)}
    return spec


def logical_id(base_name: str) -> str:
    return "Table" + "".join(part.capitalize() for part in base_name.split("_"))


def cloudformation_tables() -> dict[str, Any]:
    """Resources for infra/tables.json: table names are <stack name>-<base name>."""
    resources: dict[str, Any] = {}
    for model in MODELS:
        base = BASE_NAMES[model]
        properties = {"TableName": {"Fn::Sub": "${AWS::StackName}-" + base}, **table_spec(model)}
        resources[logical_id(base)] = {
            "Type": "AWS::DynamoDB::Table",
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
            "Properties": properties,
        }
    return {"Resources": resources}
