"""The `matcher` command line: JSON on stdout, one `error:` line and exit status 2 on bad
input. What a process does on its own (its exit status, no traceback, a bad setting, a
real import) is run as a user runs it, in a subprocess; the commands' answers are run
through the same `main` in this process, which spares each a fresh interpreter's start
(torch and the encoders: five of its seven seconds)."""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from matcher.cli import main
from tests.conftest import CACHE, SHARED, needs_shared


def run(args: list[str], data_dir: Path, **settings: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MATCHER_DATA_DIR": str(data_dir), **settings}
    return subprocess.run([sys.executable, "-m", "matcher.cli", *args], capture_output=True,
                          text=True, env=env, timeout=900)


@pytest.fixture()
def data_dir(tmp_path: Path) -> Path:
    CACHE.mkdir(parents=True, exist_ok=True)
    (tmp_path / "cache").symlink_to(CACHE)  # reuse the indexes the session already built
    return tmp_path


Cli = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture()
def cli(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Cli:
    """`matcher ARGS` through the CLI's `main` in this process, answered as `run` is."""
    monkeypatch.setenv("MATCHER_DATA_DIR", str(data_dir))

    def call(args: list[str], stdin: str = "") -> subprocess.CompletedProcess[str]:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin.encode())))
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(args)
        return subprocess.CompletedProcess(["matcher", *args], code, out.getvalue(),
                                           err.getvalue())

    return call


def test_normalize_json(cli: Cli) -> None:
    result = cli(["normalize", "Schweißer, MAG-Schweißen", "--json"])
    assert result.returncode == 0, result.stderr
    mentions = json.loads(result.stdout)
    assert {m["label"] for m in mentions} >= {"welder", "MAG welding"}
    assert all({"start", "end", "concept", "score", "method", "matched_label",
                "matched_lang"} <= m.keys() for m in mentions)


def test_occupation_titles(cli: Cli) -> None:
    result = cli(["normalize", "--occupations", "--json", "Kfz-Mechatroniker"])
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)[0]["label"] == "car mechanic"


def test_normalize_a_file_one_json_object_per_line(cli: Cli) -> None:
    lines = ["готувати супи, мити посуд", "", "sveiser\x92s helper", "qwxz blorp"]
    result = cli(["normalize", "--file", "-", "--json"], "\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["line"] for o in out] == [1, 3, 4]  # the blank line is skipped
    assert out[0]["lang"] == "uk" and out[0]["mentions"]
    assert all(m["lang"] == "uk" for m in out[0]["mentions"])
    assert out[1]["text"] == "sveiser's helper"  # a Windows-1252 apostrophe, repaired
    assert out[2]["mentions"] == [] and out[2]["unlinked"][0]["text"] == "qwxz blorp"


def test_occupations_of_a_file_and_a_bad_line_fails_the_batch(cli: Cli,
                                                              tmp_path: Path) -> None:
    titles = tmp_path / "titles.txt"
    titles.write_text("кухар\nطباخ\nđầu bếp\n", encoding="utf-8")
    result = cli(["normalize", "--file", str(titles), "--occupations", "--top", "2",
                  "--json"])
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["occupations"][0]["label"] for o in out] == ["cook"] * 3
    assert all(len(o["occupations"]) <= 2 for o in out)
    titles.write_text("кухар\nPK\x03\x04\x00\x00\n", encoding="utf-8")
    result = cli(["normalize", "--file", str(titles)])
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.strip().splitlines()[-1].startswith("error: line 2 contains NUL")


def test_recognise_a_file_of_titles(cli: Cli, tmp_path: Path) -> None:
    titles = tmp_path / "qualifications.txt"
    titles.write_text("диплом кваліфікованого робітника: кухар\nشهادة مهنية في اللحام\n",
                      encoding="utf-8")
    result = cli(["recognise", "--file", str(titles), "--json"])
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["line"] for o in out] == [1, 2]
    assert out[0]["reference_occupation"]["id"].endswith("90f75f67-495d-49fa-ab57-2f320e251d7e")
    assert out[1]["reference_occupation"]["id"].endswith("7aedaa07-3884-4c5b-88f9-80997b2aa54b")


def test_stats_of_the_starter_taxonomy(cli: Cli) -> None:
    result = cli(["taxonomy", "stats"])
    stats = json.loads(result.stdout)
    assert stats["occupations"] >= 40
    assert "starter" in stats["stored_at"]


@pytest.mark.parametrize("bad", ["", "\x01\x02\x03 junk \x04\x05\x06\x07"])
def test_bad_text_is_one_error_line(data_dir: Path, bad: str) -> None:
    result = run(["normalize", bad], data_dir)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1].startswith("error: text ")
    assert "Traceback" not in result.stderr


def test_malformed_import_stores_nothing(data_dir: Path, cli: Cli, tmp_path: Path) -> None:
    bad = tmp_path / "skills_en.csv"
    bad.write_text("conceptUri,preferredLabel\nnot-a-uri,weld\n", encoding="utf-8")
    result = cli(["taxonomy", "import", str(bad)])
    assert result.returncode == 2
    assert "skills_en.csv: line 2" in result.stderr
    assert not (data_dir / "taxonomy.pkl").exists()


def test_eval_skills_on_a_small_decorte_file(cli: Cli, tmp_path: Path) -> None:
    sample = tmp_path / "sample.csv"
    sample.write_text(
        "sentence,span,sub_span,label\n"
        "You can operate a forklift safely,operate a forklift,,operate a forklift\n"
        "Skilled in MAG welding,MAG welding,,MAG welding\n"
        "Nice team,team,,LABEL NOT PRESENT\n", encoding="utf-8")
    result = cli(["eval", "skills", str(sample)])
    assert result.returncode == 0, result.stderr
    metrics = json.loads(result.stdout)[str(sample)]
    assert metrics["n"] == 2  # the LABEL NOT PRESENT sentence is excluded
    assert metrics["mrr"] == 1.0
    assert {"rp@5", "rp@10", "per_s"} <= metrics.keys()


def test_eval_occupations_on_a_small_melo_folder(cli: Cli, tmp_path: Path) -> None:
    melo = tmp_path / "xyz_q_de_c_de"
    melo.mkdir()
    (melo / "queries.tsv").write_text("Q1\tSchweisser\nQ2\tKoch in der Kantine\n")
    (melo / "corpus_elements.tsv").write_text(
        "C1_de_000\tSchweißer\nC1_de_001\tSchweißerin\nC2_de_000\tKoch\nC3_de_000\tBäcker\n")
    (melo / "concept_mapping.tsv").write_text(
        "C1_de_000\thttp://x/welder\nC1_de_001\thttp://x/welder\nC2_de_000\thttp://x/cook\n"
        "C3_de_000\thttp://x/baker\n")
    (melo / "annotations.tsv").write_text("Q1\t0\tC1_de_000\t1\nQ2\t0\tC2_de_000\t1\n")
    result = cli(["eval", "occupations", str(melo)])
    assert result.returncode == 0, result.stderr
    metrics = json.loads(result.stdout)[str(melo)]
    assert metrics == {**metrics, "mrr": 1.0, "acc@1": 1.0, "n": 2}


def test_eval_rejects_a_folder_that_is_not_melo(cli: Cli, tmp_path: Path) -> None:
    result = cli(["eval", "occupations", str(tmp_path)])
    assert result.returncode == 2
    assert "not a MELO set" in result.stderr


@needs_shared
@pytest.mark.esco  # its passage vectors serve the full-ESCO index: the same worker
def test_import_real_esco_folder_and_stats(data_dir: Path) -> None:
    # the English index only: what is tested is the import; the multilingual index of
    # 3,000 occupations would cost minutes (it is built and tested on the starter taxonomy).
    # Its passage vectors stay in the session's cache for the full-ESCO tests after it.
    result = run(["taxonomy", "import", str(SHARED / "esco/v1.2/de/occupations_de.csv"),
                  str(SHARED / "esco/v1.1.1/en/occupations_en.csv")], data_dir,
                 MATCHER_MULTILINGUAL_ENCODER="none")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["taxonomy"]["occupations"] == 3_007 + 3  # and the starter's own three
    assert report["import"]["unknown_uris"] > 0  # occupations new in v1.2
    stats = json.loads(run(["taxonomy", "stats"], data_dir).stdout)
    assert stats["labels_per_language"]["de"] > 10_000


def test_invalid_setting_is_one_error_line(data_dir: Path) -> None:
    env = {**os.environ, "MATCHER_DATA_DIR": str(data_dir), "MATCHER_THRESHOLD": "high"}
    result = subprocess.run([sys.executable, "-m", "matcher.cli", "taxonomy", "stats"],
                            capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 2
    assert "error: invalid setting: MATCHER_THRESHOLD" in result.stderr
