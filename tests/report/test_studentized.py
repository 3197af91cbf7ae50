"""The studentized range's table (``data/studentized_range.csv``): fresh, complete, exact."""

from __future__ import annotations

import pytest

from helpers.report import audit
from helpers.report.audit import studentized
from helpers.report.published import load_published


def test_every_stored_value_is_what_scipy_computes_now():
    table = studentized.read_table()
    assert len(table) > 40
    for (q, k, df), stored in table.items():
        assert stored == studentized.compute(q, k, df), (q, k, df)  # to the last bit


def test_the_table_holds_every_argument_the_audit_asks_for_on_the_paper(monkeypatch):
    published = load_published()
    with studentized.recording() as asked:
        audit.audit(published)
        audit.findings_report(published)
    assert asked and asked <= set(studentized.read_table())

    def never(*_arguments):
        raise AssertionError("computed although the table holds it")

    monkeypatch.setattr(studentized, "compute", never)
    studentized._computed.cache_clear()
    assert len(audit.audit(published)) > 0  # every Tukey p read from the table


def test_arguments_off_the_table_are_computed():
    published = load_published()
    row = (published["key"] == "aim2.change.mean") & (published["group"] == "therapy")
    published.loc[row, "reported"] = "13.91"  # planted: a mean the paper does not print
    with studentized.recording() as asked:
        audit.audit(published)
    missing = asked - set(studentized.read_table())
    assert missing
    for q, k, df in missing:
        assert studentized.studentized_range_sf(q, k, df) == studentized.compute(q, k, df)


def test_a_table_with_other_columns_is_refused(tmp_path):
    path = tmp_path / "table.csv"
    path.write_text("statistic,groups,df,p\n1.0,3,10.0,0.5\n", encoding="utf-8")
    with pytest.raises(ValueError, match="expected the columns q, k, df, sf"):
        studentized.read_table(path)
