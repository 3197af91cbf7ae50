"""Every rule of the raw data contract, fed a broken file, stops with one clear error.

Each case breaks one rule in a copy of the hand-built raw directory and checks
that the error names the file, the column, the rule, the number of offending
rows and the first offending rows (numbered from 1 after the header).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pandas as pd
import pandas.testing as pdt
import pyarrow
import pytest

from helpers.data import files, rawdata, store
from helpers.data.contract import TABLES, WHO5_ITEMS, contract_rules
from helpers.data.rawdata import RawDataError, load_raw


def set_cells(column: str, values: dict[int, str]):
    """An edit that writes ``values`` ({row number: text}) into ``column``."""

    def edit(frame: pd.DataFrame) -> None:
        for row, value in values.items():
            frame.loc[row - 1, column] = value

    return edit


#: The day of the run the rule cases pretend it is: after every date of the fixture.
RUN_DAY = dt.date(2021, 12, 31)
AFTER_RUN_DAY = "2022-01-01"
#: The words of the rule that compares a date with the participant's registration.
AFTER_REGISTRATION = "on or after the participant's registered_on in participants"


# (id, table, edit, column, words of the rule, offending rows, text shown for the first row)
RULE_CASES = [
    # participants.csv
    ("participants-id-required", "participants", set_cells("participant_id", {3: ""}),
     "participant_id", "required (no missing values)", [3], "row 3 (missing)"),
    ("participants-id-unique", "participants", set_cells("participant_id", {3: "P02"}),
     "participant_id", "unique", [2, 3], "row 2 (value withheld: identifier)"),
    ("registered_on-required", "participants", set_cells("registered_on", {1: ""}),
     "registered_on", "required (no missing values)", [1], "row 1 (missing)"),
    ("registered_on-format", "participants",
     set_cells("registered_on", {2: "2020/10/01", 5: "01-09-2020"}),
     "registered_on", "a calendar date written YYYY-MM-DD", [2, 5], "row 2 ('2020/10/01')"),
    ("registered_on-calendar", "participants", set_cells("registered_on", {4: "2021-02-30"}),
     "registered_on", "a calendar date written YYYY-MM-DD", [4], "row 4 ('2021-02-30')"),
    ("registered_on-after-run", "participants", set_cells("registered_on", {2: AFTER_RUN_DAY}),
     "registered_on", "on or before the day of the run", [2], f"row 2 ('{AFTER_RUN_DAY}')"),
    ("age-integer", "participants", set_cells("age", {1: "thirty", 2: "30.5"}),
     "age", "integer", [1, 2], "row 1 ('thirty')"),
    ("age-range", "participants", set_cells("age", {1: "-1", 2: "121"}),
     "age", "between 0 and 120", [1, 2], "row 1 ('-1')"),
    ("sex-allowed", "participants", set_cells("sex", {1: "F", 3: "Female"}),
     "sex", "one of: female, male (or missing)", [1, 3], "row 1 ('F')"),
    ("country-iso", "participants", set_cells("country", {1: "USA", 2: "us", 3: "XX"}),
     "country", "ISO 3166-1 alpha-2 country code", [1, 2, 3], "row 1 ('USA')"),
    # sessions.csv
    ("session_id-required", "sessions", set_cells("session_id", {5: ""}),
     "session_id", "required (no missing values)", [5], "row 5 (missing)"),
    ("session_id-unique", "sessions", set_cells("session_id", {2: "S01"}),
     "session_id", "unique", [1, 2], "row 1 (value withheld: identifier)"),
    ("sessions-participant-required", "sessions", set_cells("participant_id", {1: ""}),
     "participant_id", "required (no missing values)", [1], "row 1 (missing)"),
    ("sessions-participant-reference", "sessions",
     set_cells("participant_id", {1: "P99", 4: "P98"}),
     "participant_id", "must exist in participants (column participant_id)", [1, 4],
     "row 1 (value withheld: identifier)"),
    ("provider_type-required", "sessions", set_cells("provider_type", {1: ""}),
     "provider_type", "required (no missing values)", [1], "row 1 (missing)"),
    ("provider_type-allowed", "sessions", set_cells("provider_type", {1: "psychiatrist"}),
     "provider_type", "one of: therapist, coach", [1], "row 1 ('psychiatrist')"),
    ("session_date-required", "sessions", set_cells("session_date", {3: ""}),
     "session_date", "required (no missing values)", [3], "row 3 (missing)"),
    ("session_date-format", "sessions", set_cells("session_date", {3: "10/01/2020"}),
     "session_date", "a calendar date written YYYY-MM-DD", [3], "row 3 ('10/01/2020')"),
    ("session_date-after-run", "sessions", set_cells("session_date", {3: "2032-01-01"}),
     "session_date", "on or before the day of the run", [3], "row 3 ('2032-01-01')"),
    # P01 registered on 2020-09-01, P02 on 2020-10-01 (rows 1 and 3 are theirs)
    ("session_date-before-registration", "sessions",
     set_cells("session_date", {1: "2020-08-31", 3: "2020-09-30"}),
     "session_date", AFTER_REGISTRATION, [1, 3], "row 1 ('2020-08-31')"),
    # alliance_ratings.csv
    ("ratings-session-required", "alliance_ratings", set_cells("session_id", {1: ""}),
     "session_id", "required (no missing values)", [1], "row 1 (missing)"),
    ("ratings-session-unique", "alliance_ratings", set_cells("session_id", {2: "S01"}),
     "session_id", "unique", [1, 2], "row 1 (value withheld: identifier)"),
    ("ratings-session-reference", "alliance_ratings", set_cells("session_id", {1: "S99"}),
     "session_id", "must exist in sessions (column session_id)", [1],
     "row 1 (value withheld: identifier)"),
    ("wai_bond-integer", "alliance_ratings", set_cells("wai_bond", {1: "4.5"}),
     "wai_bond", "integer", [1], "row 1 ('4.5')"),
    ("wai_bond-range", "alliance_ratings", set_cells("wai_bond", {1: "0", 2: "6"}),
     "wai_bond", "between 1 and 5", [1, 2], "row 1 ('0')"),
    ("wai_goals-integer", "alliance_ratings", set_cells("wai_goals", {1: "high"}),
     "wai_goals", "integer", [1], "row 1 ('high')"),
    ("wai_goals-range", "alliance_ratings", set_cells("wai_goals", {2: "7"}),
     "wai_goals", "between 1 and 5", [2], "row 2 ('7')"),
    # who5_assessments.csv
    ("who5-participant-required", "who5_assessments", set_cells("participant_id", {1: ""}),
     "participant_id", "required (no missing values)", [1], "row 1 (missing)"),
    ("who5-participant-reference", "who5_assessments", set_cells("participant_id", {1: "P99"}),
     "participant_id", "must exist in participants (column participant_id)", [1],
     "row 1 (value withheld: identifier)"),
    ("assessed_on-required", "who5_assessments", set_cells("assessed_on", {1: ""}),
     "assessed_on", "required (no missing values)", [1], "row 1 (missing)"),
    ("assessed_on-format", "who5_assessments", set_cells("assessed_on", {1: "2020-13-01"}),
     "assessed_on", "a calendar date written YYYY-MM-DD", [1], "row 1 ('2020-13-01')"),
    ("assessed_on-after-run", "who5_assessments", set_cells("assessed_on", {2: "2032-01-01"}),
     "assessed_on", "on or before the day of the run", [2], "row 2 ('2032-01-01')"),
    # row 1 is P01's, who registered on 2020-09-01
    ("assessed_on-before-registration", "who5_assessments",
     set_cells("assessed_on", {1: "2020-08-31"}),
     "assessed_on", AFTER_REGISTRATION, [1], "row 1 ('2020-08-31')"),
    *[
        (f"{item}-required", "who5_assessments", set_cells(item, {4: ""}),
         item, "required (no missing values)", [4], "row 4 (missing)")
        for item in WHO5_ITEMS
    ],
    *[
        (f"{item}-integer", "who5_assessments", set_cells(item, {2: "2.5"}),
         item, "integer", [2], "row 2 ('2.5')")
        for item in WHO5_ITEMS
    ],
    *[
        (f"{item}-range", "who5_assessments", set_cells(item, {1: "6", 2: "-1"}),
         item, "between 0 and 5", [1, 2], "row 1 ('6')")
        for item in WHO5_ITEMS
    ],
    ("who5-one-per-day", "who5_assessments", set_cells("assessed_on", {2: "2020-10-01"}),
     "participant_id, assessed_on", "at most one assessment per participant per date", [1, 2],
     "row 1 (2020-10-01)"),
]  # fmt: skip


def _refusal(directory: Path, **kwargs) -> RawDataError:
    """The one error ``load_raw`` stops with on ``directory`` (it must stop)."""
    with pytest.raises(RawDataError) as caught:
        load_raw(directory, **kwargs)
    return caught.value


@pytest.mark.parametrize(
    ("table", "edit", "column", "rule", "rows", "first_shown"),
    [case[1:] for case in RULE_CASES],
    ids=[case[0] for case in RULE_CASES],
)
def test_each_rule_stops_with_one_clear_error(
    raw_copy, table, edit, column, rule, rows, first_shown
):
    directory = raw_copy(table, edit)
    error = _refusal(directory, today=RUN_DAY)
    message = str(error)
    assert f"{table}.csv" in message
    assert column.split(", ")[0] in message
    assert rule in message
    noun = "row breaks" if len(rows) == 1 else "rows break"
    assert f"{len(rows)} {noun}" in message
    assert first_shown in message
    assert Path(error.file).name == f"{table}.csv"
    assert (error.column, error.n_rows, error.rows) == (column, len(rows), rows)
    assert rule in error.rule


def test_every_contract_rule_has_a_bad_input_case():
    """Guard: a rule added to the contract without a case here fails this test."""
    covered = {(case[1], case[3], case[4]) for case in RULE_CASES}
    for table in TABLES:
        for column, words in contract_rules(table):
            column = column or "participant_id, assessed_on"
            assert any((t, c) == (table, column) and rule in words for t, c, rule in covered), (
                f"no bad-input case for {table}.{column}: {words}"
            )


def test_identifiers_never_appear_in_messages(raw_copy):
    directory = raw_copy("sessions", set_cells("participant_id", {1: "P99-secret"}))
    error = _refusal(directory)
    assert "P99" not in str(error)


def test_only_the_first_few_rows_are_listed(raw_copy):
    directory = raw_copy("sessions", lambda f: f.assign(provider_type="doctor"))
    with pytest.raises(RawDataError, match=r"27 rows break .* row 5 \('doctor'\) and 22 more\."):
        load_raw(directory)


def test_rules_are_reported_in_contract_order(raw_copy):
    def two_problems(frame):
        frame.loc[0, "sex"] = "F"  # sex comes after age in the contract
        frame.loc[5, "age"] = "old"

    with pytest.raises(RawDataError, match="column 'age'"):
        load_raw(raw_copy("participants", two_problems))


# --- files ------------------------------------------------------------------


def test_missing_file(raw_copy):
    directory = raw_copy()
    (directory / "sessions.csv").unlink()
    with pytest.raises(RawDataError, match=r"missing table 'sessions': expected sessions\.csv or"):
        load_raw(directory)


def test_empty_file(raw_copy):
    directory = raw_copy()
    (directory / "alliance_ratings.csv").write_text("")
    with pytest.raises(RawDataError, match=r"alliance_ratings\.csv: the file is empty"):
        load_raw(directory)


def test_missing_column(raw_copy):
    directory = raw_copy("who5_assessments", lambda f: f.drop(columns=["who5_4"]))
    error = _refusal(directory)
    assert "who5_assessments.csv: missing column 'who5_4'" in str(error)
    assert error.column == "who5_4"


def test_missing_directory(tmp_path):
    with pytest.raises(RawDataError, match="no such raw data directory"):
        load_raw(tmp_path / "nowhere")


def test_csv_and_parquet_of_one_table_is_ambiguous(raw_copy):
    directory = raw_copy()
    pd.read_csv(directory / "sessions.csv").to_parquet(directory / "sessions.parquet")
    with pytest.raises(RawDataError, match="'sessions' is there twice"):
        load_raw(directory)


def test_file_that_is_not_utf8(raw_copy):
    directory = raw_copy()
    path = directory / "participants.csv"
    path.write_bytes(path.read_bytes().replace(b"GB", b"G\xe9"))
    with pytest.raises(RawDataError, match=r"participants\.csv: not UTF-8 text"):
        load_raw(directory)


def test_ragged_csv(raw_copy):
    directory = raw_copy()
    with (directory / "sessions.csv").open("a") as handle:
        handle.write("S99,P01,coach,2021-01-01,extra,fields\n")
    with pytest.raises(RawDataError, match=r"sessions\.csv: cannot be read as comma-separated"):
        load_raw(directory)


def test_header_only_table_is_valid_and_empty(raw_copy):
    directory = raw_copy()
    (directory / "alliance_ratings.csv").write_text("session_id,wai_bond,wai_goals\n")
    assert load_raw(directory).alliance_ratings.empty


def test_extra_columns_are_ignored(raw_copy):
    directory = raw_copy("participants", lambda f: f.assign(employer="ACME"))
    assert "employer" not in load_raw(directory).participants.columns


def test_utf8_byte_order_mark_is_accepted(raw_copy):
    directory = raw_copy()
    path = directory / "participants.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert len(load_raw(directory).participants) == 18


# --- types ------------------------------------------------------------------


def test_tables_arrive_typed(small_dir):
    raw = load_raw(small_dir)
    assert str(raw.participants["age"].dtype) == "Int64"
    assert raw.participants["age"].isna().sum() == 1
    assert raw.participants["sex"].isna().sum() == 1
    assert pd.api.types.is_datetime64_any_dtype(raw.sessions["session_date"])
    assert raw.alliance_ratings["wai_bond"].isna().sum() == 2  # S09, S18
    assert list(raw.who5_assessments.columns) == ["participant_id", "assessed_on", *WHO5_ITEMS]


def _as_parquet(source: Path, target: Path) -> None:
    """Write each table as a pandas user would: numbers and dates typed, NaN for missing."""
    target.mkdir()
    for table in TABLES:
        frame = pd.read_csv(source / f"{table}.csv", dtype={"participant_id": str})
        for column in frame.columns:
            if column.endswith(("_on", "_date")):
                frame[column] = pd.to_datetime(frame[column])
        frame.to_parquet(target / f"{table}.parquet")


def test_parquet_directory_loads_like_csv(small_dir, tmp_path):
    _as_parquet(small_dir, tmp_path / "pq")
    from_csv, from_parquet = load_raw(small_dir), load_raw(tmp_path / "pq")
    for table in TABLES:
        pdt.assert_frame_equal(from_parquet.table(table), from_csv.table(table), check_dtype=False)


def test_parquet_breaks_rules_like_csv(small_dir, tmp_path):
    _as_parquet(small_dir, tmp_path / "pq")
    path = tmp_path / "pq" / "participants.parquet"
    frame = pd.read_parquet(path)
    frame.loc[1, "age"] = 30.5
    frame.to_parquet(path)
    expected = r"participants\.parquet: column 'age'.*row 2 \('30\.5'\)"
    with pytest.raises(RawDataError, match=expected):
        load_raw(tmp_path / "pq")


# --- rows, headers and files that are not what they seem (issue item 10) -----


def _edit_lines(path: Path, edit) -> None:
    """Rewrite a CSV file line by line: ``edit(lines)`` gets and changes the list of lines."""
    lines = path.read_text(encoding="utf-8").splitlines()
    edit(lines)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _append_to_rows(rows, text: str):
    """A line edit that appends ``text`` to the given data rows (1 = first row after the header)."""

    def edit(lines: list[str]) -> None:
        for row in rows:
            lines[row] += text

    return edit


def _without_path(error: RawDataError) -> str:
    """The message without the file's path (a temporary path may hold any digits)."""
    return str(error).replace(error.file, "<file>")


def test_row_cut_short_in_an_optional_trailing_column_is_refused(raw_copy):
    directory = raw_copy()

    def cut(lines):  # line 5 is data row 4 (P04); line 9 is data row 8 (P08)
        lines[5] = lines[5].rsplit(",", 1)[0]
        lines[9] = lines[9].rsplit(",", 1)[0]

    _edit_lines(directory / "participants.csv", cut)
    error = _refusal(directory)
    message = _without_path(error)
    assert "participants.csv: cannot be read as comma-separated values" in str(error)
    assert '2 rows break the rule "exactly as many fields as the header"' in message
    assert "the header has 5 fields" in message
    assert "row 5 (4 fields), row 9 (4 fields)" in message
    assert (error.column, error.rule, error.n_rows, error.rows) == (
        None,
        "exactly as many fields as the header",
        2,
        [5, 9],
    )
    assert "P05" not in message and "P09" not in message  # never the row's content


def test_row_with_too_many_fields_is_refused_even_as_the_first_row(raw_copy):
    # pandas would take the long first row's extra field for an index and shift every column
    directory = raw_copy()
    _edit_lines(directory / "sessions.csv", _append_to_rows([1], ",x"))
    error = _refusal(directory)
    assert "1 row breaks the rule" in str(error)
    assert "row 1 (5 fields)" in str(error)
    assert "the header has 4 fields" in str(error)
    assert error.rows == [1]


def test_every_row_with_a_wrong_field_count_is_counted(raw_copy):
    directory = raw_copy()
    _edit_lines(directory / "who5_assessments.csv", _append_to_rows(range(1, 9), ",0"))
    with pytest.raises(RawDataError, match=r"8 rows break .* row 5 \(8 fields\) and 3 more\."):
        load_raw(directory)


def test_quoted_commas_and_line_breaks_are_fields_not_separators(raw_copy):
    directory = raw_copy()
    text = (directory / "participants.csv").read_text().splitlines()
    text[0] += ",note"
    text[1:] = [line + "," for line in text[1:]]
    text[2] += '"two, fields? no: one"'
    text[3] += '"a note\nover two lines"'
    (directory / "participants.csv").write_text("\n".join(text) + "\n")
    assert len(load_raw(directory).participants) == 18


def test_a_blank_line_in_the_data_is_a_row_of_missing_values(raw_copy):
    # Arrow refuses the blank line, so pandas reads this file: the rows keep their numbers
    directory = raw_copy()
    _edit_lines(directory / "sessions.csv", lambda lines: lines.insert(4, ""))
    error = _refusal(directory)
    assert (error.column, error.rule, error.rows) == (
        "session_id",
        "required (no missing values)",
        [4],
    )


def test_the_fast_and_the_careful_csv_reader_give_the_same_tables(small_dir, monkeypatch):
    fast = load_raw(small_dir)

    def refuse(*args, **kwargs):  # as Arrow refuses a file with a blank line
        raise pyarrow.ArrowInvalid("refused for the test")

    monkeypatch.setattr(rawdata._LOADED, "get", lambda key: None)
    monkeypatch.setattr(store, "find", lambda key, tables: None)
    monkeypatch.setattr(files, "_arrow_batches", refuse)
    careful = load_raw(small_dir)  # every table read by pandas
    for table in TABLES:
        pdt.assert_frame_equal(careful.table(table), fast.table(table))


def test_duplicated_column_is_refused(raw_copy):
    def twice(frame):
        frame.insert(3, "age", "99", allow_duplicates=True)

    directory = raw_copy("participants", twice)
    assert (
        (directory / "participants.csv")
        .read_text()
        .startswith("participant_id,registered_on,age,age,")
    )
    error = _refusal(directory)
    assert "participants.csv: column 'age' is named 2 times in the header" in str(error)
    assert (error.column, error.rule) == ("age", "each column named once")


def test_file_without_a_header_row_never_echoes_its_first_line(raw_copy):
    directory = raw_copy()
    path = directory / "participants.csv"
    _edit_lines(path, lambda lines: lines.pop(0))
    first_line = path.read_text().splitlines()[0].split(",")  # P01,2020-09-01,30,female,US
    error = _refusal(directory)
    message = _without_path(error)
    assert "participants.csv: the first line names none of the columns" in str(error)
    assert "participant_id, registered_on, age, sex, country" in message
    assert [value for value in first_line if value in message] == []
    assert (error.column, error.rule) == (None, "the first line is the header row")


def test_blank_first_line_is_not_a_header(raw_copy):
    directory = raw_copy()
    _edit_lines(directory / "sessions.csv", lambda lines: lines.insert(0, ""))
    with pytest.raises(RawDataError, match="the first line names none of the columns"):
        load_raw(directory)


def test_header_that_names_some_columns_is_still_shown(raw_copy):
    """A real header missing a column keeps the message that lists what it found."""
    directory = raw_copy("participants", lambda f: f.drop(columns=["country"]))
    with pytest.raises(RawDataError, match=r"\(found: participant_id, registered_on, age, sex\)"):
        load_raw(directory)


def test_directory_where_a_table_should_be(raw_copy):
    directory = raw_copy()
    (directory / "participants.csv").unlink()
    (directory / "participants.csv").mkdir()
    error = _refusal(directory)
    assert "participants.csv: not a regular file (a directory)" in str(error)
    assert error.rule == "a regular file"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes need a POSIX system")
def test_named_pipe_where_a_table_should_be(raw_copy):
    directory = raw_copy()
    (directory / "sessions.csv").unlink()
    os.mkfifo(directory / "sessions.csv")  # opening it to read would wait forever
    with pytest.raises(RawDataError, match=r"sessions\.csv: not a regular file \(a named pipe\)"):
        load_raw(directory)


def test_long_values_are_cut_in_messages(raw_copy):
    directory = raw_copy("participants", set_cells("sex", {2: "f" * 60}))
    error = _refusal(directory)
    message = str(error)
    assert f"row 2 ('{'f' * 37}…')" in message
    assert "f" * 38 not in message


def test_values_up_to_forty_characters_are_shown_whole(raw_copy):
    directory = raw_copy("participants", set_cells("sex", {2: "f" * 40}))
    with pytest.raises(RawDataError, match=f"row 2 \\('{'f' * 40}'\\)"):
        load_raw(directory)


# --- dates and the day of the run ---------------------------------------------


def test_date_after_the_run_names_the_day_of_the_run(raw_copy):
    directory = raw_copy("who5_assessments", set_cells("assessed_on", {2: AFTER_RUN_DAY}))
    with pytest.raises(RawDataError, match=r"\(the run is on 2021-12-31\)"):
        load_raw(directory, today=RUN_DAY)


def test_dates_on_the_day_of_the_run_are_accepted(raw_copy):
    def on_run_day(frame):
        frame.loc[2, "session_date"] = RUN_DAY.isoformat()

    raw = load_raw(raw_copy("sessions", on_run_day), today=RUN_DAY)
    assert raw.sessions["session_date"].max() == pd.Timestamp(RUN_DAY)


def test_the_day_of_the_run_is_today_by_default(raw_copy):
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    directory = raw_copy("participants", set_cells("registered_on", {3: tomorrow}))
    with pytest.raises(RawDataError, match='"on or before the day of the run"'):
        load_raw(directory)


def test_the_day_of_the_run_must_be_a_date(small_dir):
    with pytest.raises(TypeError, match="today"):
        load_raw(small_dir, today="2021-12-31")


def test_session_on_the_day_of_registration_is_accepted(raw_copy):
    raw = load_raw(raw_copy("sessions", set_cells("session_date", {1: "2020-09-01"})))
    assert raw.sessions["session_date"].iloc[0] == pd.Timestamp("2020-09-01")


def test_session_before_registration_never_shows_the_participant(raw_copy):
    directory = raw_copy("sessions", set_cells("session_date", {1: "2020-08-31"}))
    error = _refusal(directory)
    assert "P01" not in str(error)
    assert "row 1 ('2020-08-31')" in str(error)


def test_assessment_before_registration_is_refused(raw_copy):
    directory = raw_copy("who5_assessments", set_cells("assessed_on", {1: "2020-08-31"}))
    try:
        load_raw(directory)
    except RawDataError as error:
        assert error.rule == AFTER_REGISTRATION
    else:
        raise AssertionError("an assessment before registration was accepted")


def test_parquet_dates_meet_the_same_date_rules(small_dir, tmp_path):
    _as_parquet(small_dir, tmp_path / "pq")
    path = tmp_path / "pq" / "sessions.parquet"
    frame = pd.read_parquet(path)
    frame.loc[0, "session_date"] = pd.Timestamp("2020-08-31")
    frame.to_parquet(path)
    with pytest.raises(RawDataError, match=AFTER_REGISTRATION):
        load_raw(tmp_path / "pq")


def test_bundled_data_sets_are_dated_before_the_run(small_dir):
    # the synthetic data's dates, too, must pass (its loading is tested in tests/synthetic)
    assert len(load_raw(small_dir).participants) == 18
