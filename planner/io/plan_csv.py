"""Meal plans as CSV files: export (:func:`plan_to_csv`) and import (:func:`plan_from_csv`).

One schema for both directions (documented in the README, "Meal-plan CSV files"): the
plan columns of :data:`planner.schema.PLAN_COLUMNS` in order, then, when the plan was
evaluated, the computed columns ``ingested_ug``, ``fortified_ug`` and ``absorbed_ug``,
rounded to 4 significant digits as people read them (:func:`planner.round_significant`:
``0.836``, never ``0.8360000000000001``). A round trip is exact for the plan columns::

    plan_from_csv(io.StringIO(plan_to_csv(plan)), foods) == validate_plan(plan, foods)

Text that a spreadsheet would run as a formula (it starts with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return) is written with a leading ``'`` (OWASP "CSV
injection"); import removes exactly that one character again. Import reads at most
:data:`MAX_CSV_BYTES`, accepts UTF-8 with or without a byte-order mark, commas or
semicolons, and checks every row with :func:`planner.model.plan.validate_plan`: it returns
the whole valid plan or raises one :class:`~planner.errors.InputError` that lists every
offending row, never a partial plan.
"""

from __future__ import annotations

import csv
import io
import math
import os
import re
from pathlib import Path
from typing import IO, Any

import pandas as pd

from planner.errors import InputError, shorten
from planner.formats import round_significant
from planner.model.plan import MAX_TEXT, raise_problems, validate_plan
from planner.schema import PLAN_COLUMNS

#: Largest file :func:`plan_from_csv` reads [bytes] (5 MB).
MAX_CSV_BYTES = 5 * 1024 * 1024
#: Most rows :func:`plan_from_csv` accepts: ten years (:data:`planner.model.plan.MAX_DAY`)
#: of about 27 foods a day; it keeps a hostile 5 MB file from taking long to check.
MAX_CSV_ROWS = 100_000
#: The plan columns, in file order.
PLAN_CSV_COLUMNS: tuple[str, ...] = tuple(PLAN_COLUMNS)
#: Columns computed by the evaluation [µg per row]; written after the plan columns when
#: an evaluation is given, ignored on import.
COMPUTED_CSV_COLUMNS: tuple[str, ...] = ("ingested_ug", "fortified_ug", "absorbed_ug")
#: The smallest file :func:`plan_from_csv` accepts has these columns.
MINIMAL_CSV_COLUMNS: tuple[str, ...] = ("day", "meal", "food_id", "grams")
#: First characters that make a spreadsheet treat a cell as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

_TEXT_COLUMNS = tuple(c for c, t in PLAN_COLUMNS.items() if t == "str")
# Export prefixes a cell matching _NEEDS_PREFIX with one "'"; import removes one "'" from
# a cell matching _HAS_PREFIX. Counting the quotes makes this a bijection: "=x" <-> "'=x",
# "'=x" <-> "''=x", while "'hello" is left alone both ways.
_TRIGGERS_RE = "[" + re.escape("".join(FORMULA_TRIGGERS)) + "]"
_NEEDS_PREFIX = re.compile("^'*" + _TRIGGERS_RE)
_HAS_PREFIX = re.compile("^'+" + _TRIGGERS_RE)
_QUOTE_CHARS = frozenset(',;"\r\n')
_WORKBOOK_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
_SAVE_AS = (
    "save it from your spreadsheet as \"CSV UTF-8 (comma delimited)\" (Excel) or as "
    "\"Text CSV\" with character set Unicode (UTF-8) (LibreOffice)"
)


# -- export -----------------------------------------------------------------------------
def neutralise_formula(text: str) -> str:
    """Return ``text`` with a leading ``'`` when a spreadsheet would run it as a formula.

    Text starting with one of :data:`FORMULA_TRIGGERS`, possibly after ``'`` characters,
    gets one more ``'``; :func:`restore_formula` undoes exactly that.
    """
    return "'" + text if _NEEDS_PREFIX.match(text) else text


def restore_formula(text: str) -> str:
    """Undo :func:`neutralise_formula`: drop one leading ``'`` before a formula trigger."""
    return text[1:] if _HAS_PREFIX.match(text) else text


def _format_number(value: Any) -> str:
    """Shortest text that reads back as the same float ("" for NaN, "50" for 50.0)."""
    x = float(value)
    if math.isnan(x):
        return ""
    s = repr(x)
    return s[:-2] if s.endswith(".0") else s


def _csv_field(text: str) -> str:
    """Quote a field when it holds a separator, a quote or a line break."""
    if _QUOTE_CHARS.isdisjoint(text):
        return text
    return '"' + text.replace('"', '""') + '"'


def plan_to_csv(
    plan: pd.DataFrame, out: IO[Any] | None = None, evaluation: Any = None
) -> str | None:
    """Write a meal plan as CSV text.

    Parameters
    ----------
    plan : pandas.DataFrame
        A meal plan; it is checked and normalised with
        :func:`planner.model.plan.validate_plan` (without a food table) first.
    out : file-like, optional
        Where to write: any object with a ``write`` method, text (e.g.
        :class:`io.StringIO`, a file opened with ``newline=""``) or binary (UTF-8 bytes
        are written). When omitted the text is returned.
    evaluation : object, optional
        An evaluation of ``plan``: any object whose ``items`` attribute is a DataFrame
        with the columns ``ingested_ug``, ``fortified_ug`` and ``absorbed_ug`` and one
        row per plan row, in the same order. Its columns are appended, rounded to
        :data:`planner.formats.SIGNIFICANT_DIGITS` significant digits [µg]; the plan's own
        columns are written exactly (they read back as the same floats).

    Returns
    -------
    str or None
        The CSV text (header line first, lines end in ``\\n``) when ``out`` is None,
        else None.

    Raises
    ------
    InputError
        The plan does not pass :func:`~planner.model.plan.validate_plan`.
    ValueError
        ``evaluation.items`` lacks a computed column or has a different number of rows.
    """
    valid = validate_plan(plan)
    columns: list[str] = list(PLAN_CSV_COLUMNS)
    cells: dict[str, list[str]] = {}
    for col in PLAN_CSV_COLUMNS:
        values = valid[col].tolist()
        if col == "day":
            cells[col] = [str(int(v)) for v in values]
        elif col in _TEXT_COLUMNS:
            cells[col] = [neutralise_formula(str(v)) for v in values]
        else:
            cells[col] = [_format_number(v) for v in values]
    if evaluation is not None:
        items = getattr(evaluation, "items", None)
        if not isinstance(items, pd.DataFrame):
            raise ValueError("evaluation.items must be a DataFrame with one row per plan row.")
        lacking = [c for c in COMPUTED_CSV_COLUMNS if c not in items.columns]
        if lacking:
            raise ValueError(f"evaluation.items lacks column(s) {', '.join(lacking)}.")
        if len(items) != len(valid):
            raise ValueError(
                f"evaluation.items has {len(items)} rows but the plan has {len(valid)}; "
                "evaluate this plan again before exporting."
            )
        for col in COMPUTED_CSV_COLUMNS:  # as people read them: 0.836, not 0.8360000000000001
            cells[col] = [_format_number(round_significant(v)) for v in items[col].tolist()]
            columns.append(col)
    lines = [",".join(columns)]
    for i in range(len(valid)):
        lines.append(",".join(_csv_field(cells[c][i]) for c in columns))
    text = "\n".join(lines) + "\n"
    if out is None:
        return text
    if isinstance(out, io.RawIOBase | io.BufferedIOBase) or "b" in str(getattr(out, "mode", "")):
        out.write(text.encode("utf-8"))
    else:
        out.write(text)
    return None


def evaluation_csv(plan: pd.DataFrame, evaluation: Any) -> str:
    """The plan as CSV with its evaluation: B12 per row and the plan's ``verdict``.

    :func:`plan_to_csv` with the evaluation's columns, plus a ``verdict``
    column (the same key in every row, as in ``summary["verdict"]``); the file still
    imports as a plan (extra columns are ignored). Used by the CLI and the app.
    """
    text = plan_to_csv(plan, evaluation=evaluation) or ""
    verdict = str(evaluation.summary["verdict"])
    lines = text.rstrip("\n").split("\n")
    out = [lines[0] + ",verdict"] + [line + "," + verdict for line in lines[1:]]
    return "\n".join(out) + "\n"


# -- import -----------------------------------------------------------------------------
class _CsvFail(Exception):
    """A problem with the file as a whole (size, encoding, shape), before any row check.

    The message follows the file's name after ``sep``: "plan.csv" + " " + "is empty".
    """

    def __init__(self, message: str, sep: str = " "):
        super().__init__(message)
        self.sep = sep


def _source_name(source: Any) -> str | None:
    """The file's name for messages, when it has one (cut to 100 characters)."""
    if isinstance(source, str | os.PathLike):
        if isinstance(source, str) and "\n" in source:
            return None
        name = Path(source).name or str(source)
    else:
        name = getattr(source, "name", None)
        if not (isinstance(name, str) and name and not name.startswith("<")):
            return None
        name = Path(name).name
    name = " ".join(name.split())
    return name if len(name) <= 100 else name[:99] + "…"


def _read_source(source: Any) -> bytes | str:
    """At most :data:`MAX_CSV_BYTES` + 1 bytes (or characters) of ``source``."""
    limit = MAX_CSV_BYTES + 1
    if isinstance(source, bytes | bytearray | memoryview):
        return bytes(source[:limit])
    if isinstance(source, str | os.PathLike):
        if isinstance(source, str) and "\n" in source:
            raise _CsvFail(
                "is not a file name; to import CSV text pass io.StringIO(text) or bytes."
            )
        try:
            with open(source, "rb") as fh:
                return fh.read(limit)
        except FileNotFoundError as exc:
            raise _CsvFail(f"does not exist; check the path {shorten(str(source), 200)}.") \
                from exc
        except IsADirectoryError as exc:
            raise _CsvFail("is a folder, not a CSV file.") from exc
        except OSError as exc:
            raise _CsvFail(f"cannot be read ({exc.strerror or exc}).") from exc
    read = getattr(source, "read", None)
    if not callable(read):
        raise InputError(
            "plan_from_csv needs a path, bytes or a file object, not "
            f"{type(source).__name__}."
        )
    try:
        data = read(limit)
    except UnicodeDecodeError as exc:
        raise _CsvFail(f"is not UTF-8 text: {_SAVE_AS}.") from exc
    except OSError as exc:
        raise _CsvFail(f"cannot be read ({exc.strerror or exc}).") from exc
    if isinstance(data, bytes | bytearray | memoryview):
        return bytes(data)
    if isinstance(data, str):
        return data
    raise InputError(f"{type(source).__name__}.read() returned {type(data).__name__}.")


def _decode(data: bytes | str) -> str:
    """UTF-8 text of the file, without a byte-order mark; rejects binary and big files."""
    too_big = f"is larger than {MAX_CSV_BYTES // (1024 * 1024)} MB; a meal plan is far smaller."
    if isinstance(data, str):
        if len(data) > MAX_CSV_BYTES or len(data.encode("utf-8", "surrogatepass")) > MAX_CSV_BYTES:
            raise _CsvFail(too_big + " Check that you chose the right file.")
        text = data
    else:
        if len(data) > MAX_CSV_BYTES:
            raise _CsvFail(too_big + " Check that you chose the right file.")
        if data.startswith(_WORKBOOK_MAGIC):
            raise _CsvFail(f"is a spreadsheet workbook (.xlsx/.xls/.ods), not CSV: {_SAVE_AS}.")
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise _CsvFail(f"is UTF-16 text (\"Unicode Text\"), not UTF-8: {_SAVE_AS}.")
        if b"\x00" in data:
            raise _CsvFail(
                "is a binary file (it contains NUL bytes), not CSV text: choose the .csv "
                f"file, or {_SAVE_AS}."
            )
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            raise _CsvFail(
                f"is not UTF-8 text (byte 0x{data[exc.start]:02X} on line {line}); "
                f"{_SAVE_AS}."
            ) from exc
    text = text.removeprefix("\ufeff")
    if "\x00" in text:
        raise _CsvFail(
            f"is a binary file (it contains NUL characters), not CSV text: {_SAVE_AS}."
        )
    if not text.strip():
        raise _CsvFail(
            "is empty; it needs a header line such as day,meal,food_id,grams and one "
            "line per food."
        )
    return text


def _records(text: str) -> list[tuple[int, list[str]]]:
    """Non-blank CSV records with the line each starts on (the first line is 1).

    Stops with :class:`_CsvFail` on malformed CSV and after :data:`MAX_CSV_ROWS` rows.
    """
    first = next(line for line in text.splitlines() if line.strip())
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records: list[tuple[int, list[str]]] = []
    end = 0
    try:
        for fields in reader:
            start, end = end + 1, reader.line_num
            if any(f.strip() for f in fields):
                records.append((start, fields))
                if len(records) > MAX_CSV_ROWS + 1:  # the header and too many rows
                    raise _CsvFail(
                        f"has more than {MAX_CSV_ROWS:,} rows, the most a plan can have. "
                        "Check that you chose the right file, or split the plan."
                    )
    except csv.Error as exc:
        if "field limit" in str(exc):
            raise _CsvFail(
                f"has a value longer than {csv.field_size_limit():,} characters on line "
                f"{end + 1} or after it; the values of a meal plan are short (at most "
                f"{MAX_TEXT} characters). Check that you chose the right file."
            ) from exc
        raise _CsvFail(
            f"cannot be read as CSV from line {end + 1} on ({exc}). Check the double "
            "quotes: a text with a comma, semicolon or line break must be in double "
            'quotes, and a quote inside it written twice ("").'
        ) from exc
    return records


def _frame(records: list[tuple[int, list[str]]]) -> tuple[pd.DataFrame, list[int]]:
    """The plan columns of the file as text, and each row's first line."""
    if not records:
        raise _CsvFail(
            "has no values, only separators and blank lines; it needs a header line such "
            "as day,meal,food_id,grams and one line per food."
        )
    header_line, header = records[0]
    names = [h.strip().lower() for h in header]
    if len(names) == 1 and "\t" in header[0]:
        raise _CsvFail(
            "has columns separated by tabs; use commas or semicolons "
            '(save it as "CSV UTF-8" rather than "Text" or "Unicode Text").'
        )
    known = [n for n in names if n in PLAN_COLUMNS]
    try:  # validate_plan decides which columns are required; no rows, so only those
        validate_plan(pd.DataFrame({n: [] for n in known}, dtype=object))
    except InputError as exc:
        shown = [shorten(h.strip(), 40) for h in header if h.strip()]
        found = ", ".join(shown[:10]) + (f" and {len(shown) - 10} more" if len(shown) > 10
                                         else "") if shown else "nothing"
        raise _CsvFail(f"{exc} Its header (line {header_line}) has {found}.", ": ") from None
    where: dict[str, int] = {}
    for pos, name in enumerate(names):
        if name in PLAN_COLUMNS:
            if name in where:
                raise _CsvFail(
                    f"has the column {name!r} twice (line {header_line}, columns "
                    f"{where[name] + 1} and {pos + 1}); keep one."
                )
            where[name] = pos
    rows = records[1:]
    if not rows:
        raise _CsvFail(
            "has a header line but no rows; add one line per food under it (e.g. "
            "1,breakfast,sr28:01123,50 for day,meal,food_id,grams)."
        )
    width = len(names)
    problems = []
    for n, (line, fields) in enumerate(rows, start=1):
        if len(fields) > width and any(f.strip() for f in fields[width:]):
            problems.append(
                f"row {n} (line {line}): {len(fields)} values but the header has {width} "
                "columns; put a text that contains a comma or semicolon in double quotes."
            )
    raise_problems(problems, "The file")
    data: dict[str, list[str]] = {}
    for name, pos in where.items():
        values = [fields[pos] if pos < len(fields) else "" for _, fields in rows]
        if name in _TEXT_COLUMNS:
            values = [restore_formula(v) for v in values]
        data[name] = values
    frame = pd.DataFrame(data, index=pd.RangeIndex(len(rows)), dtype=object)
    return frame, [line for line, _ in rows]


def plan_from_csv(source: Any, foods: Any = None) -> pd.DataFrame:
    """Read a meal plan from a CSV file, checking every row.

    Parameters
    ----------
    source : str, pathlib.Path, bytes or file object
        A path, the file's bytes, or a text or binary file object (such as Streamlit's
        ``UploadedFile``), read from its current position. Text file objects should be
        opened with ``newline=""`` so line breaks inside quoted fields stay as they are.
    foods : FoodTable, optional
        When given, every non-supplement ``food_id`` must be in it and empty
        descriptions are filled from it.

    Returns
    -------
    pandas.DataFrame
        The plan as :func:`planner.model.plan.validate_plan` returns it.

    Raises
    ------
    InputError
        The file is larger than :data:`MAX_CSV_BYTES`, binary, not UTF-8, empty, or
        malformed CSV, lacks a required column (``day``, ``meal``, ``food_id`` and
        ``grams`` or ``dose_ug``), or has bad rows; the message names the file, every
        offending row (``row N (line M)``, the header being line 1) and field, and what
        to do; also when ``source`` is none of a path, bytes or a file object.

    Notes
    -----
    Header names are matched case-insensitively after stripping blanks; columns other
    than the plan columns (such as the computed ``*_ug`` columns of an export) are
    ignored. Columns may be separated by commas or semicolons (decided from the header
    line); decimal commas are accepted. A ``'`` that :func:`plan_to_csv` put before
    formula-like text is removed.
    """
    name = _source_name(source)
    try:
        frame, lines = _frame(_records(_decode(_read_source(source))))
        return validate_plan(
            frame,
            foods=foods,
            row_label=lambda i: f"row {i + 1} (line {lines[i]})",
        )
    except _CsvFail as exc:
        raise InputError(f"{name or 'The CSV file'}{exc.sep}{exc}") from None
    except InputError as exc:
        if name is None:
            raise
        raise InputError(f"{name}: {exc}") from None


__all__ = [
    "COMPUTED_CSV_COLUMNS",
    "FORMULA_TRIGGERS",
    "MAX_CSV_BYTES",
    "MAX_CSV_ROWS",
    "MINIMAL_CSV_COLUMNS",
    "PLAN_CSV_COLUMNS",
    "evaluation_csv",
    "neutralise_formula",
    "plan_from_csv",
    "plan_to_csv",
    "restore_formula",
]
