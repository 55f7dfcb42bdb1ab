"""The command line's administration commands: organisations, users and tokens (the first
admin, before the API has one), backups of the database, and the background worker."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from typing import Any

import psycopg

from matcher.settings import Settings
from skills_taxonomy.errors import InvalidInputError


def _with_db(settings: Settings, action: Callable[[psycopg.Connection], dict]) -> int:
    from matcher.store.database import Database

    with Database(settings) as db, db.connection() as conn:
        print(json.dumps(action(conn), ensure_ascii=False))
    return 0


def _cmd_orgs(args: argparse.Namespace, settings: Settings) -> int:
    from matcher.store.auth import upsert_organisation

    return _with_db(settings, lambda conn: {"id": upsert_organisation(
        conn, args.name, args.kind, args.external_id), "name": args.name, "kind": args.kind})


def _cmd_users(args: argparse.Namespace, settings: Settings) -> int:
    from matcher.store.auth import create_user, issue_token

    def add(conn: psycopg.Connection) -> dict:
        uid = create_user(conn, args.name, args.role, args.organisation, args.candidate)
        return {"id": uid, "role": args.role, "token": issue_token(conn, uid, "cli")}

    return _with_db(settings, add)


def _cmd_sign_in_code(args: argparse.Namespace, settings: Settings) -> int:
    import datetime as dt
    from urllib.parse import quote

    from matcher.store.auth import user_exists
    from matcher.store.web_sessions import issue_sign_in_code

    def issue(conn: psycopg.Connection) -> dict:
        if not user_exists(conn, args.user_id):
            raise InvalidInputError(f"user {args.user_id} does not exist")
        code, expires = issue_sign_in_code(conn, args.user_id, None, dt.timedelta(
            hours=settings.sign_in_code_hours))
        return {"user_id": args.user_id, "code": code, "expires_at": expires.isoformat(),
                "link": f"{args.base_url.rstrip('/')}/sign-in?code={quote(code)}"}

    return _with_db(settings, issue)


def _cmd_tokens(args: argparse.Namespace, settings: Settings) -> int:
    from matcher.store.auth import (
        TokenLifetime,
        issue_token,
        list_tokens,
        revoke_tokens,
        token_exists,
        user_exists,
    )

    def tokens(conn: psycopg.Connection) -> dict:
        if not user_exists(conn, args.user_id):
            raise InvalidInputError(f"user {args.user_id} does not exist")
        if args.action == "issue":
            return {"user_id": args.user_id, "token": issue_token(conn, args.user_id, "cli")}
        if args.action == "list":
            lifetime = TokenLifetime(settings.token_days, settings.migrant_token_days)
            return {"user_id": args.user_id, "items": [
                {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in t.items()}
                for t in list_tokens(conn, args.user_id, lifetime)]}
        token_id = args.token_id
        if token_id is not None and not token_exists(conn, args.user_id, token_id):
            raise InvalidInputError(f"token {token_id} of user {args.user_id} does not exist")
        return {"user_id": args.user_id, "token_id": token_id,
                "revoked": revoke_tokens(conn, args.user_id, token_id)}

    return _with_db(settings, tokens)


def admin_commands(sub: Any) -> None:
    """matcher orgs|users|tokens: the first admin, before the API has one"""
    orgs = sub.add_parser("orgs", help="organisations: centres, employers, providers")
    orgs_add = orgs.add_subparsers(dest="action", required=True).add_parser("add")
    orgs_add.add_argument("name")
    orgs_add.add_argument("--kind", required=True, choices=["centre", "employer", "provider"])
    orgs_add.add_argument("--external-id", default=None)
    orgs_add.set_defaults(func=_cmd_orgs)

    users = sub.add_parser("users", help="users, their first token, sign-in codes")
    users_sub = users.add_subparsers(dest="action", required=True)
    users_add = users_sub.add_parser("add")
    users_add.add_argument("name")
    users_add.add_argument("--role", required=True,
                           choices=["admin", "coach", "employer", "migrant"])
    users_add.add_argument("--organisation", type=int, default=None)
    users_add.add_argument("--candidate", default=None)
    users_add.set_defaults(func=_cmd_users)
    code = users_sub.add_parser("sign-in-code", help="a one-time code and link to the pages "
                                "(replaces the user's unused codes)")
    code.add_argument("user_id", type=int)
    code.add_argument("--base-url", default="http://127.0.0.1:8000",
                      help="where the pages are served, for the link")
    code.set_defaults(func=_cmd_sign_in_code)

    tokens = sub.add_parser("tokens", help="bearer tokens")
    tokens_sub = tokens.add_subparsers(dest="action", required=True)
    for action, text in (("issue", "a new token (shown once)"),
                         ("list", "id, prefix, expiry and state of each token"),
                         ("revoke", "revoke one token, or all of the user's")):
        command = tokens_sub.add_parser(action, help=text)
        command.add_argument("user_id", type=int)
        if action == "revoke":
            command.add_argument("token_id", type=int, nargs="?", default=None,
                                 help="default: every token of the user")
        command.set_defaults(func=_cmd_tokens)


def _cmd_backup(args: argparse.Namespace, settings: Settings) -> int:
    from pathlib import Path

    from matcher.store.backup import backup, restore
    from matcher.store.database import Database

    with Database(settings) as db:
        action = backup if args.command == "backup" else restore
        print(json.dumps(action(db, Path(args.path)), ensure_ascii=False))
    return 0


def backup_commands(sub: Any) -> None:
    """matcher backup|restore"""
    for name, text in (("backup", "write the whole database to a file (pg_dump, custom "
                                  "format)"),
                       ("restore", "replace the whole database with a backup file")):
        command = sub.add_parser(name, help=text)
        command.add_argument("path")
        command.set_defaults(func=_cmd_backup)


def _cmd_worker(args: argparse.Namespace, settings: Settings) -> int:
    """Run queued jobs until stopped (SIGTERM or Ctrl-C), beside or instead of the API
    processes' own workers (`MATCHER_JOB_WORKERS=0` there)."""
    import logging
    import threading

    from matcher.engine import Engine
    from matcher.jobs import JobWorker
    from matcher.store.processes import freeze_startup_heap

    logging.getLogger("matcher.jobs").setLevel(logging.INFO)
    engine = Engine.start(settings)
    freeze_startup_heap()
    workers = [JobWorker(engine).start() for _ in range(args.threads)]
    print(json.dumps({"workers": args.threads, "state": "running"}), flush=True)
    try:
        threading.Event().wait()
    finally:
        for worker in workers:
            worker.stop()
        engine.close()
    return 0


def worker_commands(sub: Any) -> None:
    """matcher worker"""
    command = sub.add_parser("worker", help="run background jobs (imports to link) until "
                                            "stopped")
    command.add_argument("--threads", type=int, default=1, choices=range(1, 9),
                         metavar="1..8")
    command.set_defaults(func=_cmd_worker)
