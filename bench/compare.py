"""README's table of two runs side by side (`python bench/compare.py results/2m results/20m`):
each page's p95 and its multiple of that run's layout floor, against its target."""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.run import TARGETS  # noqa: E402


def load(stem: str) -> dict:
    return json.loads(Path(stem).with_suffix(".json").read_text())


def cell(endpoint: dict, floors: dict) -> tuple[str, bool | None]:
    p95 = endpoint["unloaded"]["p95_ms"]
    text = f"{p95:.1f} ms ({p95 / floors['layout_p95_ms']:.1f}×)"
    if endpoint.get("target") is None:
        return text, None
    limit = TARGETS[endpoint["target"]][1](floors)
    return text, p95 <= limit


def floors_of(run: dict) -> dict:
    return {
        "layout_p95_ms": run["endpoints"][1]["unloaded"]["p95_ms"],
        "trigram_p95_ms": run["bare_trigram"]["p95_ms"],
    }


def main() -> None:
    runs = [load(stem) for stem in sys.argv[1:3]]
    floors = [floors_of(run) for run in runs]
    sizes = [f"{run['data']['calls']:,} calls" for run in runs]
    print(f"| what | target | {sizes[0]}: p95 (× floor) | {sizes[1]}: p95 (× floor) |")
    print("| --- | --- | --- | --- |")
    by_key = [{e["key"]: e for e in run["endpoints"]} for run in runs]
    for endpoint in runs[0]["endpoints"]:
        key = endpoint["key"]
        target = TARGETS[endpoint["target"]][0] if endpoint.get("target") else "floor"
        cells = []
        for found, floor in zip(by_key, floors, strict=True):
            if key not in found:
                cells.append("")
                continue
            text, met = cell(found[key], floor)
            cells.append(text + {True: " met", False: " **missed**", None: ""}[met])
        print(f"| {endpoint['label']} | {target} | {cells[0]} | {cells[1]} |")


if __name__ == "__main__":
    main()
