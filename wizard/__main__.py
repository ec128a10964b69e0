"""`python -m wizard`: the same entry point as the `apigw-wizard` command."""

from wizard.cli import main

raise SystemExit(main())
