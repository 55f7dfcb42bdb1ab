"""Page speed on the demo data set (200 candidates, 1,000 vacancies, 100 courses, starter
taxonomy) in a fresh embedded PostgreSQL: for every page each role can reach, the server
time (median and p95 over repeated requests, in-process, so no network) and the bytes a
browser transfers for it (the HTML gzip-compressed as served, plus the stylesheets and
scripts it loads, counted once each; images are data URIs inside the HTML).

Pages are found by following the links of each role's start page (two levels deep, one
page per route pattern), so new pages are measured without listing them here.

    python -m benchmarks.pages [--repeat 20] [--out benchmarks/results/pages.json]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import shutil
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient

from api.demo import DEMO_USERS, demo_sign_in_links, load_demo
from api.main import create_app
from benchmarks.matching import percentiles
from matcher.engine import Engine
from matcher.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
LINK = re.compile(r'href="(/[^"#]*)"')
ASSET = re.compile(r'(?:href|src)="(/static/[^"]+)"')
SKIP = re.compile(r"^/(static|sign-out|sign-in)|/export|/download|\.csv$|[?&]lang=")


def pattern(path: str) -> str:
    """One route pattern per page: ids and numbers replaced."""
    return re.sub(r"/(cand_[0-9a-f]+|\d+)(?=/|$|\?)", "/{id}", path.split("?")[0])


def crawl(client: TestClient, start: str, depth: int = 2, most: int = 30) -> list[str]:
    seen: dict[str, str] = {pattern(start): start}
    frontier = [start]
    for _ in range(depth):
        following: list[str] = []
        for url in frontier:
            page = client.get(url)
            if page.status_code != 200 or "text/html" not in page.headers["content-type"]:
                continue
            for link in LINK.findall(page.text):
                key = pattern(link)
                if not SKIP.search(link) and key not in seen and len(seen) < most:
                    seen[key] = link
                    following.append(link)
        frontier = following
    return list(seen.values())


def measure(client: TestClient, url: str, repeat: int) -> dict[str, object]:
    client.get(url)  # warm
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        page = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    html = page.content
    assets = sorted(set(ASSET.findall(page.text)))
    asset_bytes = sum(len(gzip.compress(client.get(a).content)) for a in assets)
    return {"url": url, "status": page.status_code, **percentiles(times),
            "html_bytes": len(html), "html_gzip_bytes": len(gzip.compress(html)),
            "transferred_kb": round((len(gzip.compress(html)) + asset_bytes) / 1024, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks/results/pages.json")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="pages-bench-"))
    engine = Engine.start(Settings(data_dir=ROOT / "var" / "demo", pgdata=root / "pgdata",
                                   auth_failures_per_minute=10**6,
                                   expensive_per_minute=10**6))
    results: dict[str, list[dict[str, object]]] = {}
    try:
        load_demo(engine)
        app = create_app(engine=engine)
        links = demo_sign_in_links(engine, "")
        for _, role in DEMO_USERS:
            with TestClient(app) as client:
                code = links[role].split("code=")[1]
                csrf = re.search(r'name="csrf" value="([^"]+)"',
                                 client.get("/sign-in").text)
                assert csrf
                start = client.post("/sign-in", data={"code": code, "csrf": csrf.group(1)},
                                    follow_redirects=False).headers["location"]
                results[role] = [measure(client, url, args.repeat)
                                 for url in crawl(client, start)]
                for row in results[role]:
                    print(f"{role:<9} {str(row['url'])[:60]:<60} p50 {row['p50_ms']:>7} ms  "
                          f"p95 {row['p95_ms']:>7} ms  {row['transferred_kb']:>6} KB")
    finally:
        engine.close()
        shutil.rmtree(root, ignore_errors=True)
    args.out.write_text(json.dumps(results, indent=1) + "\n")


if __name__ == "__main__":
    main()
