"""Print template.yaml as SAM translates it (CloudFormation JSON), for cfn-lint to check the result."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from cdp.local.deployer import translate


def main(argv: list[str] | None = None) -> int:
    """`python -m cdp.tools.translate [template.yaml]`."""
    args = argv if argv is not None else sys.argv[1:]
    print(json.dumps(translate(Path(args[0] if args else "template.yaml"), "eu-west-1"), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
