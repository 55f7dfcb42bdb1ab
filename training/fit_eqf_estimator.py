"""Fit the EQF text model (`EqfLevelEstimator`) on the project's reference table and save
it as the versioned artefact the engine loads at start
(`matcher/data/recognition/eqf_estimator.json`).

It is fitted on exactly what the server fitted at every start before: the project's own
table (`matcher/data/recognition/origin_qualifications_eqf.csv`), English and native
titles. Tables an admin imports later are not in it: the engine then refits on the
project table plus the imported rows, as it always did. Rerun this script whenever the
project table, `fold` or the estimator's hyper-parameters change; the engine refuses a
stale artefact and says so.

    python -m training.fit_eqf_estimator [--out PATH]
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from pathlib import Path

from matcher.recognition.eqf_table import PROJECT_TABLE, project_table
from matcher.recognition.estimator import EqfLevelEstimator, artefact_path, training_rows


def fit(out: Path) -> dict[str, object]:
    titles, levels = training_rows(project_table())
    started = time.perf_counter()
    estimator = EqfLevelEstimator().fit(titles, levels)
    seconds = time.perf_counter() - started
    estimator.save(out, titles, levels, tables=[PROJECT_TABLE], fitted=str(dt.date.today()))
    EqfLevelEstimator.load(out, titles, levels)  # it reloads and reproduces itself
    return {"artefact": str(out), "rows": len(titles), "levels": sorted(set(levels)),
            "fit_seconds": round(seconds, 2), "bytes": out.stat().st_size}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=artefact_path(),
                        help="where to write the artefact (default: the shipped one)")
    args = parser.parse_args(argv)
    for key, value in fit(args.out).items():
        print(f"{key}: {value}")


if __name__ == "__main__":
    main()
