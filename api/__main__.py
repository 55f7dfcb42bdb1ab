"""`python -m api [--host H] [--port P]`: serve the API on the configured database
(embedded by default, `MATCHER_DATABASE_URL` for an external one)."""

from __future__ import annotations

import argparse
import os

import uvicorn

from api.main import create_app
from api.server import config
from matcher.store.processes import exit_on_sigterm


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m api", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    exit_on_sigterm()  # after uvicorn's graceful stop, exit through atexit: stops PostgreSQL
    uvicorn.Server(config(create_app(), args.host, args.port, log_level="info")).run()


if __name__ == "__main__":
    main()
