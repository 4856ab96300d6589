"""PynamoDB models (one registry) and small repository functions returning domain objects."""
