"""One importer per entity behind the interface in base.py."""

from __future__ import annotations

from chalicelib.domain.csv_mapping import fields_of
from chalicelib.domain.errors import ValidationError
from chalicelib.services.importers.base import Importer


def importer_for(entity: str) -> Importer:
    fields_of(entity)  # names the entities that exist
    from chalicelib.services.importers.customers import CustomerImporter
    from chalicelib.services.importers.items import ItemImporter
    from chalicelib.services.importers.people import PersonImporter
    from chalicelib.services.importers.products import ProductImporter

    builders: dict[str, type] = {"customers": CustomerImporter, "people": PersonImporter,
                                 "products": ProductImporter, "items": ItemImporter}
    if entity not in builders:
        raise ValidationError(f"importing {entity} is not available yet", field="entity")
    importer: Importer = builders[entity]()
    return importer
