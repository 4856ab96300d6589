"""localstripe bound to 127.0.0.1 only, with its shared /tmp pickle switched off.

The stock CLI listens on every interface and saves state to /tmp/localstripe.pickle,
which leaks state between runs and between projects. Usage: localstripe_server.py --port N
"""

from __future__ import annotations

import argparse
import logging

from aiohttp import web
from localstripe import resources, server


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    resources.Store.dump_to_disk = lambda self: None  # type: ignore[method-assign]
    resources.Store.try_load_from_disk = lambda self: None  # type: ignore[method-assign]
    logging.basicConfig(level=logging.WARNING)
    web.run_app(server.app, host="127.0.0.1", port=args.port, access_log=None, print=None)


if __name__ == "__main__":
    main()
