"""Make the README's pictures: ``uv run python docs/screenshots.py``.

Starts ``parcours up`` on free ports with a temporary data dir, drives a programme through
its baseline 360 and final review with the CLI, and takes two PNGs with Debian's chromium
through Playwright's Python API (no browser is downloaded): the final evaluation's HTML
report, and the Temporal Web UI showing the programme with its payloads decoded (the UI
decodes through the codec endpoint ``parcours up`` gives it). They are written to
``docs/img/``; nothing else is left behind.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

IMG = Path(__file__).parent / "img"
PARCOURS = Path(sys.executable).parent / "parcours"
WIDTH = 1200


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start(data_dir: Path, ports: dict[str, int], log: Path) -> subprocess.Popen[str]:
    """``parcours up``, once it says it is up."""
    options = [f"--{name}={port}" for name, port in ports.items()]
    process = subprocess.Popen(
        [str(PARCOURS), "up", *options],
        env={**os.environ, "PARCOURS_DATA_DIR": str(data_dir), "NO_COLOR": "1"},
        stdout=subprocess.PIPE,
        stderr=log.open("w"),
        text=True,
    )
    assert process.stdout is not None
    for line in process.stdout:
        if "parcours is up" in line:
            return process
    raise SystemExit(f"parcours up did not start: {log.read_text()[-2000:]}")


Answers = dict[tuple[str, str], tuple[tuple[int, ...], str]]
"""Per (role, rater): the scores in DIMENSIONS' order, and a comment."""
DIMENSIONS = ("strengths", "talents", "areas_to_develop", "motivation", "adaptability")
BASELINE: Answers = {
    ("employee", "E123"): (
        (3, 3, 2, 4, 2),
        "I would like to delegate more and lead less by example",
    ),
    ("manager", "M3"): ((4, 3, 2, 3, 3), "Strong on delivery; the team waits on her decisions"),
    ("peer", "P1"): ((4, 3, 3, 3, 2), "Reliable, and hard to reach in busy weeks"),
    ("peer", "P2"): ((4, 4, 2, 4, 3), "Always helpful; could share the load"),
    ("peer", "P3"): ((3, 3, 2, 3, 3), ""),
}
FINAL: Answers = {
    ("employee", "E123"): ((3, 4, 3, 4, 3), "Weekly reviews are now run by the team leads"),
    ("manager", "M3"): ((4, 4, 3, 4, 4), "Delegates the weekly report and coaches its owner"),
    ("peer", "P1"): ((4, 4, 3, 4, 3), "Much easier to reach; decisions come faster"),
    ("peer", "P2"): ((5, 4, 3, 4, 4), ""),
    ("peer", "P3"): ((4, 3, 3, 4, 3), "Gives us room to decide"),
}


def drive(cli: list[str], env: dict[str, str]) -> str:
    """An executive programme through its baseline 360 and its final review."""

    def run(*args: str) -> str:
        done = subprocess.run([*cli, *args], env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"parcours {' '.join(args)}: {done.stderr}")
        return done.stdout.strip()

    def answer(stage: str, given: Answers) -> None:
        for (role, rater), (scores, comment) in given.items():
            pairs = [("--score", f"{d}={n}") for d, n in zip(DIMENSIONS, scores, strict=True)]
            run(
                *("feedback", programme, "--stage", stage, "--role", role, "--rater", rater),
                *(part for pair in pairs for part in pair),
                *(("--comment", comment) if comment else ()),
            )

    programme = run(
        *("launch", "--employee", "E123", "--name", "Alice Martin"),
        *("--email", "alice@example.com", "--template", "executive-6m"),
        *("--coach", "C7", "--manager", "M3", "--tz", "Europe/Paris"),
    )
    run(
        *("objectives", programme, "--short", "Delegate the weekly report"),
        *("--long", "Lead the unit through its reorganisation"),
    )
    for stage in ("assessment", "final_review"):
        peers = [part for peer in ("P1", "P2", "P3") for part in ("--add", f"peer:{peer}")]
        run("raters", programme, "--stage", stage, *peers)
    answer("assessment", BASELINE)
    run("progress", programme, "--objective", "S1", "--percent", "30")
    run("progress", programme, "--objective", "L1", "--percent", "10")  # goals: both recorded
    for _ in ("coaching", "midpoint", "coaching_continued"):
        run("advance", programme, "--reason", "held outside parcours for this picture")
    run("progress", programme, "--objective", "S1", "--percent", "90")
    run("progress", programme, "--objective", "L1", "--percent", "60")
    answer("final_review", FINAL)
    return programme


def shoot(report: Path, ui: str) -> None:
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium")
    if chromium is None:
        raise SystemExit("no chromium on PATH (Debian: apt-get install -y chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": WIDTH, "height": 900})
            page.goto(report.as_uri(), wait_until="load")
            page.screenshot(path=str(IMG / "report.png"), full_page=True)

            page = browser.new_page(viewport={"width": WIDTH, "height": 1000})
            page.goto(ui, wait_until="load", timeout=60_000)
            page.wait_for_timeout(4_000)  # the UI polls: networkidle never comes
            page.get_by_text("Alice Martin").first.wait_for(timeout=30_000)  # decoded
            page.screenshot(path=str(IMG / "web-ui.png"))
        finally:
            browser.close()


def main() -> None:
    IMG.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="parcours-screenshots-") as where:
        data_dir = Path(where) / "data"
        ports = {"port": free_port(), "ui-port": free_port(), "api-port": free_port()}
        process = start(data_dir, ports, Path(where) / "up.log")
        try:
            env = {
                **os.environ,
                "PARCOURS_DATA_DIR": str(data_dir),
                "TEMPORAL_ADDRESS": f"127.0.0.1:{ports['port']}",
                "NO_COLOR": "1",
            }
            programme = drive([str(PARCOURS)], env)
            report = Path(where) / "report.html"
            html = subprocess.run(
                [str(PARCOURS), "report", programme, "--format", "html"],
                env=env,
                capture_output=True,
                text=True,
                check=True,
            )
            report.write_text(html.stdout, encoding="utf-8")
            ui = f"http://127.0.0.1:{ports['ui-port']}/namespaces/default/workflows/{programme}"
            time.sleep(1)
            shoot(report, ui)
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)
    for png in sorted(IMG.glob("*.png")):
        print(f"{png.relative_to(Path.cwd()) if png.is_relative_to(Path.cwd()) else png}")


if __name__ == "__main__":
    main()
