"""FoodData Central: parsing of every reply shape, and the client against a real local server.

The server is pytest-httpserver bound to 127.0.0.1; no test reaches any other host. Replies
are saved JSON in tests/data/fdc written after FDC's documented shapes.
"""

from __future__ import annotations

import json
import logging
import math
import socket
import subprocess
import sys
import threading
import time
import traceback
import types
from pathlib import Path

import pandas as pd
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from planner.errors import InputError
from planner.io.fdc import (
    DEFAULT_BASE_URL,
    FdcBadResponse,
    FdcClient,
    FdcError,
    FdcKeyInvalid,
    FdcKeyMissing,
    FdcNetworkError,
    FdcNotFound,
    FdcRateLimited,
    FdcServerError,
    FdcTimeout,
    classify_diet,
    foods_frame,
    parse_fdc_food,
    parse_fdc_foods,
    parse_fdc_portions,
    parse_fdc_search,
    portions_frame,
    resolve_api_key,
    resolve_base_url,
)
from planner.io.user_folder import user_dir
from planner.io.userfoods import save_user_food
from planner.model.foods import FoodTable
from planner.schema import FOOD_COLUMNS, PORTION_COLUMNS

DATA = Path(__file__).parent / "data" / "fdc"
KEY = "tEsT-kEy-7f3a9c2e5b81d4-DO-NOT-LEAK"
API = "/fdc/v1"


def load(name: str):
    return json.loads((DATA / name).read_text(encoding="utf-8"))


@pytest.fixture(autouse=True)
def _no_env_key(monkeypatch):
    monkeypatch.delenv("FDC_API_KEY", raising=False)
    monkeypatch.delitem(sys.modules, "streamlit", raising=False)


@pytest.fixture
def own_server():
    """A server of the test's own (not the shared ``httpserver``): the test may stop it,
    and replies it finishes late cannot land in another test's request log."""
    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    yield server
    if server.is_running():
        server.clear()
        server.stop()


@pytest.fixture
def client(httpserver, tmp_path):
    c = FdcClient(api_key=KEY, base_url=httpserver.url_for(API), timeout=(2, 2),
                  backoff_factor=0.01, cache_dir=tmp_path / "cache")
    yield c
    c.close()


def dead_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def assert_no_key(*texts: str) -> None:
    for text in texts:
        assert KEY not in text


# =======================================================================================
# Parsing: pure functions over saved replies
# =======================================================================================
@pytest.mark.parametrize(
    "name, food_id, b12, added, fortified, basis, kcal, protein, diet, verified",
    [
        # Branded, format=full: nested nutrient{id, number, unitName "µg"} + amount.
        ("food_branded_full.json", "fdc:2001234", 36.0, math.nan, 36.0, "plant_food",
         375.0, 50.0, "vegan", True),
        # SR Legacy, full: added B12 reported as 0 (a value, not unknown).
        ("food_sr_legacy_full.json", "fdc:171287", 0.89, 0.0, 0.0, "none", 143.0, 12.56,
         "vegetarian", False),
        # Foundation, full: no B12 nutrient at all; energy only as Atwater kcal and kJ.
        ("food_foundation_full.json", "fdc:321358", math.nan, math.nan, math.nan, "none",
         233.0, 7.35, "vegan", False),
        # Survey (FNDDS), abridged: number/amount, unit "UG". Vegan: all B12 is fortification.
        ("food_survey_abridged.json", "fdc:2705413", 0.39, 0.39, 0.39, "plant_food", 41.0,
         2.6, "vegan", False),
    ],
)
def test_parse_food_shapes(name, food_id, b12, added, fortified, basis, kcal, protein, diet,
                           verified):
    row = parse_fdc_food(load(name))
    assert list(row) == list(FOOD_COLUMNS)
    assert row["food_id"] == food_id and row["source"] == "fdc"
    for col, want in [("b12_ug", b12), ("b12_added_ug", added), ("b12_fortified_ug", fortified),
                      ("kcal", kcal), ("protein_g", protein)]:
        if math.isnan(want):
            assert math.isnan(row[col]), col  # unknown stays unknown, never 0
        else:
            assert row[col] == pytest.approx(want), col
    assert row["fortified_basis"] == basis
    assert (row["diet"], row["diet_verified"]) == (diet, verified)


def test_branded_food_fields():
    row = parse_fdc_food(load("food_branded_full.json"))
    assert row["description"] == "NUTRITIONAL YEAST FLAKES"
    assert row["group"] == "Other Condiments"
    assert row["manufacturer"] == "Sunny Valley Foods, Inc."
    assert row["diet_basis"].startswith("FDC ingredient list")
    assert row["b12_reliable"] and row["b12_note"] == ""


def test_branded_nutrients_are_per_100_g_and_label_per_serving():
    """FDC's foodNutrients of a branded food are per 100 g; labelNutrients per serving."""
    food = load("food_branded_full.json")
    row = parse_fdc_food(food)
    per_serving = food["servingSize"] / 100
    assert food["labelNutrients"]["protein"]["value"] == pytest.approx(row["protein_g"]
                                                                       * per_serving)
    assert food["labelNutrients"]["calories"]["value"] == pytest.approx(row["kcal"] * per_serving)


def test_no_b12_nutrient_is_unknown_with_unverified_diet():
    row = parse_fdc_food(load("food_foundation_full.json"))
    assert math.isnan(row["b12_ug"]) and math.isnan(row["b12_added_ug"])
    assert row["diet"] == "vegan" and not row["diet_verified"]
    assert row["diet_basis"].startswith("FDC: no ingredient list")
    assert row["kcal"] == 233.0  # Atwater specific kcal, not the 962 kJ


def test_parse_search_page_flat_shape():
    res = parse_fdc_search(load("search_page1.json"))
    assert (res.total_hits, res.page, res.total_pages) == (7, 1, 2)
    df = res.foods.set_index("food_id")
    assert list(res.foods.columns) == list(FOOD_COLUMNS)
    assert dict(res.foods.dtypes.astype(str)) == FOOD_COLUMNS
    soy = df.loc["fdc:2340771"]
    assert soy["b12_ug"] == 1.25 and math.isnan(soy["b12_added_ug"])
    assert soy["b12_fortified_ug"] == 1.25 and soy["fortified_basis"] == "plant_food"
    assert soy["diet"] == "vegan" and soy["diet_verified"]
    assert soy["group"] == "Plant Based Milk"
    yog = df.loc["fdc:2140562"]
    assert yog["diet"] == "vegetarian" and yog["b12_fortified_ug"] == 0
    assert yog["fortified_basis"] == "none"
    pb = df.loc["fdc:2263812"]
    assert math.isnan(pb["b12_ug"]) and math.isnan(pb["b12_fortified_ug"])
    liver = df.loc["fdc:169451"]
    assert liver["b12_ug"] == 59.3 and liver["b12_added_ug"] == 0.0
    assert liver["diet"] == "omnivore" and not liver["diet_verified"]
    assert liver["kcal"] == 135.0  # the kcal entry, not the kJ one
    spir = df.loc["fdc:170495"]
    assert not spir["b12_reliable"] and "Spirulina" in spir["b12_note"]


def test_serving_sizes_become_portions():
    res = parse_fdc_search(load("search_page1.json"))
    p = res.portions.set_index("food_id")
    assert list(res.portions.columns) == list(PORTION_COLUMNS)
    assert p.loc["fdc:2340771", "label"] == "1 cup"      # 240 ml taken as 240 g
    assert p.loc["fdc:2340771", "grams"] == 240.0
    assert p.loc["fdc:2140562", "grams"] == 170.0
    assert "fdc:169451" not in p.index                     # search gives SR foods no portions
    assert parse_fdc_portions(load("food_branded_full.json")) == [
        {"food_id": "fdc:2001234", "seq": 1, "label": "1/4 cup", "grams": 16.0}]
    egg = parse_fdc_portions(load("food_sr_legacy_full.json"))
    assert [(r["seq"], r["label"], r["grams"]) for r in egg] == [
        (1, "1 cup (4.86 large eggs)", 243.0), (2, "1 large", 50.0)]
    hummus = parse_fdc_portions(load("food_foundation_full.json"))
    assert [(r["label"], r["grams"]) for r in hummus] == [("1 tablespoon", 14.8)]


def test_serving_without_household_text_and_other_units():
    food = load("food_branded_full.json")
    del food["householdServingFullText"]
    assert parse_fdc_portions(food)[0]["label"] == "16 g"
    food["servingSizeUnit"] = "GRM"
    assert parse_fdc_portions(food)[0]["grams"] == 16.0
    food["servingSizeUnit"] = "oz"
    assert parse_fdc_portions(food) == []


@pytest.mark.parametrize("unit, amount, want", [
    ("UG", 2.0, 2.0), ("µg", 2.0, 2.0), ("\u03bcg", 2.0, 2.0), ("mcg", 2.0, 2.0),
    ("MG", 0.002, 2.0), ("IU", 2.0, math.nan),
])
def test_b12_units_normalised(unit, amount, want):
    food = {"fdcId": 1, "description": "x", "foodNutrients": [
        {"nutrientId": 1178, "nutrientNumber": "418", "unitName": unit, "value": amount}]}
    got = parse_fdc_food(food)["b12_ug"]
    assert (math.isnan(got) if math.isnan(want) else got == pytest.approx(want))


def test_missing_amount_and_kj_only_energy_are_unknown():
    food = {"fdcId": 5, "description": "Test", "foodNutrients": [
        {"nutrient": {"id": 1178, "number": "418", "unitName": "µg"}},           # no amount
        {"nutrient": {"id": 1062, "number": "268", "unitName": "kJ"}, "amount": 400},
        {"number": 203, "unitName": "g", "amount": None},
    ]}
    row = parse_fdc_food(food)
    assert math.isnan(row["b12_ug"]) and math.isnan(row["kcal"]) and math.isnan(row["protein_g"])


def test_bad_food_objects():
    with pytest.raises(FdcBadResponse):
        parse_fdc_food({"description": "no id"})
    with pytest.raises(FdcBadResponse):
        parse_fdc_search({"totalHits": 1})
    res = parse_fdc_foods([{"description": "no id"}, load("food_branded_full.json")])
    assert list(res.foods["food_id"]) == ["fdc:2001234"]


@pytest.mark.parametrize("ingredients, diet", [
    ("ALMONDMILK (FILTERED WATER, ALMONDS), CANE SUGAR, VITAMIN B12.", "vegan"),
    ("COCONUT MILK, COCOA BUTTER, PEANUT BUTTER, SHEA BUTTER.", "vegan"),
    ("OATS, SUGAR. MAY CONTAIN MILK AND EGGS. MADE ON EQUIPMENT SHARED WITH FISH.", "vegan"),
    ("SUGAR, COCOA BUTTER, MILK, SOY LECITHIN.", "vegetarian"),
    ("WHOLE WHEAT, HONEY, SALT.", "vegetarian"),
    ("PASTA (WHEAT, EGGS), CHEESE (MILK), ANCHOVIES.", "pescatarian"),
    ("SUGAR, GELATIN, CITRIC ACID.", "omnivore"),
    ("WATER, PEA PROTEIN, VEGAN CHEESE (COCONUT OIL), DAIRY-FREE CREAM.", "vegan"),
])
def test_classify_diet_from_ingredients(ingredients, diet):
    got, basis, verified = classify_diet("A product", ingredients)
    assert (got, verified) == (diet, True)
    assert basis.startswith("FDC ingredient list")


@pytest.mark.parametrize("description, category, diet", [
    ("Milk, whole, 3.25% milkfat", "Dairy and Egg Products", "vegetarian"),
    ("Beverages, almond milk, unsweetened", "Beverages", "vegan"),
    ("Soy milk, unsweetened", "", "vegan"),
    ("Cheddar", "Cheese", "vegetarian"),
    ("Pot roast", "Beef Products", "omnivore"),
    ("Salmon, Atlantic, raw", "Finfish and Shellfish Products", "pescatarian"),
])
def test_classify_diet_without_ingredients_is_unverified(description, category, diet):
    got, basis, verified = classify_diet(description, None, category)
    assert (got, verified) == (diet, False)
    assert basis.startswith("FDC: no ingredient list")


def test_reliability_reads_ingredients_and_fortification():
    food = load("food_branded_full.json")
    food["ingredients"] = "DRIED YEAST, SPIRULINA POWDER, NIACIN."
    row = parse_fdc_food(food)
    assert row["diet"] == "vegan" and not row["b12_reliable"]      # algae, not fortified
    food["ingredients"] += " CYANOCOBALAMIN."
    assert parse_fdc_food(food)["b12_reliable"]                     # fortified: crystalline


def test_added_b12_of_a_non_vegan_food_is_the_fortified_part():
    food = load("food_sr_legacy_full.json")
    food["foodNutrients"][4]["amount"] = 0.5                        # 578, added B12
    row = parse_fdc_food(food)
    assert (row["b12_fortified_ug"], row["fortified_basis"]) == (0.5, "usda_added")


def test_rows_fit_the_food_table():
    res = parse_fdc_search(load("search_page1.json"))
    one = parse_fdc_food(load("food_branded_full.json"))
    foods = pd.concat([res.foods, foods_frame([one])], ignore_index=True)
    portions = pd.concat([res.portions, portions_frame(parse_fdc_portions(
        load("food_branded_full.json")))], ignore_index=True)
    table = FoodTable(foods, portions)
    assert "fdc:2001234" in table
    assert table.portions("fdc:2001234").iloc[0].to_dict() == {"label": "1/4 cup", "grams": 16.0}
    assert len(foods_frame([])) == 0 and list(portions_frame([]).columns) == list(PORTION_COLUMNS)


# =======================================================================================
# API key
# =======================================================================================
def test_key_resolution_order():
    """The key comes only from what the caller hands over: argument, environ, secrets."""
    assert resolve_api_key() is None
    env = {"FDC_API_KEY": "from-env"}
    assert resolve_api_key(environ=env) == "from-env"
    assert resolve_api_key("from-arg", environ=env) == "from-arg"
    assert resolve_api_key(environ={"FDC_API_KEY": "  "}) is None  # blank is no key
    assert resolve_api_key(environ={}, secrets={"FDC_API_KEY": "from-secrets"}) == "from-secrets"
    assert resolve_api_key(secrets={"fdc": {"api_key": "nested"}}) == "nested"

    class Broken:
        def get(self, *a):
            raise RuntimeError("StreamlitSecretNotFoundError: no secrets file")

    assert resolve_api_key(secrets=Broken()) is None


def test_client_never_reads_the_environment_or_streamlit_secrets(monkeypatch, tmp_path):
    monkeypatch.setenv("FDC_API_KEY", "from-env")
    monkeypatch.setenv("B12_FDC_BASE_URL", "http://127.0.0.1:9/elsewhere")
    fake = types.ModuleType("streamlit")
    fake.secrets = {"FDC_API_KEY": "from-secrets"}
    monkeypatch.setitem(sys.modules, "streamlit", fake)
    assert resolve_api_key() is None
    c = FdcClient(cache_dir=tmp_path)
    assert not c.has_key and c.base_url == DEFAULT_BASE_URL
    assert FdcClient("handed-over", cache_dir=tmp_path).has_key


def test_base_url_from_the_environ_handed_over():
    assert resolve_base_url() == DEFAULT_BASE_URL
    assert resolve_base_url({}) == DEFAULT_BASE_URL
    assert resolve_base_url({"B12_FDC_BASE_URL": "http://127.0.0.1:1/fdc/v1"}) == \
        "http://127.0.0.1:1/fdc/v1"


def test_planner_fdc_does_not_import_streamlit():
    code = ("import sys, planner.io.fdc, planner.io.userfoods, planner.pipeline.download; "
            "from planner.io.fdc import resolve_api_key; resolve_api_key(); "
            "sys.exit('streamlit' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_missing_key_makes_no_request(httpserver, tmp_path):
    c = FdcClient(base_url=httpserver.url_for(API), cache_dir=tmp_path)
    assert not c.has_key
    with pytest.raises(FdcKeyMissing, match="fdc.nal.usda.gov/api-key-signup"):
        c.search("tofu")
    assert httpserver.log == []


# =======================================================================================
# Client against the local server
# =======================================================================================
def test_search_sends_key_in_header_only(client, httpserver):
    seen = []

    def handler(request: Request) -> Response:
        seen.append(request)
        return Response(json.dumps(load("search_page1.json")), content_type="application/json")

    httpserver.expect_request(f"{API}/foods/search").respond_with_handler(handler)
    res = client.search("milk", data_types=["Branded", "sr legacy"], page_size=5)
    assert len(res) == 5 and res.total_pages == 2
    req = seen[0]
    assert req.headers["X-Api-Key"] == KEY
    assert KEY not in req.url and "api_key" not in req.args
    assert req.args["dataType"] == "Branded,SR Legacy"
    assert (req.args["query"], req.args["pageSize"], req.args["pageNumber"]) == ("milk", "5", "1")


def test_search_input_errors(client):
    with pytest.raises(InputError):
        client.search("  ")
    with pytest.raises(InputError):
        client.search("milk", page_size=500)
    with pytest.raises(InputError):
        client.search("milk", data_types=["Organic"])
    with pytest.raises(InputError):
        client.get_food("abc")


def test_pagination(client, httpserver):
    pages = []

    def handler(request: Request) -> Response:
        pages.append(int(request.args["pageNumber"]))
        return Response(json.dumps(load(f"search_page{pages[-1]}.json")),
                        content_type="application/json")

    httpserver.expect_request(f"{API}/foods/search").respond_with_handler(handler)
    res = client.search_all("milk", page_size=5)
    assert pages == [1, 2]
    assert len(res.foods) == 7 and res.total_hits == 7
    assert res.foods["food_id"].is_unique
    assert "fdc:2705420" in set(res.foods["food_id"])     # from page 2
    capped = client.search_all("milk", page_size=5, max_results=3)
    assert len(capped.foods) == 3
    assert set(capped.portions["food_id"]) <= set(capped.foods["food_id"])


def test_get_food_full_and_abridged(client, httpserver):
    httpserver.expect_request(f"{API}/food/2001234", query_string={
        "format": "full", "nutrients": "203,208,418,578,957,958"}).respond_with_json(
        load("food_branded_full.json"))
    httpserver.expect_request(f"{API}/food/2705413").respond_with_json(
        load("food_survey_abridged.json"))
    row, portions = client.get_food(2001234)
    assert row["b12_ug"] == 36.0 and portions[0]["grams"] == 16.0
    row, portions = client.get_food("fdc:2705413", format="abridged")
    assert row["b12_added_ug"] == 0.39 and portions == []


def test_get_foods_in_chunks_of_20(client, httpserver):
    calls = []

    def handler(request: Request) -> Response:
        ids = request.args["fdcIds"].split(",")
        calls.append(ids)
        foods = [f for f in load("foods_list_full.json") if str(f["fdcId"]) in ids]
        return Response(json.dumps(foods), content_type="application/json")

    httpserver.expect_request(f"{API}/foods").respond_with_handler(handler)
    ids = [2001234, 171287] + list(range(900001, 900044)) + [2001234]
    res = client.get_foods(ids)
    assert [len(c) for c in calls] == [20, 20, 5]
    assert list(res.foods["food_id"]) == ["fdc:2001234", "fdc:171287"]
    assert len(res.missing) == 43 and 2001234 not in res.missing
    assert set(res.portions["food_id"]) == {"fdc:2001234", "fdc:171287"}


def test_429_with_retry_after_then_success(client, httpserver):
    httpserver.expect_oneshot_request(f"{API}/food/2001234").respond_with_json(
        load("error_over_rate_limit.json"), status=429, headers={"Retry-After": "1"})
    httpserver.expect_oneshot_request(f"{API}/food/2001234").respond_with_json(
        load("food_branded_full.json"))
    start = time.monotonic()
    row, _ = client.get_food(2001234)
    assert time.monotonic() - start >= 0.9          # Retry-After was honoured
    assert row["food_id"] == "fdc:2001234" and len(httpserver.log) == 2


def test_429_with_long_retry_after_fails_fast(client, httpserver):
    httpserver.expect_request(f"{API}/foods/search").respond_with_json(
        load("error_over_rate_limit.json"), status=429, headers={"Retry-After": "3600"})
    start = time.monotonic()
    with pytest.raises(FdcRateLimited) as info:
        client.search("milk")
    assert time.monotonic() - start < 5             # capped: no hour-long wait
    assert len(httpserver.log) == 1                 # and no retry into a closed door
    assert info.value.retry_after == 3600
    assert "OVER_RATE_LIMIT" in str(info.value) and "60 minute" in str(info.value)
    assert_no_key(str(info.value))


def test_429_without_retry_after_retries_then_reports(client, httpserver):
    httpserver.expect_request(f"{API}/foods/search").respond_with_json(
        load("error_over_rate_limit.json"), status=429)
    with pytest.raises(FdcRateLimited, match="hourly request limit"):
        client.search("milk")
    assert len(httpserver.log) == 4                 # first try + 3 retries


def test_5xx_then_success(client, httpserver):
    httpserver.expect_oneshot_request(f"{API}/food/171287").respond_with_data("busy", status=503)
    httpserver.expect_oneshot_request(f"{API}/food/171287").respond_with_data("oops", status=500)
    httpserver.expect_oneshot_request(f"{API}/food/171287").respond_with_json(
        load("food_sr_legacy_full.json"))
    row, portions = client.get_food(171287)
    assert row["b12_ug"] == 0.89 and len(portions) == 2
    assert [r.status_code for _, r in httpserver.log] == [503, 500, 200]


def test_5xx_every_time(client, httpserver):
    httpserver.expect_request(f"{API}/food/171287").respond_with_data("down", status=502)
    with pytest.raises(FdcServerError, match="HTTP 502"):
        client.get_food(171287)
    assert len(httpserver.log) == 4


def test_403_invalid_key_message_without_key(client, httpserver):
    httpserver.expect_request(f"{API}/foods/search").respond_with_json(
        load("error_api_key_invalid.json"), status=403)
    with pytest.raises(FdcKeyInvalid) as info:
        client.search("milk")
    err = info.value
    assert "API_KEY_INVALID" in str(err) and "fdc.nal.usda.gov/api-key-signup" in str(err)
    assert err.__context__ is None or KEY not in repr(err.__context__)
    assert_no_key(str(err), repr(err), "".join(traceback.format_exception(err)), repr(client))


def test_403_key_missing_from_server(client, httpserver):
    httpserver.expect_request(f"{API}/foods/search").respond_with_json(
        load("error_api_key_missing.json"), status=403)
    with pytest.raises(FdcKeyMissing, match="API_KEY_MISSING"):
        client.search("milk")


def test_404(client, httpserver):
    httpserver.expect_request(f"{API}/food/999").respond_with_json(
        {"error": {"code": "NOT_FOUND", "message": "No food"}}, status=404)
    with pytest.raises(FdcNotFound, match="FDC id 999"):
        client.get_food(999)


def test_timeout(own_server):
    """A server that does not answer in time (its own: the abandoned replies finish late)."""
    release = threading.Event()

    def slow(request: Request) -> Response:
        release.wait(5)  # longer than the client waits
        return Response("{}", content_type="application/json")

    own_server.expect_request(f"{API}/food/1").respond_with_handler(slow)
    c = FdcClient(api_key=KEY, base_url=own_server.url_for(API), timeout=(1, 0.2),
                  backoff_factor=0.01, cache=False)
    start = time.monotonic()
    try:
        with pytest.raises(FdcTimeout, match="did not answer in time") as info:
            c.get_food(1)
        assert time.monotonic() - start < 3
    finally:
        release.set()  # before the fixture stops the server
    assert isinstance(info.value, FdcNetworkError)
    assert_no_key(str(info.value), "".join(traceback.format_exception(info.value)))


def test_network_down(tmp_path):
    c = FdcClient(api_key=KEY, base_url=f"http://127.0.0.1:{dead_port()}{API}",
                  timeout=(0.5, 0.5), backoff_factor=0.01, cache_dir=tmp_path)
    with pytest.raises(FdcNetworkError, match="Cannot reach FoodData Central") as info:
        c.search("milk")
    assert not isinstance(info.value, FdcTimeout)
    assert_no_key(str(info.value), "".join(traceback.format_exception(info.value)))


def test_malformed_json_is_reported_and_not_cached(client, httpserver):
    httpserver.expect_oneshot_request(f"{API}/food/2001234").respond_with_data(
        "<html>Service Unavailable</html>", content_type="application/json")
    httpserver.expect_oneshot_request(f"{API}/food/2001234").respond_with_json(
        load("food_branded_full.json"))
    with pytest.raises(FdcBadResponse, match="not valid JSON"):
        client.get_food(2001234)
    row, _ = client.get_food(2001234)            # the bad reply was not cached
    assert row["b12_ug"] == 36.0


def test_unexpected_json_shape(client, httpserver):
    httpserver.expect_request(f"{API}/foods/search").respond_with_json({"message": "hi"})
    with pytest.raises(FdcBadResponse):
        client.search("milk")
    httpserver.expect_request(f"{API}/foods").respond_with_json({"not": "a list"})
    with pytest.raises(FdcBadResponse):
        client.get_foods([1])


def test_redirect_is_not_followed(client, httpserver):
    httpserver.expect_request(f"{API}/food/5").respond_with_data(
        "", status=302, headers={"Location": httpserver.url_for("/elsewhere")})
    with pytest.raises(FdcError, match="redirected"):
        client.get_food(5)
    assert [r.path for r, _ in httpserver.log] == [f"{API}/food/5"]


# =======================================================================================
# Cache: offline reuse, never the key
# =======================================================================================
def test_cache_serves_offline_and_never_stores_key(own_server, tmp_path):
    server = own_server
    server.expect_request(f"{API}/food/2001234").respond_with_json(
        load("food_branded_full.json"))
    server.expect_request(f"{API}/foods/search").respond_with_json(load("search_page1.json"))
    base = server.url_for(API)
    with FdcClient(api_key=KEY, base_url=base, cache_dir=tmp_path, timeout=1,
                   backoff_factor=0.01) as c:
        first = c.get_food(2001234)
        c.search("milk")
        assert len(server.log) == 2
    server.clear()
    server.stop()
    # A new client (as after a restart), the server gone: served from the disk cache.
    with FdcClient(api_key=KEY, base_url=base, cache_dir=tmp_path, timeout=0.5,
                   backoff_factor=0.01) as c:
        assert c.get_food(2001234) == first
        assert len(c.search("milk")) == 5
        with pytest.raises(FdcNetworkError):         # not looked up before: honest error
            c.get_food(171287)
    save_user_food(*first)                           # saved foods hold no key either
    files = [p for p in [*tmp_path.rglob("*"), *user_dir().rglob("*")] if p.is_file()]
    assert any(p.name == "fdc-cache.sqlite" for p in files)
    assert any(p.name == "user_foods.json" for p in files)
    for p in files:
        assert KEY.encode() not in p.read_bytes(), p


def test_invalid_key_reported_on_next_uncached_request(httpserver, tmp_path):
    httpserver.expect_request(f"{API}/food/2001234").respond_with_json(
        load("food_branded_full.json"))
    with FdcClient(api_key=KEY, base_url=httpserver.url_for(API), cache_dir=tmp_path) as c:
        c.get_food(2001234)
    httpserver.clear()
    httpserver.expect_request(f"{API}/foods/search").respond_with_json(
        load("error_api_key_invalid.json"), status=403)
    with FdcClient(api_key="revoked-key", base_url=httpserver.url_for(API),
                   cache_dir=tmp_path, backoff_factor=0.01) as c:
        assert c.get_food(2001234).row["b12_ug"] == 36.0     # cached food still works
        with pytest.raises(FdcKeyInvalid):
            c.search("milk")                                 # but the bad key is reported
        with pytest.raises(FdcKeyInvalid):
            c.search("milk")                                 # and 403s are not cached
    assert len(httpserver.log) == 2


def test_key_never_logged(client, httpserver, caplog, tmp_path):
    caplog.set_level(logging.DEBUG)
    httpserver.expect_oneshot_request(f"{API}/foods/search").respond_with_data("x", status=500)
    httpserver.expect_oneshot_request(f"{API}/foods/search").respond_with_json(
        load("search_page1.json"))
    httpserver.expect_request(f"{API}/food/1").respond_with_json(
        load("error_api_key_invalid.json"), status=403)
    client.search("milk")
    client.search("milk")                                    # from cache
    with pytest.raises(FdcKeyInvalid):
        client.get_food(1)
    assert caplog.records                                    # something was logged
    assert_no_key(caplog.text, *(str(r.args) for r in caplog.records))
    for p in tmp_path.rglob("*"):
        if p.is_file():
            assert KEY.encode() not in p.read_bytes()
