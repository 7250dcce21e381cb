"""Typo-tolerant food search over descriptions (rapidfuzz).

Short queries like "egg", "milk" or "salmon" should find the everyday food first, not
an obscure variant that happens to contain the word, so word matching (exact, plural,
prefix or fuzzy) is combined with a few plain ranking rules (see :func:`search_foods`).
"""

from __future__ import annotations

import re
from collections import defaultdict

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from planner.errors import InputError
from planner.schema import DIET_ORDER

#: Longest query looked at [characters]; longer text is taken as not a food name.
MAX_QUERY = 80
_WORD = re.compile(r"[a-z0-9]+")
#: Words that say "the plain, everyday version" in USDA descriptions.
GENERIC_WORDS = frozenset({"nfs", "whole", "raw", "plain", "unsweetened", "regular", "fresh"})
#: Everyday or British words and the word USDA uses instead (each also matches itself).
SYNONYMS: dict[str, str] = {
    "nori": "laver", "yoghurt": "yogurt", "porridge": "oatmeal", "aubergine": "eggplant",
    "courgette": "zucchini", "prawn": "shrimp", "prawns": "shrimp", "coriander": "cilantro",
    "rocket": "arugula", "mince": "ground", "marmite": "yeast", "vegemite": "yeast",
    "chickpeas": "garbanzo", "chickpea": "garbanzo", "soymilk": "soy", "oatmilk": "oat",
}
#: Words too common to search by on their own.
STOP_WORDS = frozenset({"and", "or", "with", "of", "the", "a", "in", "to", "ns", "as"})

RESULT_COLUMNS = ["food_id", "description", "group", "manufacturer", "b12_ug",
                  "b12_fortified_ug", "diet", "diet_verified", "b12_reliable", "score"]
#: Query words that name a property of the food, not a word of its description: they match
#: foods that have the property ("fortified cereal" finds ready-to-eat cereals, whose USDA
#: names do not say "fortified").
ATTRIBUTE_WORDS = frozenset({"fortified", "enriched"})
#: Words that ask for infant foods; without one, baby foods and formulas rank last.
INFANT_WORDS = frozenset({"baby", "babyfood", "infant", "toddler", "formula", "babies"})
#: First words of USDA descriptions that name a kind, so the second part is the food
#: ("Fish, salmon", "Cheese, cheddar", "Beans, black"); other first words name the food
#: itself ("Wine, rice" is a wine, not rice).
CATEGORY_HEADS = frozenset({
    "fish", "mollusks", "crustaceans", "cheese", "beans", "nuts", "seeds", "spices", "oil",
    "fruit", "vegetables", "beverages", "mushrooms", "lettuce", "peppers", "squash", "cabbage",
    "onions", "potatoes", "seaweed", "yogurt", "cereals", "egg", "milk", "tea", "game",
    "cereal", "lentils", "peas", "rice",
})
#: Ranking penalty of an infant food or formula for a query without an infant word.
INFANT_PENALTY = 15.0

#: A fallback (substring) hit at least this good (rapidfuzz partial ratio) is a good match.
FALLBACK_GOOD_SCORE = 90.0

# Quality of a query word's match with a description word (0-100).
_EXACT, _PLURAL, _PREFIX, _FUZZY_SCALE = 100.0, 98.0, 85.0, 0.9


class SearchIndex:
    """Words of every description, built once per food table."""

    def __init__(self, df: pd.DataFrame):
        desc = df["description"].astype(str).str.lower()
        rows_of: dict[str, list[int]] = defaultdict(list)
        first_words, second_words = [], []
        generic = np.zeros(len(df))
        for i, text in enumerate(desc):
            words = _WORD.findall(text)
            first_words.append(words[0] if words else "")
            # "Fish, salmon, ...": USDA often puts a category before the food's name
            second = _WORD.findall(text.split(",")[1]) if "," in text else []
            is_kind = bool(words) and words[0] in CATEGORY_HEADS
            second_words.append(second[0] if second and is_kind else "")
            for w in set(words):
                rows_of[w].append(i)
            generic[i] = min(2, len(GENERIC_WORDS.intersection(words)))
        self.vocab = np.array(sorted(rows_of), dtype=object)
        self.vocab_list = list(self.vocab)
        self.rows_of = {w: np.array(r, dtype=np.int64) for w, r in rows_of.items()}
        self.first_word = np.array(first_words, dtype=object)
        self.second_segment_word = np.array(second_words, dtype=object)
        segments = desc.str.split(",")
        self.first_segment = segments.str[0].str.strip().to_numpy(dtype=object)
        second = segments.str[1]  # NaN (float) where a name has no comma
        self.second_segment = second.where(second.notna(), "").astype(str).str.strip() \
            .to_numpy(dtype=object)
        self.generic = generic
        self.n_commas = desc.str.count(",").to_numpy(dtype=float)
        self.length = desc.str.len().to_numpy(dtype=float)
        self.diet_rank = df["diet"].map({d: i for i, d in enumerate(DIET_ORDER)}).to_numpy()
        # Survey (FNDDS) foods are foods "as eaten": a good default for everyday words.
        self.is_survey = (df["source"] == "fndds").to_numpy()
        self.has_b12 = df["b12_ug"].notna().to_numpy()
        self.fortified = (df["b12_fortified_ug"].fillna(0) > 0).to_numpy()
        grp = df["group"].astype(str).str.lower()
        self.infant = (desc.str.contains(r"\bbaby|babyfood|infant formula|toddler formula",
                                         regex=True)
                       | grp.str.contains(r"^baby|^formula", regex=True)).to_numpy()
        self.n = len(df)

    def has_word(self, word: str) -> np.ndarray:
        """Rows whose description has ``word`` (exactly)."""
        out = np.zeros(self.n, dtype=bool)
        if word in self.rows_of:
            out[self.rows_of[word]] = True
        return out

    def word_matches(self, word: str, fuzzy: bool = True) -> dict[str, float]:
        """Vocabulary words that match ``word``, with the match quality (0-100)."""
        found: dict[str, float] = {}
        if word in self.rows_of:
            found[word] = _EXACT
        for plural in (word + "s", word + "es"):
            if plural in self.rows_of:
                found[plural] = _PLURAL
        if len(word) >= 3:
            lo = int(np.searchsorted(self.vocab, word))
            hi = int(np.searchsorted(self.vocab, word + "\uffff"))
            for w in self.vocab_list[lo:hi]:
                found.setdefault(w, _PREFIX)
        if fuzzy and len(word) >= 4:
            for w, score, _ in process.extract(word, self.vocab_list, scorer=fuzz.ratio,
                                               score_cutoff=80, limit=10):
                found.setdefault(w, score * _FUZZY_SCALE)
        return found


def _index(table) -> SearchIndex:
    if table._search_index is None:
        table._search_index = SearchIndex(table.df)
    return table._search_index


def search_foods(table, text: str, diet: str | None = None, limit: int = 20) -> pd.DataFrame:
    """Find foods whose description matches ``text``, best first.

    Parameters
    ----------
    table : FoodTable
    text : str
        What the person typed; typos are tolerated ("brocoli", "chedar").
    diet : str, optional
        Only foods a person on this diet can eat (``vegan`` ... ``omnivore``).
    limit : int
        At most this many rows.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`RESULT_COLUMNS`; empty when the text is empty, too long, or
        matches nothing. ``attrs["good_match"]`` is False when no food matches every
        query word (the rows then match only some: "nutritional yeast" finds protein
        powders and baker's yeast, not nutritional yeast), so the caller can say so and
        offer adding the food from a label or FoodData Central; ``attrs["query"]`` is the
        text searched.

    Notes
    -----
    Each query word is matched against the words of every description: exactly (100),
    as a plural (98), as a prefix (85) or, for typos, by rapidfuzz's ratio (x 0.9, at
    least 80). Property words (:data:`ATTRIBUTE_WORDS`: "fortified") match foods with
    fortified B12. A food must match every query word; its score is the mean quality plus
    bonuses: the description starts with the query (+10 when its first comma-separated
    segment is the query, +8 when its first word matches the query's first or last word;
    USDA's "Fish, salmon, ..." style counts the second segment after a kind word of
    :data:`CATEGORY_HEADS`), a "generic" word such as
    *whole*, *raw*, *NFS*, *unsweetened* (+3 each, at most 2), a survey food "as eaten"
    (+2), a known B12 value (+2); minus 1.5 per comma (more qualifiers, more obscure), 0.02 per
    character, and :data:`INFANT_PENALTY` for baby foods and formulas unless the query asks
    for them.
    """
    if diet is not None and diet not in DIET_ORDER:
        raise InputError(f"diet must be one of {', '.join(DIET_ORDER)}, not {diet!r}.")
    empty = pd.DataFrame({c: [] for c in RESULT_COLUMNS})
    if not isinstance(text, str) or len(text) > MAX_QUERY:
        return _flag(empty, False, "")
    query = " ".join(_WORD.findall(text.lower()))
    words = [w for w in query.split() if w not in STOP_WORDS] or query.split()
    if isinstance(limit, bool) or not isinstance(limit, int | float) or limit != limit:
        raise InputError(f"limit must be a whole number of results, not {limit!r}.")
    limit = max(0, min(int(limit), 500))
    if not words or limit == 0:
        return _flag(empty, False, text)
    idx = _index(table)
    quality = np.zeros((len(words), idx.n))
    first_hit = np.zeros(idx.n, dtype=bool)
    second_hit = np.zeros(idx.n, dtype=bool)
    for k, word in enumerate(words):
        if word in ATTRIBUTE_WORDS:
            quality[k] = np.where(idx.fortified | idx.has_word(word), _EXACT, 0.0)
            continue
        matches = idx.word_matches(word)
        if word in SYNONYMS:
            for vocab_word, q in idx.word_matches(SYNONYMS[word], fuzzy=False).items():
                matches[vocab_word] = max(q, matches.get(vocab_word, 0.0))
        for vocab_word, q in matches.items():
            rows = idx.rows_of[vocab_word]
            quality[k, rows] = np.maximum(quality[k, rows], q)
            if k == 0 and q >= 80:
                first_hit |= idx.first_word == vocab_word
                second_hit |= idx.second_segment_word == vocab_word
    if not any(w in INFANT_WORDS for w in words):
        penalty = INFANT_PENALTY * idx.infant
    else:
        penalty = np.zeros(idx.n)
    matched = (quality > 0).sum(axis=0)
    allowed = np.ones(idx.n, dtype=bool)
    if diet is not None:
        allowed = idx.diet_rank <= DIET_ORDER.index(diet)
    # Foods matching every word; failing that, those matching the most words.
    best = matched[allowed].max() if allowed.any() else 0
    if best == 0:
        return _fallback(table, idx, query, allowed, limit, empty)
    head = words[-1]  # English puts the food last: "fortified cereal", "soy milk"
    head_hit = np.zeros(idx.n, dtype=bool)
    if head not in ATTRIBUTE_WORDS and len(words) > 1:
        for vocab_word, q in idx.word_matches(head).items():
            if q >= 80:
                head_hit |= idx.first_word == vocab_word
    cand = np.flatnonzero(allowed & (matched == best))
    score = (
        quality[:, cand].mean(axis=0)
        + 10.0 * ((idx.first_segment[cand] == query) | (idx.second_segment[cand] == query))
        + 8.0 * (first_hit[cand] | second_hit[cand] | head_hit[cand])
        - penalty[cand]
        + 3.0 * idx.generic[cand]
        + 2.0 * idx.is_survey[cand]
        + 2.0 * idx.has_b12[cand]
        - 1.5 * idx.n_commas[cand]
        - 0.02 * idx.length[cand]
    )
    top = np.lexsort((idx.length[cand], -score))[:limit]
    good = bool(best == len(words)) and bool((quality[:, cand[top[:1]]] >= 80).all())
    return _result(table, cand[top], score[top], good, text)


def _result(table, rows: np.ndarray, score: np.ndarray, good: bool = True,
            query: str = "") -> pd.DataFrame:
    out = table.df.iloc[rows][RESULT_COLUMNS[:-1]].copy()
    out["score"] = np.round(score, 1)
    out = out.reset_index(drop=True)
    return _flag(out, good and len(out) > 0, query)


def _flag(out: pd.DataFrame, good: bool, query: str) -> pd.DataFrame:
    """Say on the result whether it is a good match (``out.attrs["good_match"]``)."""
    out.attrs["good_match"] = bool(good)
    out.attrs["query"] = str(query)
    return out


def _fallback(table, idx: SearchIndex, query: str, allowed: np.ndarray, limit: int,
              empty: pd.DataFrame) -> pd.DataFrame:
    """No description shares a word with the query ("oatmilk"): fuzzy substring match."""
    rows = np.flatnonzero(allowed)
    if rows.size == 0 or len(query) < 4:
        return _flag(empty, False, query)
    choices = table.df["description"].str.lower().to_numpy()[rows]
    hits = process.extract(query, list(choices), scorer=fuzz.partial_ratio,
                           score_cutoff=85, limit=limit)
    if not hits:
        return _flag(empty, False, query)
    pos = np.array([h[2] for h in hits], dtype=np.int64)
    return _result(table, rows[pos], np.array([h[1] for h in hits], dtype=float),
                   hits[0][1] >= FALLBACK_GOOD_SCORE, query)
