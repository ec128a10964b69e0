"""`python -m wizard.sandbox.fidelity`: MiniStack with the fidelity layer, on loopback only.

The environment is the one `wizard.sandbox.emulator` gives MiniStack (BIND_HOST, GATEWAY_PORT,
...). Anything but a loopback bind host is refused before MiniStack is imported.
"""

from __future__ import annotations

import os
import sys

from wizard.sandbox import fidelity
from wizard.sandbox.fidelity.loopback import NotLoopbackError, require_loopback


def main() -> int:
    try:
        require_loopback(os.environ.get("BIND_HOST", ""))
    except NotLoopbackError as exc:
        print(f"apigw-wizard sandbox: {exc}", file=sys.stderr)
        return 2
    # lazy: MiniStack internals (ministack.app 414 ms, -X importtime); only the emulator process loads them
    import ministack.app

    # lazy: MiniStack internals (ministack.app 414 ms, -X importtime); only the emulator process loads them
    from ministack.services import apigateway_v1

    fidelity.install(apigateway_v1)
    ministack.app.main()
    return 0


if __name__ == "__main__":
    sys.exit(main())
