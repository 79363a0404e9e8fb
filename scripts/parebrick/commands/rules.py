"""`parebrick rules`: check the project's conventions from dbt's manifest; exit 1 on any violation.

It runs in `make test` and in pre-commit, so a pull request that forgets a description, a grain test or
a contract fails with a line saying which model, which rule and how to fix it, before a reviewer reads it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from parebrick.layers import LayersError, load_layers
from parebrick.rules import check
from parebrick.rules.exceptions import FILE_NAME, ExceptionsFileError, load_exceptions
from parebrick.rules.manifest import ManifestError, parse_project, read_json
from parebrick.rules.project import Project


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "rules",
        help="check the project rules (docs, grain tests, meta, layers, names, contracts) from dbt's manifest",
        description="Check the project rules from dbt's manifest. Without --manifest, runs `dbt parse` into a "
                    "temporary folder first. Prints `model — rule — how to fix` per violation; exit 1 if any.",
    )
    parser.add_argument("--manifest", type=Path, help="a manifest.json to check (default: parse the project now)")
    parser.add_argument("--catalog", type=Path,
                        help="also check catalog.json (from `dbt docs generate`) for columns missing from the YAML")
    parser.add_argument("--project-dir", type=Path, default=Path.cwd(), help="the dbt project (default: current directory)")
    parser.add_argument("--profiles-dir", help="dbt profiles directory (default: DBT_PROFILES_DIR, then .dbt/)")
    parser.add_argument("--exceptions", type=Path,
                        help=f"the reviewed exceptions file (default: {FILE_NAME} in the project directory)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    project_dir = args.project_dir.resolve()
    try:
        manifest = read_json(args.manifest) if args.manifest else parse_project(project_dir, args.profiles_dir)
        exceptions = load_exceptions(args.exceptions or project_dir / FILE_NAME)
        catalog = read_json(args.catalog) if args.catalog else None
        # The layer table of the project checked; a manifest checked outside it uses this package's project.
        layer_table = load_layers(project_dir if (project_dir / "dbt_project.yml").exists() else None)
    except (ManifestError, ExceptionsFileError, LayersError) as exc:
        print(f"parebrick rules: {exc}", file=sys.stderr)
        return 2
    violations = check(manifest, exceptions, catalog, layer_table)
    for violation in violations:
        print(violation.line())
    if violations:
        print(f"{len(violations)} rule violation(s); see CONTRIBUTING.md, or add a reviewed exception "
              f"with a reason to {FILE_NAME}", file=sys.stderr)
        return 1
    models = len(Project(manifest, layer_table).models)
    print(f"project rules: {models} models checked, no violations")
    return 0
