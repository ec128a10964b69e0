"""`python -m wizard.sandbox.fidelity`: MiniStack with the fidelity layer, on loopback only.

The environment is the one `wizard.sandbox.emulator` gives MiniStack (BIND_HOST, GATEWAY_PORT,
...). Anything but a loopback bind host is refused before MiniStack is imported.
"""

from __future__ import annotations

import os
import sys

from wizard.sandbox.fidelity.loopback import NotLoopbackError, require_loopback


def main() -> int:
    try:
        require_loopback(os.environ.get("BIND_HOST", ""))
    except NotLoopbackError as exc:
        print(f"apigw-wizard sandbox: {exc}", file=sys.stderr)
        return 2
    import ministack.app
    from ministack.services import apigateway_v1

    from wizard.sandbox import fidelity

    fidelity.install(apigateway_v1)
    ministack.app.main()
    return 0


if __name__ == "__main__":
    sys.exit(main())
