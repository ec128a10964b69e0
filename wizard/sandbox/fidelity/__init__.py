"""The sandbox's fidelity layer: API Gateway behaviours MiniStack 1.5.33 lacks, added in-process.

`python -m wizard.sandbox.fidelity` imports MiniStack, installs every behaviour below into its
API Gateway module, then serves exactly as `python -m ministack` would. Each behaviour is one
module with an `install(v1)` that wraps or replaces a function of `ministack.services.
apigateway_v1` (passed in as `v1`); each one's test names the AWS documentation page it
reproduces (docs/emulator.md lists them). Importing this package imports no MiniStack: the
wizard's front ends never load it, only the emulator's own process does.
"""

from __future__ import annotations

import importlib
from types import ModuleType

# Installed in this order: `routes` first, since the control-plane operations register with it.
BEHAVIOURS: tuple[str, ...] = (
    "routes",
    "patched_booleans",
    "flush_caches",
    "test_invoke_authorizer",
    "test_invoke_method",
    "usage_plan_stages",
    "custom_domain_routing",
    "vpc_endpoint_path",
    "stage_cache",
    "integration_headers",
    "default_endpoint",  # before deployment_snapshots: it reads the deployed API record
    "deployment_snapshots",
    "authorizer_resource_policy",
    "waf_web_acl",  # outermost of the stage's checks: WAF filters before API Gateway does
    "request_trace",
    "execution_logs",
    "access_logs",
    "ws_management_endpoint",
    # last, so outermost: every other behaviour serves the call in the API owner's account
    "cross_account_invoke",
)


def install(v1: ModuleType) -> None:
    """Install every behaviour into MiniStack's API Gateway (v1) module `v1`."""

    for name in BEHAVIOURS:
        importlib.import_module(f"{__name__}.{name}").install(v1)
