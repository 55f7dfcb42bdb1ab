"""The `matcher` command line.

    matcher taxonomy import PATH... [--add]   import ESCO folders/files, build the indexes
    matcher taxonomy stats                     counts, languages, version
    matcher normalize "text" [--lang de] [--occupations] [--json]
    matcher normalize --file PATH|- [--occupations] [--top K]   one JSON object per line
    matcher eval skills FILE...                Decorte-format skill linking sets
    matcher eval occupations DIR...            MELO-format occupation linking sets
    matcher eval statements FILE...            lang,kind,text,uris statement sets
    matcher orgs add NAME --kind centre|employer|provider [--external-id ID]
    matcher users add NAME --role admin|coach|employer|migrant [--organisation ID]
                      [--candidate ID]         prints the user's first token (shown once)
    matcher tokens issue USER_ID               a new token for an existing user
    matcher tokens list USER_ID                the user's tokens: id, prefix, expiry, state
    matcher tokens revoke USER_ID [TOKEN_ID]   revoke one token, or all of the user's
    matcher recognise "title" [--country C] [--type T] [--duration Y] [--content TEXT]
                      [--lang L] [--json]      reference occupation, EQF level, regulation, gap
    matcher recognise --file PATH|- [...]      one title per line, one JSON object per line
    matcher eqf import CSV [--source NAME]     a country -> qualification -> EQF table
    matcher backup PATH                        the whole database to one file (pg_dump)
    matcher restore PATH                       replace the database with a backup (all or
                                               nothing; stop the API first)
    matcher worker [--threads N]               run background jobs (imports answered 202)

Errors print one line `error: ...` on stderr and exit with status 2.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError

from matcher.admin_cli import admin_commands, backup_commands, worker_commands
from matcher.settings import Settings
from matcher.store.processes import exit_on_sigterm
from skills_taxonomy.errors import InvalidInputError, MatcherError

FILE_BATCH = 256  # lines linked together: one encoder pass per batch


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    from matcher.wiring import import_taxonomy, normalizer_for

    started = time.perf_counter()
    taxonomy, version, report, merged = import_taxonomy(settings, args.paths, args.add,
                                                        progress=_say)
    imported = time.perf_counter() - started
    _say(f"imported in {imported:.1f} s; building indexes")
    normalizer_for(settings, taxonomy, version, progress=_say)
    summary = {
        "import": report.as_dict(),
        "project_labels": merged,
        "taxonomy": taxonomy.stats(version),
        "import_seconds": round(imported, 1),
        "total_seconds": round(time.perf_counter() - started, 1),
    }
    if not args.verbose:
        summary["import"] = {k: v for k, v in report.as_dict().items() if k != "files"}
    print(json.dumps(summary, ensure_ascii=False, indent=1))
    return 0


def _cmd_stats(args: argparse.Namespace, settings: Settings) -> int:
    from matcher.wiring import current_taxonomy

    taxonomy, version = current_taxonomy(settings)
    stats = taxonomy.stats(version)
    stats["stored_at"] = (str(settings.taxonomy_path) if settings.taxonomy_path.exists()
                          else "starter taxonomy (nothing imported)")
    print(json.dumps(stats, ensure_ascii=False, indent=1))
    return 0


def _read_lines(path: str) -> list[tuple[int, str]]:
    """(line number, text) of every non-blank line of a UTF-8 file or of stdin (`-`),
    each checked and repaired first: one bad line fails the batch before any output."""
    from skills_taxonomy.normalize import check_text

    try:
        if path == "-":
            raw = sys.stdin.buffer.read()
        else:
            with open(path, "rb") as handle:
                raw = handle.read()
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInputError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    return [(n, check_text(line, f"line {n}")) for n, line in
            enumerate(text.splitlines(), start=1) if line.strip()]


def _normalize_file(args: argparse.Namespace, settings: Settings) -> int:
    """One JSON object per non-blank input line: its mentions, or its occupations."""
    from matcher.wiring import load_normalizer
    from skills_taxonomy.language import detect_language

    lines = _read_lines(args.file)
    normalizer = load_normalizer(settings, progress=_say)
    for start in range(0, len(lines), FILE_BATCH):
        chunk = lines[start:start + FILE_BATCH]
        if args.occupations:
            for n, text in chunk:
                found = normalizer.link_occupations(text, args.lang, top_k=args.top)
                print(json.dumps({"line": n, "text": text, "lang": detect_language(text),
                                  "occupations": [{"uri": m.concept, "label": m.label,
                                                   "score": m.score} for m in found]},
                                 ensure_ascii=False))
        else:
            for (n, _), statement in zip(chunk, normalizer.statements(
                    [t for _, t in chunk], args.lang), strict=True):
                print(json.dumps({"line": n, **statement.as_dict()}, ensure_ascii=False))
        sys.stdout.flush()
    return 0


def _cmd_normalize(args: argparse.Namespace, settings: Settings) -> int:
    from matcher.wiring import load_normalizer
    from skills_taxonomy.readable import check_text

    if (args.text is None) == (args.file is None):
        raise InvalidInputError("give a text or --file PATH (- for stdin), not both")
    if args.file is not None:
        return _normalize_file(args, settings)
    check_text(args.text)  # a bad text is refused before the models load, not after
    normalizer = load_normalizer(settings, progress=_say)
    if args.occupations:
        mentions = normalizer.link_occupations(args.text, args.lang, top_k=args.top)
    else:
        mentions = normalizer.normalize(args.text, args.lang)
    if args.json:
        print(json.dumps([m.as_dict() for m in mentions], ensure_ascii=False, indent=1))
        return 0
    if not mentions:
        print("no concept above the threshold (abstained)")
    for m in mentions:
        print(f"{m.score:.2f}  {m.text!r:<30} -> {m.label}  [{m.method}: "
              f"{m.matched_label!r} ({m.matched_lang})]  {m.concept}")
    return 0


def _cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    from matcher.wiring import load_normalizer, make_encoder, make_multilingual
    from skills_taxonomy.linking_eval import eval_occupations, eval_skills, eval_statements

    if args.target == "skills":
        results = eval_skills(load_normalizer(settings, progress=_say), args.paths)
    elif args.target == "statements":
        results = eval_statements(load_normalizer(settings, progress=_say), args.paths)
    else:
        results = eval_occupations(settings.cache_dir, make_encoder(settings), args.paths,
                                   progress=_say, multilingual=make_multilingual(settings))
    print(json.dumps(results, ensure_ascii=False))
    return 0


def _query(args: argparse.Namespace, title: str, where: str = "") -> Any:
    from matcher.schemas import QualificationQuery

    try:
        return QualificationQuery(title=title, country=args.country, type=args.type,
                                  duration_years=args.duration, content=args.content,
                                  lang=args.lang, years_practice=args.years_practice)
    except ValidationError as exc:
        raise InvalidInputError(where + "; ".join(
            f"--{'.'.join(map(str, e['loc'])).replace('_', '-')}: {e['msg']}"
            for e in exc.errors())) from exc


def _cmd_recognise(args: argparse.Namespace, settings: Settings) -> int:
    from matcher.engine import Engine

    if (args.title is None) == (args.file is None):
        raise InvalidInputError("give a title or --file PATH (- for stdin), not both")
    if args.file is not None:
        queries = [(n, _query(args, title, f"line {n}: ")) for n, title in
                   _read_lines(args.file)]
        engine = Engine.start(settings, progress=_say)
        try:
            for n, query in queries:
                result = engine.recogniser.recognise(query, args.lang, args.years_practice)
                print(json.dumps({"line": n, **result}, ensure_ascii=False, default=str))
        finally:
            engine.close()
        return 0
    query = _query(args, args.title)
    engine = Engine.start(settings, progress=_say)
    try:
        result = engine.recogniser.recognise(query, args.lang, args.years_practice)
    finally:
        engine.close()
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1, default=str))
        return 0
    eqf = result["eqf"]
    print(f"{args.title!r} ({args.country or 'country unknown'})")
    print(f"  EQF level: {eqf['level']} [{eqf['method']}"
          f"{', an estimate' if eqf['estimated'] else ''}] {eqf.get('evidence', '')}")
    for found in result.get("fields_of_study", []):
        print(f"  field of study: {found['field']} ({found['words']!r})")
    for occ in result["reference_occupations"]:
        print(f"  occupation: {occ['label']} ({occ['confidence']:.2f})  {occ['id']}")
    if "regulation" in result:
        reg = result["regulation"]
        print(f"  regulated in {reg['country']}: {'yes' if reg['regulated'] else 'no'}"
              + (f" — {reg.get('reason', '')}; {reg.get('authority', '')}"
                 if reg["regulated"] else ""))
        print(f"  skills evidenced: {len(result['skills'])}; gap: "
              + (", ".join(g["label"] for g in result["gap"]) or "none"))
    return 0


def _cmd_eqf_import(args: argparse.Namespace, settings: Settings) -> int:
    from matcher.engine import Engine
    from matcher.recognition.eqf_table import read_eqf_csv

    table = read_eqf_csv(args.path, args.source)  # a bad file fails before starting anything
    engine = Engine.start(settings, progress=_say)
    try:
        print(json.dumps(engine.save_eqf_table(*table), ensure_ascii=False))
    finally:
        engine.close()
    return 0


def _taxonomy_commands(sub: Any) -> None:
    """matcher taxonomy import|stats"""
    taxonomy = sub.add_parser("taxonomy", help="import and inspect the taxonomy")
    tsub = taxonomy.add_subparsers(dest="action", required=True)
    imp = tsub.add_parser("import", help="import ESCO CSV folders, label files, MELO folders")
    imp.add_argument("paths", nargs="+")
    imp.add_argument("--add", action="store_true",
                     help="add to the current taxonomy instead of replacing it")
    imp.add_argument("--verbose", action="store_true", help="report every file")
    imp.set_defaults(func=_cmd_import)
    stats = tsub.add_parser("stats", help="counts, languages and version")
    stats.set_defaults(func=_cmd_stats)


def _linking_commands(sub: Any) -> None:
    """matcher normalize, matcher eval"""
    norm = sub.add_parser("normalize", help="link free text to skills or occupations")
    norm.add_argument("text", nargs="?")
    norm.add_argument("--file", default=None,
                      help="one text per line (- for stdin); prints one JSON object per line")
    norm.add_argument("--lang", default=None, help="language for the output labels")
    norm.add_argument("--occupations", action="store_true",
                      help="treat the text as a job or qualification title")
    norm.add_argument("--top", type=int, default=5, help="occupations to show")
    norm.add_argument("--json", action="store_true")
    norm.set_defaults(func=_cmd_normalize)

    ev = sub.add_parser("eval", help="evaluate linking on labelled sets")
    ev.add_argument("target", choices=["skills", "occupations", "statements"])
    ev.add_argument("paths", nargs="+")
    ev.set_defaults(func=_cmd_eval)


def _recognition_commands(sub: Any) -> None:
    """matcher recognise, matcher eqf import"""
    rec = sub.add_parser("recognise", help="recognise a foreign qualification")
    rec.add_argument("title", nargs="?")
    rec.add_argument("--file", default=None,
                     help="one title per line (- for stdin); prints one JSON object per line")
    rec.add_argument("--country", default=None)
    rec.add_argument("--type", default=None, help="primary … doctorate, if known")
    rec.add_argument("--duration", type=float, default=None, help="programme length, years")
    rec.add_argument("--content", default=None, help="subjects or modules, free text")
    rec.add_argument("--years-practice", type=float, default=0.0)
    rec.add_argument("--lang", default=None, help="language of the output labels")
    rec.add_argument("--json", action="store_true")
    rec.set_defaults(func=_cmd_recognise)

    eqf = sub.add_parser("eqf", help="EQF reference tables")
    eqf_import = eqf.add_subparsers(dest="action", required=True).add_parser("import")
    eqf_import.add_argument("path")
    eqf_import.add_argument("--source", default=None, help="default: the file name")
    eqf_import.set_defaults(func=_cmd_eqf_import)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="matcher", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for add in (_taxonomy_commands, _linking_commands, admin_commands, _recognition_commands,
                backup_commands, worker_commands):
        add(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    for noisy in ("sentence_transformers", "transformers", "torch"):
        logging.getLogger(noisy).setLevel(logging.ERROR)
    args = build_parser().parse_args(argv)
    exit_on_sigterm()  # a SIGTERM ends through `finally`: the embedded server stops
    try:
        settings = Settings()
    except ValidationError as exc:
        problems = "; ".join(f"MATCHER_{'_'.join(map(str, e['loc'])).upper()}: {e['msg']}"
                             for e in exc.errors())
        print(f"error: invalid setting: {problems}", file=sys.stderr)
        return 2
    try:
        return int(args.func(args, settings))
    except MatcherError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (FileNotFoundError, PermissionError, IsADirectoryError) as exc:
        print(f"error: {exc.strerror}: {exc.filename}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
