"""Generate the Glue table resources of template.yaml from the table registry.

Run `python -m cdp.tools.glue_template --write` after changing a schema in `cdp.model`; a test fails
while template.yaml and the registry disagree.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from cdp.tables import ALL_TABLES, TableDef, hive_type

BEGIN = "  # BEGIN GENERATED GLUE TABLES (python -m cdp.tools.glue_template --write)"
END = "  # END GENERATED GLUE TABLES"
INITIAL_RUN = "initial"


def resource_name(table: TableDef) -> str:
    """CloudFormation logical id of a table's Glue resource."""
    return "GlueTable" + "".join(part.capitalize() for part in table.name.split("_"))


def table_location(table: TableDef) -> str:
    """The `!Sub` location string of a table; curated tables start on an empty initial snapshot."""
    bucket = f"${{BucketPrefix}}-{table.zone.value}-${{AWS::AccountId}}-${{AWS::Region}}"
    suffix = table.snapshot_prefix(INITIAL_RUN) if table.snapshot else f"{table.prefix}/"
    return f"s3://{bucket}/{suffix}"


def render_table(table: TableDef) -> str:
    """The YAML of one AWS::Glue::Table resource (flow-style columns keep it short)."""
    partition = set(table.partition_keys)
    columns = [
        {"Name": field.name, "Type": hive_type(field.type)}
        for field in table.schema
        if field.name not in partition
    ]
    lines = [
        f"  {resource_name(table)}:",
        "    Type: AWS::Glue::Table",
        "    Properties:",
        "      CatalogId: !Ref AWS::AccountId",
        "      DatabaseName: !Ref GlueDatabase",
        "      TableInput:",
        f"        Name: {table.name}",
        f"        Description: {json.dumps(table.description)}",
        "        TableType: EXTERNAL_TABLE",
        "        Parameters: {classification: parquet, EXTERNAL: 'TRUE'}",
    ]
    if table.partition_keys:
        keys = ", ".join(f"{{Name: {key}, Type: string}}" for key in table.partition_keys)
        lines.append(f"        PartitionKeys: [{keys}]")
    lines += [
        "        StorageDescriptor:",
        f'          Location: !Sub "{table_location(table)}"',
        "          InputFormat: org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
        "          OutputFormat: org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
        "          SerdeInfo:",
        "            SerializationLibrary: org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
        "          Columns:",
    ]
    lines += [f"            - {{Name: {c['Name']}, Type: '{c['Type']}'}}" for c in columns]
    return "\n".join(lines)


def render_all() -> str:
    """The generated block, markers included."""
    return "\n".join([BEGIN, *(render_table(t) for t in ALL_TABLES), END])


def splice(template_text: str) -> str:
    """Replace the generated block of a template (or append it at the end of Resources)."""
    pattern = re.compile(re.escape(BEGIN) + r".*?" + re.escape(END), re.DOTALL)
    if pattern.search(template_text):
        return pattern.sub(lambda _: render_all(), template_text)
    return template_text.rstrip("\n") + "\n\n" + render_all() + "\n"


def main(argv: list[str] | None = None) -> int:
    """Print the generated block, or rewrite template.yaml with it (`--write`)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--template", type=Path, default=Path("template.yaml"))
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args(argv)
    if not args.write:
        print(render_all())
        return 0
    args.template.write_text(splice(args.template.read_text(encoding="utf-8")), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
