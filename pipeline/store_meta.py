"""What a store says about itself to people who open it with SQL or pyarrow: a schema version, and
a description of every column.

- `SCHEMA_VERSION`: the version of the tables' and views' columns (docs/schema.md, "Schema
  version"). Raised when a column is renamed, removed or changes meaning; adding a column or a
  table does not raise it. In the DuckDB file it is the view `hyoka_meta` (schema_version,
  hyoka_version, generation, written); in every Parquet file the schema metadata key
  `hyoka_schema_version`.
- Column descriptions (pipeline/data/columns.tsv, from docs/schema.md) become DuckDB column
  comments (`COMMENT ON COLUMN`: `select column_name, comment from duckdb_columns()`) and Parquet
  field metadata (`description`, and `label_ja`, the Japanese header the workbooks use).
"""

from __future__ import annotations

import pyarrow as pa

from hyoka.pipeline.column_labels import column_descriptions, column_label

SCHEMA_VERSION = 1
SCHEMA_KEY = b"hyoka_schema_version"


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def comment_columns(con, relations: list[str]) -> int:
    """COMMENT ON COLUMN for every column of `relations` (tables or views) that has a description;
    the number of comments set. Run inside the run's transaction: comments commit with the rows."""
    descriptions = column_descriptions()
    n = 0
    for rel in relations:
        for (column,) in con.execute(f'select column_name from (describe "{rel}")').fetchall():
            text = descriptions.get((rel, column))
            if text:
                con.execute(f'comment on column "{rel}"."{column}" is {_quote(text)}')
                n += 1
    return n


def describe_fields(table_name: str, table: pa.Table) -> pa.Table:
    """`table` with each field's description and Japanese label as field metadata and the schema
    version in the schema metadata (what pyarrow's `pq.read_schema(f)` shows)."""
    descriptions = column_descriptions()
    fields = []
    for f in table.schema:
        meta = dict(f.metadata or {})
        text = descriptions.get((table_name, f.name))
        if text:
            meta[b"description"] = text.encode("utf-8")
        meta[b"label_ja"] = column_label(f.name).encode("utf-8")
        fields.append(f.with_metadata(meta))
    schema_meta = {**(table.schema.metadata or {}), SCHEMA_KEY: str(SCHEMA_VERSION).encode()}
    return pa.Table.from_arrays(table.columns, schema=pa.schema(fields, metadata=schema_meta))
