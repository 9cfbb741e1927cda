"""``uv run --group bench python -m bench.plot RESULTS.json [--out PNG]``: the growth plot.

Three panels against running programmes (log scale): launch rate, signal latency
(p50 and p99), worker RSS (parcours's and the baseline's) with the cache's size
marked. matplotlib comes from the ``bench`` dependency group; the bench itself does
not need it.
"""

from __future__ import annotations

import argparse
import importlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

OUT = Path(__file__).parent / "growth.png"


def plot(results: dict[str, Any], out: Path) -> Path:
    matplotlib = importlib.import_module("matplotlib")
    matplotlib.use("Agg")
    pyplot: Any = importlib.import_module("matplotlib.pyplot")
    growth = results["figures"]["growth"]
    levels = growth["levels"]
    running = [level["running"] for level in levels]
    cache = growth["max_cached_workflows"]
    commit = results["meta"].get("git_commit") or "?"
    figure, (launch, signal, rss) = pyplot.subplots(1, 3, figsize=(11, 3.2), dpi=80)
    launch.plot(running, [level["launch_per_second"] for level in levels], "o-")
    launch.set_title("launch rate (programmes/s)")
    launch.set_ylim(bottom=0)
    signal.plot(running, [level["signal_p50_ms"] for level in levels], "o-", label="p50")
    signal.plot(running, [level["signal_p99_ms"] for level in levels], "s--", label="p99")
    signal.set_title("signal to applied (ms)")
    signal.set_ylim(bottom=0)
    signal.legend()
    rss.plot(running, [level["rss_mib"] for level in levels], "o-", label="parcours")
    raw = growth.get("baseline_levels")
    if raw:  # results from before the baseline's climb have none
        rss.plot(
            [level["running"] for level in raw],
            [level["rss_mib"] for level in raw],
            "s--",
            label="baseline",
        )
    rss.axvline(cache, color="grey", linestyle=":", label=f"max_cached_workflows {cache:,}")
    rss.set_title("worker RSS (MiB)")
    rss.set_ylim(bottom=0)
    rss.legend(loc="lower right")
    for axes in (launch, signal, rss):
        axes.set_xscale("log")
        axes.set_xticks(running, [f"{count:,}" for count in running])
        axes.minorticks_off()
        axes.set_xlabel("running programmes")
        axes.grid(True, alpha=0.3)
    figure.suptitle(f"parcours growth ({results['meta']['sizes']['name']} run, {commit})")
    figure.tight_layout()
    figure.savefig(out)
    pyplot.close(figure)
    return out


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.plot", description=__doc__)
    parser.add_argument("results", type=Path, help="a bench/results/*.json with a growth phase")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    print(plot(json.loads(args.results.read_text()), args.out))


if __name__ == "__main__":
    main()
