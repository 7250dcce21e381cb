"""Benchmarks of B12 Planner: one command, not part of the test run.

    .venv/bin/python benchmarks/run.py            # full run (≈ 2 minutes)
    .venv/bin/python benchmarks/run.py --quick    # fewer repeats, no 1M-row batch
    .venv/bin/python benchmarks/run.py --write    # also rewrite docs/benchmarks.md

Each benchmark prints the median of several runs (search also its 95th percentile),
its target, and whether it is met. The batch benchmarks run in a child process each, so
the peak memory (``ru_maxrss``) is that of the batch alone; the naive baselines are
written plainly (a row-by-row Python loop; a loop calling ``evaluate`` per person) and
timed on a subset, then extrapolated linearly.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import planner  # noqa: E402
from planner.model.absorption import (  # noqa: E402
    IF_RECOVERY_MIN,
    DoseLoads,
    absorbed_from_loads,
    params_for,
)
from planner.model.batch import evaluate_many  # noqa: E402

QUERIES = ("milk", "egg", "salmon", "brocoli", "chedar cheese", "fortified cereal",
           "soy milk", "nutritional yeast", "tuna", "beef liver", "yogurt", "oat milk",
           "chicken breast", "tofu", "clams", "sardines canned", "swiss cheese", "tempeh",
           "almond milk unsweetened", "cottage cheese", "ham", "shrimp", "oatmeal", "banana")
OCCASIONS = (("breakfast", 7 * 60, 9 * 60), ("lunch", 12 * 60, 13 * 60 + 30),
             ("snack", 15 * 60, 17 * 60), ("dinner", 18 * 60, 20 * 60 + 30))
CONDITION_SETS = (("", 0.80), ("ppi", 0.08), ("metformin", 0.07), ("ppi;metformin", 0.03),
                  ("atrophic_gastritis", 0.015), ("pernicious_anemia", 0.005))


def timed(fn: Callable[[], object], repeat: int, warmup: int = 1) -> list[float]:
    """Wall times [s] of ``repeat`` calls after ``warmup`` untimed ones."""
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms" if seconds < 10 else f"{seconds:,.1f} s"


# -- synthetic data ---------------------------------------------------------------------
def diaries(foods: planner.FoodTable, n_rows: int, seed: int = 0
            ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Synthetic but realistic diaries: 7 days, 4 eating occasions, 3–4 foods each.

    Foods are drawn from the real table (survey foods "as eaten" 80 %, SR28 20 %),
    grams log-normal around 120 g, clock times spread within each occasion; ages 18–90,
    a mix of diets, conditions and authorities.
    """
    rng = np.random.default_rng(seed)
    df = foods.df
    fndds = df.index[df["source"] == "fndds"].to_numpy()
    sr = df.index[df["source"] == "sr28"].to_numpy()
    # slots = (person, day, occasion), 3 or 4 foods each; rows beyond n_rows are cut
    k = rng.integers(3, 5, n_rows // 3 + 28)
    slot_of_row = np.repeat(np.arange(len(k)), k)[:n_rows]
    n_slots = int(slot_of_row[-1]) + 1
    person = slot_of_row // 28
    n_people = int(person[-1]) + 1
    day = (slot_of_row // 4) % 7 + 1
    occ = slot_of_row % 4
    slot_occ = np.arange(n_slots) % 4
    lo = np.array([o[1] for o in OCCASIONS])[slot_occ]
    hi = np.array([o[2] for o in OCCASIONS])[slot_occ]
    slot_minute = rng.integers(lo, hi)[slot_of_row]  # one clock time per slot, ...
    # ... and a fifth of the foods a little later (a drink, a dessert)
    minute = slot_minute + rng.integers(0, 20, n_rows) * (rng.random(n_rows) < 0.2)
    clock = np.array([f"{m // 60:02d}:{m % 60:02d}" for m in range(1440)], dtype=object)
    use_fndds = rng.random(n_rows) < 0.8
    food = np.where(use_fndds, rng.choice(fndds, n_rows), rng.choice(sr, n_rows))
    grams = np.clip(rng.lognormal(math.log(120), 0.7, n_rows), 5, 800).round(1)
    d = pd.DataFrame({
        "person_id": person.astype("int64"),
        "day": day.astype("int64"),
        "meal": np.array([o[0] for o in OCCASIONS], dtype=object)[occ],
        "time": clock[np.minimum(minute, 1439)],
        "food_id": food,
        "grams": grams,
    })
    conds, p = zip(*CONDITION_SETS, strict=True)
    profiles = pd.DataFrame({
        "person_id": np.arange(n_people, dtype="int64"),
        "age": rng.integers(18, 91, n_people),
        "sex": rng.choice(["female", "male"], n_people),
        "diet": rng.choice(["omnivore", "pescatarian", "vegetarian", "vegan"], n_people,
                           p=[0.85, 0.03, 0.08, 0.04]),
        "conditions": rng.choice(conds, n_people, p=p),
        "authority": rng.choice(["NASEM", "EFSA", "DACH"], n_people, p=[0.8, 0.1, 0.1]),
    })
    return d, profiles


def year_plan(foods: planner.FoodTable, days: int = 365, per_day: int = 16) -> pd.DataFrame:
    rng = np.random.default_rng(1)
    ids = foods.df.index[foods.df["b12_ug"].notna()].to_numpy()
    n = days * per_day
    meals = np.array(["breakfast", "lunch", "snack", "dinner"], dtype=object)
    return pd.DataFrame({
        "day": np.repeat(np.arange(1, days + 1), per_day),
        "meal": np.tile(np.repeat(meals, per_day // 4), days),
        "food_id": rng.choice(ids, n),
        "grams": rng.uniform(20, 250, n).round(1),
    })


# -- naive baselines (plain Python, row by row) -----------------------------------------
def naive_rows(d: pd.DataFrame, profiles: pd.DataFrame, foods: planner.FoodTable) -> dict:
    """Absorbed µg/day per person with a plain row-by-row loop: the same model.

    Rows are visited one by one and summed into doses (one per person and clock time);
    each dose then looks at the doses within 6 h before and after it (the gradual IF
    recovery, docs/model.md §2) and makes one scalar call of the model.
    """
    b12 = foods.df["b12_ug"].to_dict()
    fort = foods.df["b12_fortified_ug"].to_dict()
    reliable = foods.df["b12_reliable"].to_dict()
    params = {}
    for row in profiles.itertuples():
        params[row.person_id] = params_for([c for c in str(row.conditions).split(";") if c])
    doses: dict = {}
    first_day: dict = {}
    last_day: dict = {}
    for r in d.itertuples(index=False):
        h, m = r.time.split(":")
        pid, day = r.person_id, r.day
        t = (day - 1) * 1440 + int(h) * 60 + int(m)
        first_day[pid] = min(first_day.get(pid, day), day)
        last_day[pid] = max(last_day.get(pid, day), day)
        dose = doses.setdefault(pid, {}).setdefault(t, [0.0, 0.0, True])  # F, C, has food
        v = b12.get(r.food_id, math.nan)
        if math.isnan(v) or not reliable.get(r.food_id, True):
            continue
        listed = r.grams / 100 * v
        fv = fort[r.food_id]
        fo = min(r.grams / 100 * max(0.0 if math.isnan(fv) else fv, 0.0), listed)
        dose[1] += fo
        dose[0] += max(listed - fo, 0.0)
    totals: dict = {}
    for pid, by_time in doses.items():
        ts = sorted(by_time)
        total = 0.0
        for i, t in enumerate(ts):
            f_i, c_i, food_i = by_time[t]
            fb = cb = fa = 0.0
            near = 1.0 if food_i else 0.0
            for j in range(len(ts)):
                dt = abs(t - ts[j])
                if j == i or dt >= IF_RECOVERY_MIN:
                    continue
                w = 0.5 * (1.0 + math.cos(math.pi * dt / IF_RECOVERY_MIN))
                f_j, c_j, food_j = by_time[ts[j]]
                if j < i:
                    fb += w * f_j
                    cb += w * c_j
                else:
                    fa += w * f_j
                near = max(near, w * (1.0 if food_j else 0.0))
            f, c = absorbed_from_loads(f_i, c_i, DoseLoads(np.array(fb), np.array(cb),
                                                           np.array(fa), np.array(near)),
                                       params[pid])
            total += float(f) + float(c)
        totals[pid] = total
    return {p: totals[p] / (last_day[p] - first_day[p] + 1) for p in totals}


def naive_per_person(d: pd.DataFrame, profiles: pd.DataFrame, foods: planner.FoodTable
                     ) -> dict:
    """What a script without the batch does: ``evaluate`` in a loop over people."""
    out = {}
    for row in profiles.itertuples():
        plan = d[d["person_id"] == row.person_id]
        prof = planner.Profile(age=row.age, sex=row.sex, diet=row.diet,
                               conditions=[c for c in str(row.conditions).split(";") if c],
                               authority=row.authority)
        ev = planner.evaluate(plan, prof, foods)
        out[row.person_id] = ev.summary["absorbed_ug_per_day"]
    return out


# -- child process: one batch size --------------------------------------------------------
def batch_child(n_rows: int, repeat: int, dask: bool) -> None:
    foods = planner.load_foods(user_foods=False)
    d, profiles = diaries(foods, n_rows)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    times = timed(lambda: evaluate_many(d, profiles, foods), repeat)
    res = evaluate_many(d, profiles, foods)
    out = {
        "rows": len(d), "people": len(profiles), "times": times,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "rss_before_batch_mb": rss_before / 1024,
        "adequate_share": float(res["adequate"].mean()),
    }
    if dask:  # the largest size: also rows in random order, and Dask
        mixed = d.sample(frac=1.0, random_state=0)
        out["shuffled_times"] = timed(lambda: evaluate_many(mixed, profiles, foods), repeat)
        import dask as dk

        from planner.model.batch import evaluate_many_dask

        with dk.config.set(scheduler="threads"):
            out["dask_times"] = timed(
                lambda: evaluate_many_dask(d, profiles, foods, npartitions=4).compute(),
                max(1, repeat - 1), warmup=0)
    print(json.dumps(out))


def run_child(n_rows: int, repeat: int, dask: bool = False) -> dict:
    cmd = [sys.executable, __file__, "--batch-child", str(n_rows), "--repeat", str(repeat)]
    if dask:
        cmd.append("--dask")
    done = subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(done.stdout.strip().splitlines()[-1])


# -- the benchmarks ---------------------------------------------------------------------
def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError, AttributeError):
        mem = float("nan")
    import numpy

    return (f"{cpu}, {os.cpu_count()} cores, {mem:.0f} GB RAM; {platform.system()} "
            f"{platform.release()}; Python {platform.python_version()}, pandas "
            f"{pd.__version__}, numpy {numpy.__version__}")


def run_all(quick: bool) -> list[dict]:
    rep = 3 if quick else 7
    results: list[dict] = []

    def add(name: str, seconds: float | list[float] | None, target: float | None,
            note: str = "", ratio: str = "") -> None:
        """Record a result: one time, several runs (median and best kept), or a note."""
        best = None
        if isinstance(seconds, list):
            best, seconds = min(seconds), statistics.median(seconds)
        met = None if target is None else seconds <= target
        results.append({"name": name, "seconds": seconds, "best": best, "target": target,
                        "met": met, "note": note, "ratio": ratio})
        flag = "" if met is None else ("  ok" if met else "  MISSED")
        tgt = f" (target ≤ {ms(target)})" if target else ""
        extra = f"  {ratio}" if ratio else ""
        shown = "" if seconds is None else ms(seconds)
        print(f"{name:<44} {shown:>12}{tgt}{flag}{extra}  {note}".rstrip(), flush=True)

    # load
    times = timed(lambda: planner.load_foods(user_foods=False), rep)
    add("load_foods (shipped table, warm file cache)", times, 0.150,
        f"{len(planner.load_foods(user_foods=False)):,} foods")
    foods = planner.load_foods(user_foods=False)

    # search
    fresh = planner.load_foods(user_foods=False)
    t0 = time.perf_counter()
    fresh.search("milk")
    add("search: first query (builds the word index)", time.perf_counter() - t0, None)
    per_query = []
    for _ in range(rep):
        for q in QUERIES:
            t0 = time.perf_counter()
            foods.search(q)
            per_query.append(time.perf_counter() - t0)
    add("search: median query", statistics.median(per_query), None,
        f"{len(QUERIES)} queries × {rep}")
    add("search: p95 query", float(np.percentile(per_query, 95)), 0.015)

    # evaluate
    from planner.io.examples import EXAMPLES, load_example

    week = load_example("vegan", foods)
    vegan = planner.Profile(**EXAMPLES["vegan"].profile)
    day1 = week[week["day"] == 1]
    add("evaluate: 1 day (vegan example)", (
        timed(lambda: planner.evaluate(day1, vegan, foods), rep)), None, f"{len(day1)} rows")
    add("evaluate: 7 days (vegan example)", (
        timed(lambda: planner.evaluate(week, vegan, foods), rep)), None, f"{len(week)} rows")
    year = year_plan(foods)
    add("evaluate: 365 days × 16 items", (
        timed(lambda: planner.evaluate(year, vegan, foods), rep)), 0.050,
        f"{len(year):,} rows")
    evaluate_growth(add, foods, vegan, rep, [
        (len(plan), r["seconds"]) for plan, r in zip((day1, week, year), results[-3:],
                                                      strict=True)])

    # suggest
    try:
        from planner.model.suggest import suggest
    except ImportError:
        print("suggest: planner.model.suggest not available, skipped")
    else:
        add("suggest: 7-day vegan example", (
            timed(lambda: suggest(week, vegan, foods), max(3, rep // 2))), 0.300)

    # app rerun
    app_rerun(add, max(3, rep // 2))
    app_in_browser(add, max(3, rep // 2))

    # batch
    sizes = [10_000, 100_000] + ([] if quick else [1_000_000])
    batch_median: dict[int, float] = {}
    for n in sizes:
        r = run_child(n, 3 if n >= 1_000_000 or quick else 5, dask=n == sizes[-1])
        med = statistics.median(r["times"])
        batch_median[n] = med
        target = 10.0 if n >= 1_000_000 else None
        add(f"batch: {n:,} rows ({r['people']:,} people)", r["times"], target,
            f"peak RSS {r['peak_rss_mb']:,.0f} MB (before the batch "
            f"{r['rss_before_batch_mb']:,.0f} MB)")
        results[-1]["peak_rss_mb"] = r["peak_rss_mb"]
        results[-1]["rows"] = n
        if n >= 1_000_000:
            ok = r["peak_rss_mb"] <= 2500
            results.append({"name": "batch: 1,000,000 rows, peak RSS", "seconds": None,
                            "best": None,
                            "target": None, "met": ok, "note": f"{r['peak_rss_mb']:,.0f} MB "
                            "(target ≤ 2,500 MB)", "ratio": ""})
            print(f"{'batch: 1,000,000 rows, peak RSS':<44} {r['peak_rss_mb']:>9,.0f} MB "
                  f"(target ≤ 2,500 MB)  {'ok' if ok else 'MISSED'}")
        if "shuffled_times" in r:
            add(f"batch: {n:,} rows in random order", r["shuffled_times"],
                target, "diary rows shuffled (survey files come sorted by person)")
        if "dask_times" in r:
            add(f"batch with Dask (threads, 4 partitions): {n:,} rows",
                r["dask_times"], None, "includes the shuffle by person")

    # naive baselines, extrapolated to each batch size
    d, profiles = diaries(foods, 10_000, seed=5)
    fast = statistics.median(timed(lambda: evaluate_many(d, profiles, foods), rep))
    slow = statistics.median(timed(lambda: naive_rows(d, profiles, foods), 1, warmup=0))
    check = naive_rows(d, profiles, foods)
    got = evaluate_many(d, profiles, foods).set_index("person_id")["absorbed_ug_per_day"]
    assert np.allclose([check.get(p, 0.0) for p in got.index], got.to_numpy(), rtol=1e-9)
    big = max(batch_median)

    def ratios(naive_10k: float) -> str:
        at_big = naive_10k * big / 10_000 / batch_median[big]
        return (f"batch {naive_10k / fast:,.0f}× faster at 10,000 rows, "
                f"≈ {at_big:,.0f}× at {big:,} rows")

    add("naive: row-by-row Python loop, 10,000 rows", slow, None,
        f"→ {big:,} rows ≈ {ms(slow * big / 10_000)} (extrapolated)", ratios(slow))
    sub = profiles.iloc[:20]
    per = statistics.median(timed(lambda: naive_per_person(d, sub, foods), 1, warmup=0))
    per_10k = per / len(sub) * len(profiles)
    add("naive: evaluate() per person, 10,000 rows", per_10k, None,
        f"timed on 20 people; → {big:,} rows ≈ {ms(per_10k * big / 10_000)}",
        ratios(per_10k))
    return results


def app_rerun(add: Callable, repeat: int) -> None:
    app = ROOT / "app.py"
    if not app.is_file() or app.stat().st_size < 2000:
        print("app rerun: app.py is a placeholder, skipped")
        return
    os.environ.setdefault("STREAMLIT_LOGGER_LEVEL", "error")  # no bare-mode warnings
    try:
        from streamlit.testing.v1 import AppTest
    except ImportError:
        print("app rerun: streamlit not installed, skipped")
        return
    import logging

    at = AppTest.from_file(str(app), default_timeout=60)
    for name in ("streamlit", "streamlit.runtime.scriptrunner_utils.script_run_context"):
        logging.getLogger(name).setLevel(logging.ERROR)
    at.run()
    at.selectbox(key="start_choice").set_value("vegan")
    at.button(key="load_start").click()
    at.run()
    authorities = ["EFSA", "NASEM"]
    times = []
    for i in range(repeat + 1):
        at.selectbox(key="p_authority").set_value(authorities[i % 2])
        t0 = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - t0)
        if at.exception:
            print("app rerun: the app raised", [e.value for e in at.exception])
            return
    add("app rerun after a widget change (AppTest)", times[1:], None,
        "vegan example loaded; authority changed")


def app_in_browser(add: Callable, repeat: int) -> None:
    """The app served by Streamlit and driven by Chromium, as a person uses it.

    * rerun after an edit: a profile edit (the authority) and a plan edit (a supplement
      added), timed from the click until the metric shows the new value;
    * a search keystroke: one letter typed in the food search, timed until the matching
      foods are shown. A MutationObserver on the results (the metrics) counts changes:
      zero means the keystroke reran the add-food fragment only, not the evaluation.
    """
    import shutil
    import socket
    import tempfile
    import urllib.request

    chromium = Path("/usr/bin/chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("app in a browser: playwright not installed, skipped")
        return
    if not chromium.is_file() or shutil.which(sys.executable) is None:
        print("app in a browser: /usr/bin/chromium missing, skipped")
        return
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    home = tempfile.mkdtemp(prefix="b12bench-")
    env = dict(os.environ, B12_PLANNER_HOME=home, STREAMLIT_BROWSER_GATHER_USAGE_STATS="false")
    env.pop("FDC_API_KEY", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
         "--server.address", "127.0.0.1", "--server.port", str(port),
         "--server.fileWatcherType", "none"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as r:
                    if r.read() == b"ok":
                        break
            except OSError:
                time.sleep(0.1)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(chromium), args=[
                "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--no-first-run"])
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(30_000)
            page.goto(url)
            page.get_by_text("4 · Your meal plan").wait_for()
            page.get_by_role("button", name="Load", exact=True).click()
            page.get_by_text("Loaded the vegan week").first.wait_for()
            page.get_by_test_id("stMetric").filter(has_text="Your target").wait_for()
            # Idle: the script run is over (Streamlit's own run state; its "Running…" widget
            # shows only after a delay, so its absence does not mean the run has ended).
            idle = """() => document.querySelector('[data-testid="stApp"]')
                ?.getAttribute('data-test-script-state') === 'notRunning'"""
            page.wait_for_function(idle)
            value_of = """(label) => [...document.querySelectorAll('[data-testid="stMetric"]')]
                .find(m => m.innerText.includes(label))
                .querySelector('[data-testid="stMetricValue"]').innerText.trim()"""
            # Timed in the page: from the pointer going down on the control until the
            # animation frame in which the metric shows its new value (what the person
            # waits for), and, for comparison, as Playwright sees it from outside (its
            # click includes its own checks and round trips).
            arm = """([label, old]) => { const r = window.__b12 = {down: null, shown: null};
                document.addEventListener('pointerdown', e => { if (r.down === null)
                    r.down = e.timeStamp; }, {capture: true, once: true});
                const value = () => { const m = [...document.querySelectorAll(
                    '[data-testid="stMetric"]')].find(m => m.innerText.includes(label));
                    return m?.querySelector('[data-testid="stMetricValue"]')
                        ?.innerText.trim(); };
                const obs = new MutationObserver(() => { const v = value();
                    if (r.down !== null && v !== undefined && v !== old) { obs.disconnect();
                        requestAnimationFrame(() => { r.shown = performance.now(); }); } });
                obs.observe(document.querySelector('[data-testid="stMain"]'),
                    {subtree: true, childList: true, characterData: true}); }"""
            shown = "() => window.__b12.shown !== null"
            in_page = "() => (window.__b12.shown - window.__b12.down) / 1000"

            def timed_edit(label: str, control: Callable[[], Any]) -> tuple[float, float]:
                """Click what ``control()`` returns (after readying it) and wait until metric
                ``label`` changes: (seconds in the page, seconds as Playwright sees it)."""
                page.wait_for_function(idle)
                old = page.evaluate(value_of, label)
                target = control()
                target.wait_for()
                page.evaluate(arm, [label, old])
                t0 = time.perf_counter()
                target.click()
                page.wait_for_function(shown, polling="raf")
                outside = time.perf_counter() - t0
                return page.evaluate(in_page), outside

            def authority_option(name: str) -> Any:
                page.get_by_test_id("stSelectbox").filter(
                    has_text="Recommendation to compare with").first.click()
                return page.get_by_role("option").filter(has_text=name).first

            names = ["European Food Safety Authority", "US/Canada"]
            profile_edit = [timed_edit("Your target", lambda i=i: authority_option(names[i % 2]))
                            for i in range(repeat + 1)][1:]
            add("app in a browser: rerun after a profile edit", [t for t, _ in profile_edit],
                0.25, "vegan week; the authority changed, in the page from pressing the option "
                "until the frame showing the new target; as Playwright sees it: "
                f"{ms(statistics.median(o for _, o in profile_edit))}")

            page.get_by_text("Add a supplement", exact=True).click()
            plan_edit = [timed_edit("B12 eaten per day",
                                    lambda: page.get_by_role("button", name="Add supplement"))
                         for _ in range(repeat + 1)][1:]
            add("app in a browser: rerun after a plan edit", [t for t, _ in plan_edit], 0.25,
                "a supplement added, in the page from pressing the button until the frame "
                "showing the new amount eaten (the plan is saved after the page is drawn); "
                f"as Playwright sees it: {ms(statistics.median(o for _, o in plan_edit))}")

            page.wait_for_function(idle)
            page.get_by_text("Add a food", exact=True).click()
            page.get_by_label("Type a food").wait_for()
            page.wait_for_function(idle)
            page.wait_for_timeout(1000)  # the page run is over before counting starts
            # Changes to the metrics, and Streamlit marking a metric's or a chart's
            # container stale (it does so while a whole-page run redraws it). Changes
            # inside a chart (Vega redraws on resize) are not counted.
            page.evaluate("""() => { window.__b12Mutations = 0;
                const R = '[data-testid="stMetric"], [data-testid="stVegaLiteChart"]';
                const count = m => {
                    const t = m.target.nodeType === 1 ? m.target : m.target.parentElement;
                    if (!t) return false;
                    if (t.closest('[data-testid="stMetric"]')) return true;
                    return m.type === 'attributes' && m.attributeName === 'data-stale'
                        && !t.closest('[data-testid="stVegaLiteChart"]')
                        && !!t.querySelector(R);
                };
                const obs = new MutationObserver(list => { for (const m of list) {
                    if (count(m)) window.__b12Mutations += 1; } });
                obs.observe(document.querySelector('[data-testid="stMain"]'), {subtree: true,
                    childList: true, attributes: true, characterData: true});
                window.__b12Observer = obs; }""")
            box = page.get_by_label("Type a food")
            keystroke = []
            for word in ["s", "m", "t", "b", "e", "c", "k"][: repeat + 1]:
                box.fill("")
                box.press("Enter")
                page.wait_for_function(idle)
                t0 = time.perf_counter()
                box.fill(word)
                box.press("Enter")
                page.get_by_test_id("stSelectbox").filter(has_text="Matching foods").first\
                    .wait_for()
                keystroke.append(time.perf_counter() - t0)
                page.wait_for_function(idle)
            mutations = page.evaluate("() => window.__b12Mutations")
            # Control: a whole-page rerun with the same numbers (the chart measure toggled
            # and back) must show up in the observer, or its "no" would prove nothing.
            for label in ("B12 absorbed (estimate)", "B12 eaten"):
                page.get_by_text(label, exact=True).first.click()
                page.wait_for_function(idle)
                page.wait_for_timeout(300)
            control = page.evaluate("() => window.__b12Mutations") - mutations
            redrawn = "no" if mutations == 0 else f"yes ({mutations} changes)"
            add("app in a browser: a search keystroke", keystroke[1:], 0.25,
                f"until the matching foods show; results redrawn: {redrawn} (a whole-page "
                f"rerun, for comparison: {control} changes)")
            browser.close()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(home, ignore_errors=True)


LOAD_AT_START = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")


def evaluate_growth(add: Callable, foods: planner.FoodTable, profile: planner.Profile,
                    repeat: int, known: list[tuple[int, float]]) -> None:
    """Does ``evaluate`` time grow linearly with rows? Longer plans, then a straight-line fit.

    ``known`` holds (rows, median seconds) already measured (a day, a week, a year).
    """
    sizes = [n for n, _ in known]
    times = [t for _, t in known]
    for days in (730, 1460, 2920):
        plan = year_plan(foods, days=days)
        t = statistics.median(timed(lambda p=plan: planner.evaluate(p, profile, foods),
                                    repeat))
        add(f"evaluate: {days:,} days × 16 items", t, None, f"{len(plan):,} rows")
        sizes.append(len(plan))
        times.append(t)
    slope, fixed = np.polyfit(sizes, times, 1)
    worst = max(abs(t - (fixed + slope * n)) / t for n, t in zip(sizes, times, strict=True))
    add("evaluate: growth with rows (straight-line fit)", None, None,
        f"{ms(fixed)} fixed + {slope * 1e6:.1f} µs per row over {min(sizes):,}–"
        f"{max(sizes):,} rows; every point within {worst:.0%} of the line (linear)")


def markdown(results: list[dict], quick: bool) -> str:
    lines = [
        "# Benchmarks",
        "",
        "Produced by `.venv/bin/python benchmarks/run.py --write` (`make bench` runs it "
        "without `--write`). Times are medians of several runs, with the best run beside "
        "them (search: also the 95th percentile of single queries); each batch size "
        "runs in its own child process and "
        "its peak memory is that process's maximum resident set size (`ru_maxrss`), "
        "including Python, pandas, the food table and the synthetic diaries.",
        "",
        f"Machine: {machine()}.",
        f"Run: {time.strftime('%Y-%m-%d %H:%M')}{' (--quick)' if quick else ''}; load "
        f"average (1 min) at the start {LOAD_AT_START:.2f} on {os.cpu_count()} cores "
        "(above ≈ 0.5 other work was running and the medians are pessimistic).",
        "",
        "| Benchmark | Median | Best | Target | Met | Notes |",
        "|---|---:|---:|---:|:---:|---|",
    ]
    for r in results:
        t = "" if r["seconds"] is None else ms(r["seconds"])
        tgt = "" if r["target"] is None else f"≤ {ms(r['target'])}"
        met = "" if r["met"] is None else ("yes" if r["met"] else "**no**")
        note = "; ".join(x for x in (r["ratio"], r["note"]) if x)
        best = "" if r.get("best") is None else ms(r["best"])
        lines.append(f"| {r['name']} | {t} | {best} | {tgt} | {met} | {note} |")
    missed = [r["name"] for r in results if r["met"] is False]
    lines += ["", "Targets not met in this run: " + ("; ".join(missed) if missed else "none")
              + ".", "", BENCH_NOTES]
    return "\n".join(lines) + "\n"


BENCH_NOTES = """\
## What is measured

* **load**: `planner.load_foods(user_foods=False)`: reading and checking the shipped
  gzip tables (foods and portions), file already in the OS cache.
* **search**: `FoodTable.search` over typical queries with typos ("brocoli", "chedar
  cheese"); the word index is built once per table, on the first query.
* **evaluate**: `planner.evaluate` of the vegan example day and week, and of plans of
  365 to 2,920 days with 16 items a day (5,840 to 46,720 rows), validation included. A
  straight line fitted through all six medians gives the fixed cost and the cost per
  row; "within N % of the line" is the worst point's distance from it, so a small N
  means time grows linearly with rows.
* **suggest**: `planner.suggest` on the vegan example week.
* **app rerun**: Streamlit's `AppTest` re-running `app.py` after the authority selectbox
  changes, with the vegan example week loaded.
* **app in a browser**: the app served by `streamlit run` and driven by Chromium
  (Playwright), vegan week loaded, after a profile edit (the authority) and a plan edit
  (a supplement added). Timed in the page, as the person waits: from the pointer going
  down on the option or button (the event's own time stamp) until the animation frame in
  which the metric shows its new value (a MutationObserver, then
  `requestAnimationFrame`). Each edit starts when the previous page run is over
  (Streamlit's `data-test-script-state` on the app element; its "Running…" widget
  appears only after a delay). "As Playwright sees it" is the same edit timed from
  outside, from the call to `click()` until Playwright has seen the new value: it adds
  Playwright's own actionability checks and round trips, 50–100 ms here. A search
  keystroke is timed until the matching foods show. The food search sits in a fragment
  (`st.fragment`): a MutationObserver on the result metrics counts changes during the
  keystrokes, and "results redrawn: no" means the evaluation, suggestions and charts
  were not rerun.
  Before 2026-12-01 the rerun was timed from outside only, and an edit could start while
  the previous page run was still going (the wait looked for the "Running…" widget only);
  those figures (0.28–0.69 s) are not comparable with these. What changed in the app
  then: the verdict and the numbers are drawn before the sidebar and section 1 (about 28
  messages reach the browser before them instead of about 60), the plan and profile are
  saved after the page is drawn, and chart specs are cached per inputs without a second
  schema check (the tests check every chart against Vega-Lite's schema).
* **batch**: `planner.evaluate_many` on synthetic diaries drawn from the real food
  table: 7 days, 4 eating occasions (clock times spread within breakfast, lunch, snack,
  dinner), 3–4 foods each (≈ 98 rows per person), grams log-normal around 120 g, a mix of
  ages, diets, conditions and authorities. Data generation is not timed.
* **naive baselines**: the same absorbed figure computed by a plain Python loop over
  rows (dict look-ups, rows summed into doses, each dose looking at its neighbours within
  6 h, one scalar model call per dose), and by calling `planner.evaluate` once per
  person, timed on 10,000 rows (the per-person loop on 20 people) and extrapolated
  linearly. The loop's result
  is checked against the batch before it is reported.
"""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer repeats, no 1M-row batch")
    ap.add_argument("--write", action="store_true", help="rewrite docs/benchmarks.md")
    ap.add_argument("--batch-child", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--repeat", type=int, default=3, help=argparse.SUPPRESS)
    ap.add_argument("--dask", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.batch_child:
        batch_child(args.batch_child, args.repeat, args.dask)
        return 0
    print(f"Machine: {machine()}\n")
    results = run_all(args.quick)
    if args.write:
        path = ROOT / "docs" / "benchmarks.md"
        path.write_text(markdown(results, args.quick), encoding="utf-8")
        print(f"\nwrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
