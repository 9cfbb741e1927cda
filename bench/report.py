"""The table printed at the end of a run, and the JSON file in ``bench/results/``."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).parent / "results"
Json = dict[str, Any]


def _fig(figure: Json, digits: int = 0) -> str:
    """``median [min-max]``."""
    return f"{figure['median']:.{digits}f} [{figure['min']:.{digits}f}-{figure['max']:.{digits}f}]"


def _verdict(results: Json, key: str) -> tuple[str, str]:
    target = results["targets"].get(key)
    if target is None:
        return "", ""
    return target["target"], "yes" if target["met"] else "NO"


def _cpu_rows(label: str, measure: Json) -> list[tuple[str, str, str, str, str, str]]:
    """Worker and server CPU per item: where each side's time goes."""
    cpu: Json = next((v for k, v in measure.items() if k.startswith("cpu_ms_per")), {})
    rows = []
    for process in ("worker", "server"):
        parcours, baseline = (
            cpu.get(f"parcours_{process}_cpu_ms"),
            cpu.get(f"baseline_{process}_cpu_ms"),
        )
        if parcours and baseline:
            rows.append(
                (
                    f"{label}, {process}",
                    _fig(parcours, 2),
                    _fig(baseline, 2),
                    f"{parcours['median'] / baseline['median']:.2f}",
                    "",
                    "",
                )
            )
    return rows


def rows(results: Json) -> list[tuple[str, str, str, str, str, str]]:
    """Measure, parcours, baseline, parcours/baseline, target, met."""
    figures = results["figures"]
    table: list[tuple[str, str, str, str, str, str]] = []
    if "launch" in figures:
        launch, signals, e2e = figures["launch"], figures["signals"], figures["end_to_end"]
        table += [
            (
                "1. Launch (programmes/s)",
                _fig(launch["parcours_per_second"]),
                _fig(launch["baseline_per_second"]),
                _fig(launch["ratio"], 3),
                *_verdict(results, "launch_ratio"),
            ),
            (
                "2. Signals applied (/s)",
                _fig(signals["parcours_per_second"]),
                _fig(signals["baseline_per_second"]),
                _fig(signals["ratio"], 3),
                *_verdict(results, "signal_ratio"),
            ),
            (
                "3. End to end (programmes/s)",
                _fig(e2e["parcours_programmes_per_second"], 1),
                _fig(e2e["baseline_programmes_per_second"], 1),
                _fig(e2e["programmes_ratio"], 3),
                *_verdict(results, "end_to_end_ratio"),
            ),
            (
                "   end to end (history events/s)",
                _fig(e2e["parcours_events_per_second"]),
                _fig(e2e["baseline_events_per_second"]),
                _fig(e2e["ratio"], 3),
                "",
                "",
            ),
            *_cpu_rows("   CPU ms per launch", launch),
            *_cpu_rows("   CPU ms per signal", signals),
            *_cpu_rows("   CPU ms per programme end to end", e2e),
            (
                "   history events per programme",
                _fig(e2e["parcours_events_per_programme"], 1),
                _fig(e2e["baseline_events_per_programme"], 1),
                "",
                "",
                "",
            ),
        ]
    if "api" in figures:
        table += _api_rows(results, figures["api"])
    if "memory" in figures:
        memory = figures["memory"]
        if "ratio" in memory:
            table.append(
                (
                    f"4. Worker memory ratio ({int(memory['ratio_at']):,} cached)",
                    "",
                    "",
                    _fig(memory["ratio"], 3),
                    *_verdict(results, "memory_ratio"),
                )
            )
        largest = max(memory["parcours"], key=int)
        for count in sorted(memory["parcours"], key=int):  # the KiB rows
            parcours, baseline = memory["parcours"][count], memory["baseline"].get(count)
            target = _verdict(results, "memory_per_programme_kib") if count == largest else ("", "")
            table.append(
                (
                    f"   worker KiB per cached programme ({int(count):,})",
                    _fig(parcours, 1),
                    _fig(baseline, 1) if baseline else "",
                    f"{parcours['median'] / baseline['median']:.2f}" if baseline else "",
                    *target,
                )
            )
    if "growth" in figures:
        table += _growth_rows(results, figures["growth"])
    if "simulation" in figures:
        simulation = figures["simulation"]
        table += [
            (
                "9. Simulated executive-6m (s/programme)",
                _fig(simulation["executive_6m_seconds"], 2),
                "",
                "",
                *_verdict(results, "simulation_seconds_executive_6m"),
            ),
            (
                f"   cohort of {simulation['cohort_size']} (s; s/programme)",
                f"{_fig(simulation['cohort_seconds'], 1)}; "
                f"{simulation['cohort_seconds_per_programme']['median']:.2f}",
                "",
                "",
                "",
                "",
            ),
        ]
    if "cli" in figures:
        table += _cli_rows(results, figures["cli"])
    history = results.get("history")
    if history:
        bounded = history["bounded"]
        table += [
            (
                "10. History events per executive-6m",
                f"{history['events_per_programme']} in {len(history['events_per_run'])} run(s)",
                "",
                "",
                f"<= {history['history_limit']}/run",
                "yes" if max(history["events_per_run"]) <= history["history_limit"] else "NO",
            ),
            (
                f"   with history_limit {bounded['history_limit']}",
                f"runs {bounded['events_per_run']}",
                "",
                "",
                f"<= {bounded['history_limit']}/run",
                "yes" if bounded["within_bound"] else f"NO (max {bounded['max_run']})",
            ),
        ]
    return table


def _cli_rows(results: Json, cli: Json) -> list[tuple[str, str, str, str, str, str]]:
    """Wall seconds of fresh interpreters; the floor in the baseline column."""
    floor, rpc = f"{cli['floor_seconds']:.3f}", f"{cli['floor_rpc_seconds']:.3f}"
    return [
        (
            "11. parcours --help (s; import floor)",
            f"{cli['cli_help_seconds']:.3f}",
            floor,
            f"{cli['cli_help_ratio']:.2f}",
            *_verdict(results, "cli_help_ratio"),
        ),
        (
            "    parcours templates list (s)",
            f"{cli['cli_command_seconds']:.3f}",
            floor,
            f"{cli['cli_command_ratio']:.2f}",
            *_verdict(results, "cli_command_seconds"),
        ),
        (
            "    parcours show ID (s; import+RPC floor)",
            f"{cli['cli_show_seconds']:.3f}",
            rpc,
            f"{cli['cli_show_seconds'] / cli['floor_rpc_seconds']:.2f}",
            "",
            "",
        ),
        (
            "    parcours list (s)",
            f"{cli['cli_list_seconds']:.3f}",
            rpc,
            f"{cli['cli_list_seconds'] / cli['floor_rpc_seconds']:.2f}",
            "",
            "",
        ),
        (
            "    slower of the two / floor",
            "",
            "",
            f"{cli['cli_temporal_ratio']:.2f}",
            *_verdict(results, "cli_temporal_ratio"),
        ),
    ]


def _api_rows(results: Json, api: Json) -> list[tuple[str, str, str, str, str, str]]:
    """5-7: API latencies (ms), the history reader (ms per read), cohorts (/s)."""
    rows: list[tuple[str, str, str, str, str, str]] = []
    for key, label, verdict in (
        ("view", "GET programme", "api_view_ratio"),
        ("feedback", "POST feedback", "api_feedback_ratio"),
    ):
        measure = api[key]
        for q in ("p50", "p99"):
            rows.append(
                (
                    f"5. {label} {q} (ms; raw SDK beside)" if q == "p50" else f"   {q}",
                    _fig(measure[f"api_{q}_ms"], 2),
                    _fig(measure[f"raw_{q}_ms"], 2),
                    _fig(measure[f"{q}_ratio"], 3),
                    *(_verdict(results, verdict) if q == "p50" else ("", "")),
                )
            )
    history = api["history_reader"]
    rows.append(
        (
            f"6. GET events, {history['runs']} runs (ms/read"
            + (f"; {history['hung']} hung" if history.get("hung") else "")
            + ")",
            _fig(history["api_ms"], 1),
            _fig(history["raw_ms"], 1),
            _fig(history["ratio"], 2),
            *_verdict(results, "history_ratio"),
        )
    )
    cohort = api["cohort"]
    rows.append(
        (
            f"7. Cohort of {cohort['size']:,} (started/s)",
            _fig(cohort["api_per_second"]),
            _fig(cohort["raw_per_second"]),
            _fig(cohort["ratio"], 3),
            *_verdict(results, "cohort_ratio"),
        )
    )
    return rows


def _growth_rows(results: Json, growth: Json) -> list[tuple[str, str, str, str, str, str]]:
    """8: one row per level (the baseline's RSS beside), then the ratios.

    Read from the phase's figures, so a run of the phase alone shows them too.
    """
    rows: list[tuple[str, str, str, str, str, str]] = []
    raw = {level["running"]: level for level in growth.get("baseline_levels", [])}
    for level in growth["levels"]:
        baseline = raw.get(level["running"])
        rows.append(
            (
                f"8. {level['running']:,} running (cache {growth['max_cached_workflows']:,})",
                f"{level['launch_per_second']:.0f}/s; signal {level['signal_p50_ms']:.1f}"
                f"/{level['signal_p99_ms']:.1f} ms; {level['rss_mib']:.1f} MiB",
                f"{baseline['rss_mib']:.1f} MiB" if baseline else "",
                f"{level['rss_mib'] / baseline['rss_mib']:.3f}" if baseline else "",
                "",
                "",
            )
        )

    def number(key: str) -> str:
        value = growth.get(key)
        return f"{value:.3f}" if value is not None else ""

    rows += [
        (
            "   launch rate, lowest level / first",
            "",
            "",
            number("launch_spread"),
            *_verdict(results, "growth_launch_ratio"),
        ),
        (
            "   signal p50, largest / first",
            "",
            "",
            number("signal_p50_ratio"),
            *_verdict(results, "growth_signal_p50_ratio"),
        ),
        (
            "   RSS, largest / at the cache's size",
            number("rss_past_cache_ratio"),
            number("baseline_rss_past_cache_ratio"),
            "",
            "no target",
            "",
        ),
        (
            "   RSS step past the cache / the baseline's",
            "",
            "",
            number("rss_step_vs_baseline"),
            *_verdict(results, "growth_rss_step_ratio"),
        ),
    ]
    return rows


def table(results: Json) -> str:
    header = ("Measure", "parcours", "baseline", "ratio", "target", "met")
    body = rows(results)
    widths = [max(len(r[i]) for r in [header, *body]) for i in range(len(header))]

    def line(cells: tuple[str, ...]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    out = [line(header), rule, *(line(r) for r in body)]
    stages = (results.get("history") or {}).get("events_per_stage")
    if stages:
        out.append("")
        out.append(
            "History events per stage (executive-6m): "
            + ", ".join(f"{stage} {count}" for stage, count in stages.items())
        )
    return "\n".join(out)


def write(results: Json, directory: Path = RESULTS) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = directory / f"{stamp}-{results['meta']['sizes']['name']}.json"
    path.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return path
