"""The module system: `AbstractModule`, connections, records, errors."""
