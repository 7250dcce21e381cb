"""The app in a real browser: Debian Chromium driven by Playwright, app served on 127.0.0.1.

One person's session: choose a profile, load an example week, watch the verdict change,
apply a suggestion, download the plan as CSV (and check its bytes), upload it back. Then
saved plans: the plan comes back in a new session, and "Save as…"/"Open a saved plan"
work in their popovers. The server's user folder is shared by the module's tests (the
first test expects it empty).
Screenshots at 1400 px and at phone size (390 × 844) go to the test's tmp dir (and to
``$B12_SCREENSHOT_DIR`` when set); axe-core checks the page for critical and serious
accessibility violations on first render, after loading an example, after applying a
suggestion and at phone width. First-render and rerun times are printed
(benchmarks, not asserts) and written to ``timings.json`` beside the screenshots.

Outside CI the module is skipped when ``/usr/bin/chromium`` is missing; under ``CI=true``
a missing browser is a failure, never a skip.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
TIMEOUT_MS = 20_000
CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _require_browser() -> None:
    if CHROMIUM.is_file():
        return
    if CI:
        pytest.fail(f"CI=true but {CHROMIUM} is missing: install it (apt-get install chromium).")
    pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """``streamlit run app.py`` on a free local port, until the module ends."""
    _require_browser()
    port = _free_port()
    home = tmp_path_factory.mktemp("b12home")
    env = dict(os.environ, B12_PLANNER_HOME=str(home),
               STREAMLIT_BROWSER_GATHER_USAGE_STATS="false")
    env.pop("FDC_API_KEY", None)
    log = (tmp_path_factory.mktemp("server") / "streamlit.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
         "--server.address", "127.0.0.1", "--server.port", str(port),
         "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as r:
                    if r.read() == b"ok":
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the app did not start (exit {proc.poll()}); see {log.name}")
            time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:  # pragma: no cover
            proc.kill()
        log.close()


@pytest.fixture(scope="module")
def browser(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1400, "height": 1000},
                                  accept_downloads=True)
    pg = context.new_page()
    pg.set_default_timeout(TIMEOUT_MS)
    yield pg
    context.close()


# -- helpers --------------------------------------------------------------------------------
def metric(page, label: str):
    return page.get_by_test_id("stMetric").filter(has_text=label).get_by_test_id(
        "stMetricValue")


def _click_option(page, box, option: str) -> bool:
    """Open the list of ``box`` (after the page settles: a rerun redraws it and closes it)
    and click ``option``; False when the list did not open or closed before the click (a
    click that only gives the page its focus back, say after a download, or a late rerun)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    wanted = page.get_by_role("option", name=option, exact=True)
    settled(page)
    box.click()
    try:
        wanted.wait_for(state="visible", timeout=3_000)
        wanted.click(timeout=3_000)
    except PlaywrightTimeout:
        return False
    return True


def choose(page, label: str, option: str, scope=None) -> None:
    """Pick ``option`` in the selectbox labelled ``label``, trying again as a person would
    when the list did not open or closed too soon (:func:`_click_option`)."""
    box = (scope or page).get_by_test_id("stSelectbox").filter(has_text=label).first
    for _ in range(4):
        if _click_option(page, box, option):
            return
    raise AssertionError(f"could not choose {option!r} in the {label!r} list")


def pick(page, label: str, option: str, scope=None) -> None:
    """Add ``option`` to the multiselect labelled ``label`` and close its list, trying
    again until the option shows as a tag in the box."""
    box = (scope or page).get_by_test_id("stMultiSelect").filter(has_text=label).first
    for _ in range(4):
        if not _click_option(page, box, option):
            continue
        page.keyboard.press("Escape")
        settled(page)
        if option in box.inner_text():
            return
    raise AssertionError(f"could not add {option!r} in the {label!r} list")


def wait_idle(page) -> None:
    """Wait until Streamlit has finished the current run: its own run state on the app
    element (the "Running…" indicator shows only after a delay, so its absence is not
    enough), and no running indicator."""
    page.wait_for_function(
        """() => document.querySelector('[data-testid="stApp"]')
            ?.getAttribute('data-test-script-state') === 'notRunning'
            && !document.querySelector('[data-testid="stStatusWidget"]')""",
        timeout=TIMEOUT_MS)


def changed_after(page, label: str, old: str) -> None:
    """Wait, checking every animation frame, until metric ``label`` no longer shows ``old``."""
    page.wait_for_function(
        """([label, old]) => [...document.querySelectorAll('[data-testid="stMetric"]')]
            .some(m => m.innerText.includes(label)
                  && m.querySelector('[data-testid="stMetricValue"]').innerText.trim() !== old)""",
        arg=[label, old], polling="raf", timeout=TIMEOUT_MS)


def settled(page) -> None:
    """Wait until the run has finished and its leftovers (stale elements) are gone."""
    wait_idle(page)
    page.wait_for_function(
        "() => !document.querySelector('[data-stale=\"true\"]')", timeout=TIMEOUT_MS)


def shot(page, path: Path, width: int = 1400, height: int = 1000, tallest: int = 6000) -> None:
    """A screenshot of the whole app at ``width`` (Streamlit scrolls inside its own
    container, so the window is made as tall as the page, up to ``tallest``, then back)."""
    settled(page)
    full = page.evaluate(
        f"() => document.querySelector('[data-testid=\"stMain\"]')?.scrollHeight || {height}")
    page.set_viewport_size({"width": width, "height": min(max(int(full) + 40, height),
                                                          tallest)})
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size({"width": width, "height": height})


def open_app(page, server: str) -> None:
    """Open the app in this page's session and wait until the first run has finished.

    A new session starts from the plan the previous one saved (the module shares one
    user folder), so no test may take the page's first state for its own.
    """
    from playwright.sync_api import expect

    page.goto(server)
    expect(page.get_by_text("4 · Your meal plan")).to_be_visible()
    settled(page)


def load_example(page, option: str, match_profile: bool = True) -> None:
    """Choose ``option`` under "Start from", press Load and wait for its own message.

    ``match_profile``: tick "Also set my profile to this person" (not ticked by default:
    the app never changes the profile without being asked).
    """
    from playwright.sync_api import expect

    choose(page, "Start from", option)
    settled(page)  # the choice reruns the script; click the new "Load", not a stale one
    if option.startswith("Example"):
        box = page.get_by_role("checkbox", name="Also set my profile to this person")
        if box.is_checked() != match_profile:
            page.get_by_text("Also set my profile to this person").click()
            settled(page)
        expect(box).to_be_checked(checked=match_profile)
    page.get_by_role("button", name="Load", exact=True).click()
    done = "Loaded the " if option.startswith("Example") else "Started an empty plan"
    expect(page.get_by_test_id("stMainBlockContainer").get_by_text(done)).to_be_visible()
    settled(page)


def accessible(page, where: str) -> None:
    """axe-core on the page as it is: no critical or serious violation (issue 14)."""
    from axe_playwright_python.sync_playwright import Axe  # the test extra; never skipped

    settled(page)
    results = Axe().run(page)
    bad = [v for v in results.response["violations"] if v["impact"] in ("critical", "serious")]
    assert not bad, f"axe-core, {where}: " + "; ".join(
        f"{v['id']} ({v['impact']}): {v['help']} at "
        f"{[n['target'] for n in v['nodes'][:3]]}" for v in bad)


def editor_fits(page) -> None:
    """No column of the plan table is cut off: its grid does not scroll sideways."""
    grid = page.get_by_test_id("stDataFrame").filter(
        has=page.locator(".dvn-scroller")).last
    grid.scroll_into_view_if_needed()
    widths = grid.locator(".dvn-scroller").evaluate("s => [s.scrollWidth, s.clientWidth]")
    assert widths[0] <= widths[1] + 1, f"the plan table scrolls sideways: {widths}"


def phone_shot(page, path: Path) -> None:
    """A screenshot of the whole app at phone width (390 × 844)."""
    shot(page, path, width=390, height=844, tallest=9000)


def keep_screens(*paths: Path) -> None:
    keep = os.environ.get("B12_SCREENSHOT_DIR")  # a copy for people to look at
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        for png in paths:
            shutil.copy(png, Path(keep) / png.name)


# -- the journey ------------------------------------------------------------------------------
def test_a_persons_session(page, server, tmp_path, foods):
    from playwright.sync_api import expect

    from planner.io.plan_csv import plan_from_csv

    screens = tmp_path / "screens"
    screens.mkdir()
    timings: dict[str, float] = {}

    t0 = time.perf_counter()
    page.goto(server)
    expect(page.get_by_text("Your plan is empty")).to_be_visible()
    timings["first_render_s"] = time.perf_counter() - t0
    expect(page.get_by_text("Not medical advice.")).to_have_count(1)
    accessible(page, "the main page")

    # who I am: a 30-year-old vegan woman
    sidebar = page.get_by_test_id("stSidebar")
    age = sidebar.get_by_role("spinbutton", name="Age (years)")
    age.fill("30")
    age.press("Enter")
    choose(page, "Diet", "Vegan (no animal foods)", sidebar)
    wait_idle(page)

    # a vegan week, keeping my profile
    load_example(page, "Example: Vegan week", match_profile=False)
    expect(metric(page, "Status")).to_have_text("Below the requirement")
    expect(page.get_by_text("Below the requirement.", exact=True)).to_be_visible()
    expect(page.get_by_test_id("stVegaLiteChart")).to_have_count(3)
    eaten_before = metric(page, "B12 eaten per day").inner_text().strip()
    # issue 14: the profile was not changed by loading the example, and the app said so
    expect(page.get_by_text("Your profile is unchanged")).to_be_visible()
    expect(sidebar.get_by_role("spinbutton", name="Age (years)")).to_have_value("30")
    accessible(page, "after loading an example")
    shot(page, screens / "1-vegan-week.png")

    # apply a suggestion (one click; the first is the least-change plan)
    t0 = time.perf_counter()
    page.get_by_role("button", name="Add to my plan").first.click()
    changed_after(page, "B12 eaten per day", eaten_before)
    timings["rerun_after_edit_s"] = time.perf_counter() - t0
    expect(metric(page, "Status")).not_to_have_text("Below the requirement")
    accessible(page, "after a suggestion is applied")
    editor_fits(page)
    shot(page, screens / "2-after-suggestion.png")

    # download the plan and check the bytes
    with page.expect_download() as info:
        # (two download buttons since issue 15: the plan's CSV and the PDF report)
        page.get_by_role("button", name="Download the plan (CSV)").click()
    download = info.value
    data = Path(download.path()).read_bytes()
    assert download.suggested_filename == "b12-plan.csv"
    text = data.decode("utf-8")
    lines = text.splitlines()
    assert lines[0] == ("day,meal,time,food_id,description,portion,grams,dose_ug,"
                        "ingested_ug,fortified_ug,absorbed_ug,verdict")
    # the app's verdict, in every row (issue 11: the same verdict in app and CSV)
    assert lines[1].rsplit(",", 1)[1] in ("meets_goal", "adequate", "below_requirement")
    assert not data.startswith(b"\xef\xbb\xbf") and b"\r\n" not in data
    downloaded = plan_from_csv(io.BytesIO(data), foods)
    assert len(downloaded) == len(lines) - 1 > 67  # the vegan week plus the suggestion
    computed = [line.rsplit(",", 4)[1:4] for line in lines[1:]]
    assert all(float(x) >= 0 for row in computed for x in row)  # ingested, fortified, absorbed
    absorbed_per_day = sum(float(row[2]) for row in computed) / 7
    assert absorbed_per_day >= 1.2  # the NASEM goal line, reached after the suggestion
    csv_path = tmp_path / "my-plan.csv"
    csv_path.write_bytes(data)

    # start over, then upload it back
    load_example(page, "An empty plan")
    expect(page.get_by_text("Your plan is empty")).to_be_visible()
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(csv_path))
    # the sentence, not its toast (which has no full stop)
    expect(page.get_by_text(f"Imported {len(downloaded)} rows from my-plan.csv.")).to_be_visible()
    expect(metric(page, "Status")).not_to_have_text("Below the requirement")
    shot(page, screens / "3-uploaded-back.png")

    (screens / "timings.json").write_text(json.dumps(timings, indent=2))
    print(f"\nbrowser timings: {timings}; screenshots in {screens}")
    keep_screens(*screens.glob("*.png"))


@pytest.mark.parametrize("example, status", [
    ("Example: Vegetarian week", "Below the requirement"),
    ("Example: Older adult's week (70)", "Meets the goal"),
    ("Example: Omnivore week", "Meets the goal"),
])
def test_each_example_in_the_browser(page, server, tmp_path, example, status):
    from playwright.sync_api import expect

    open_app(page, server)
    load_example(page, example)
    expect(metric(page, "Status")).to_have_text(status)
    expect(page.get_by_test_id("stVegaLiteChart")).to_have_count(3)
    # each chart's accessible name is its short description (screen readers read it out,
    # not the axis labels); the day chart's says how many days fall below the line
    names = [c.get_attribute("aria-label") or ""
             for c in page.get_by_test_id("stVegaLiteChart").all()]
    assert names[0].startswith("Bar chart of b12 eaten per day") and "below the line" in names[0]
    assert names[1].startswith("Bar chart. Per day:") and names[2].startswith("Line chart")
    name = f"example-{example.split(': ')[1].split()[0].lower()}.png"
    shot(page, tmp_path / name)
    keep = os.environ.get("B12_SCREENSHOT_DIR")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(tmp_path / name, Path(keep) / name)


@pytest.mark.parametrize("name, content, says", [
    ("not-a-plan.csv", bytes(range(256)) * 100, "Import failed, your plan is unchanged."),
    # 10 MB: the uploader itself refuses it (the app sets its limit to the 5 MB it reads)
    ("huge.csv", b"day,meal,food_id,grams\n" + b"1,lunch,sr28:01123,50\n" * 480_000,
     "File must be 5.0MB or smaller"),
])
def test_a_bad_upload_in_the_browser_keeps_the_plan(page, server, tmp_path, name, content,
                                                    says):
    from playwright.sync_api import expect

    open_app(page, server)
    load_example(page, "Example: Omnivore week")
    expect(metric(page, "Status")).to_have_text("Meets the goal")
    eaten = metric(page, "B12 eaten per day").inner_text()
    bad = tmp_path / name
    bad.write_bytes(content)
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(bad))
    expect(page.get_by_text(says)).to_be_visible()
    settled(page)
    expect(metric(page, "Status")).to_have_text("Meets the goal")
    expect(metric(page, "B12 eaten per day")).to_have_text(eaten)
    expect(page.get_by_text("You are working on: The omnivore week example")).to_be_visible()
    expect(page.get_by_test_id("stException")).to_have_count(0)


def test_saved_plans_in_the_browser(browser, server):
    """The plan being edited comes back in a new session; Save as… and Open work."""
    from playwright.sync_api import expect

    first = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = first.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    open_app(page, server)
    load_example(page, "Example: Vegetarian week")
    expect(metric(page, "Status")).to_have_text("Below the requirement")
    page.get_by_role("button", name="Save as…").click()
    page.get_by_label("Name for this plan").fill("Veggie week")
    page.get_by_label("Name for this plan").press("Enter")  # reruns: the popover stays open
    wait_idle(page)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Saved your plan as “veggie week”.")).to_be_visible()
    first.close()

    second = browser.new_context(viewport={"width": 1400, "height": 1000})  # a new session
    page = second.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(server)
    expect(page.get_by_text("Restored your last plan (")).to_be_visible()
    expect(metric(page, "B12 eaten per day")).to_be_visible()
    load_example(page, "Example: Omnivore week")
    expect(metric(page, "Status")).to_have_text("Meets the goal")
    page.get_by_role("button", name="Open a saved plan").click()
    expect(page.get_by_role("combobox", name="Saved plans (newest first)")).to_have_value(
        "veggie week")
    page.get_by_role("button", name="Open this plan").click()
    main = page.get_by_test_id("stMainBlockContainer")  # not the toast
    expect(main.get_by_text("Opened the saved plan “veggie week”")).to_be_visible()
    undo = page.get_by_role("button", name="Undo: back to “The omnivore week example”")
    expect(undo).to_be_visible()
    expect(page.get_by_test_id("stException")).to_have_count(0)
    second.close()


def test_a_phone_and_a_wide_screen(browser, server, tmp_path):
    """Issue 14: at 390 × 844 the profile, the verdict and the plan (food, amount, B12) are
    reachable and readable; at 1400 px no column of the plan table is cut off."""
    from playwright.sync_api import expect

    phone = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True)
    page = phone.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    open_app(page, server)
    load_example(page, "Example: Omnivore week")
    verdict = page.get_by_text("Meets the goal.", exact=True)
    expect(verdict).to_be_visible()
    verdict.scroll_into_view_if_needed()
    box = verdict.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    listed = page.get_by_text("The plan as a list (food, amount, B12)")
    listed.click()
    line = page.get_by_text("breakfast: ", exact=False).filter(has_text="µg B12").first
    expect(line).to_be_visible()
    line.scroll_into_view_if_needed()
    box = line.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 390, box
    assert " g)" in line.inner_text() or " g," in line.inner_text()  # the amount
    accessible(page, "at phone width")
    phone_shot(page, tmp_path / "phone-omnivore-week.png")
    page.get_by_test_id("stExpandSidebarButton").click()  # the profile, one tap away
    age = page.get_by_test_id("stSidebar").get_by_role("spinbutton", name="Age (years)")
    expect(age).to_be_visible()
    expect(age).to_be_in_viewport()
    page.wait_for_function(  # the sidebar has slid in completely: nothing cut at the left
        """() => document.querySelector('[data-testid="stSidebar"]')
                 .getBoundingClientRect().left >= 0""", timeout=TIMEOUT_MS)
    box = age.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    page.screenshot(path=str(tmp_path / "phone-profile.png"))
    phone.close()

    wide = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = wide.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    open_app(page, server)
    page.get_by_text("Add a supplement", exact=True).click()  # the widest table: Dose µg
    settled(page)
    page.get_by_role("button", name="Add supplement").click()
    expect(page.get_by_text("Added a supplement:")).to_be_visible()
    settled(page)
    editor_fits(page)
    shot(page, tmp_path / "desktop-with-supplement.png")
    wide.close()
    keep_screens(tmp_path / "phone-omnivore-week.png", tmp_path / "phone-profile.png",
                 tmp_path / "desktop-with-supplement.png")


def test_blood_test_symptoms_and_the_report(browser, server, tmp_path):
    """Issue 15: a symptom and a blood result give the needs_clinician verdict and the
    category by NICE NG239; the PDF report downloads (1–2 pages naming the guideline); the
    section is accessible (axe-core) at 1400 px and at phone width.

    Last in the module: it leaves a symptom and a blood result in the shared user folder.
    """
    from playwright.sync_api import expect
    from pypdf import PdfReader

    wide = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = wide.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    open_app(page, server)
    load_example(page, "Example: Omnivore week")
    expect(metric(page, "Status")).to_have_text("Meets the goal")

    # a symptom, from the sidebar's list (the nerve signs are marked)
    pick(page, "Symptoms you have now",
         "Numbness, e.g. in the hands or feet (nerve sign: see a doctor)",
         page.get_by_test_id("stSidebar"))
    expect(metric(page, "Status")).to_have_text("Needs a clinician", timeout=TIMEOUT_MS)
    expect(page.get_by_text("Needs a clinician.", exact=True)).to_be_visible()
    expect(page.get_by_text("nerve damage can become permanent").first).to_be_visible()

    # a blood result in pg/mL
    section = page.get_by_test_id("stForm")
    choose(page, "Unit (total B12)", "pg/mL", section)
    value = section.get_by_role("spinbutton", name="Total (serum) B12")
    value.fill("120")
    section.get_by_role("button", name="Save this result").click()
    expect(page.get_by_text("by NICE NG239 (2024): Deficiency likely")).to_be_visible(
        timeout=TIMEOUT_MS)
    expect(page.get_by_text("Saved 1 result(s) of")).to_be_visible()
    accessible(page, "the blood test and symptoms section")
    shot(page, tmp_path / "status-check-1400.png")

    # the report: written when asked for, then downloaded
    page.get_by_role("button", name="Prepare the report (PDF)").click()
    settled(page)
    button = page.get_by_role("button", name="Download report (PDF)")
    expect(button).to_be_visible()
    with page.expect_download() as info:
        button.click()
    download = info.value
    assert download.suggested_filename == "b12-report.pdf"
    reader = PdfReader(download.path())
    assert 1 <= len(reader.pages) <= 2
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "NICE NG239" in text
    assert "not medical advice" in text.lower()
    expect(page.get_by_test_id("stException")).to_have_count(0)
    wide.close()

    phone = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True)
    page = phone.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    open_app(page, server)  # a new session: the symptom and the result come back
    expect(page.get_by_text("by NICE NG239 (2024): Deficiency likely")).to_be_visible()
    expect(page.get_by_text("Needs a clinician.", exact=True)).to_be_visible()
    accessible(page, "the status check at phone width")
    phone_shot(page, tmp_path / "status-check-phone.png")
    phone.close()
    keep_screens(tmp_path / "status-check-1400.png", tmp_path / "status-check-phone.png")
