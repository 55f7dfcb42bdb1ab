"""`python -m api [--host H] [--port P] [--workers N] [--log-level L]`: serve the API on
the configured database (embedded by default, `MATCHER_DATABASE_URL` for an external one).
With several workers (one per core) the processes share the port and the database."""

from __future__ import annotations

import argparse
import os

from api.main import create_app
from api.server import serve
from matcher.store.processes import exit_on_sigterm


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m api", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=1,
                        help="worker processes (default 1; one per core under load)")
    parser.add_argument("--log-level", default="info",
                        choices=["critical", "error", "warning", "info", "debug"],
                        help="info (default) writes the access log; warning leaves it out")
    args = parser.parse_args()
    if args.workers < 1:
        parser.error("--workers: at least 1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    exit_on_sigterm()  # after uvicorn's graceful stop, exit through atexit: stops PostgreSQL
    if args.workers == 1:
        serve(create_app(), args.host, args.port, log_level=args.log_level)
    else:  # each worker process builds its own app
        serve("api.main:create_app", args.host, args.port, workers=args.workers,
              factory=True, log_level=args.log_level)


if __name__ == "__main__":
    main()
