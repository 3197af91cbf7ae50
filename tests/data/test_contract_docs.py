"""docs/raw-data-contract.md lists every rule the loader enforces and every cohort parameter.

The rules come from the code (``helpers.data.contract.contract_rules``), so a
rule added to the loader without a line in the document fails here. A rule is
documented when a line of its table's section (the ``## <table>`` heading up
to the next heading) names the column and quotes the rule's words verbatim;
the rule that spans columns (one WHO-5 assessment per participant per date)
needs only its words in that section. The rules about a file as a whole
(``helpers.data.contract.FILE_RULES``: a regular file, as many fields as the
header, a header row first, ...) need their words in the section "Problems with
a file as a whole".
"""

from __future__ import annotations

import inspect
import re

import pytest

from helpers.data.cohort import derive_cohort
from helpers.data.contract import FILE_RULES, TABLES, contract_rules
from helpers.paths import DOCS

CONTRACT_DOC = DOCS / "raw-data-contract.md"
FILE_SECTION = "Problems with a file as a whole"


@pytest.fixture(scope="module")
def text() -> str:
    assert CONTRACT_DOC.is_file(), f"{CONTRACT_DOC} is missing"
    return CONTRACT_DOC.read_text(encoding="utf-8")


def _section(text: str, table: str) -> list[str]:
    """The lines under the ``##`` heading that starts with the table's name."""
    heading = re.compile(rf"^##\s+`?{re.escape(table)}`?(?![\w])")
    lines = text.splitlines()
    starts = [i for i, line in enumerate(lines) if heading.match(line)]
    if not starts:
        return []
    start = starts[0] + 1
    end = next((i for i in range(start, len(lines)) if lines[i].startswith("#")), len(lines))
    return lines[start:end]


def _names(line: str, column: str) -> bool:
    return re.search(rf"(?<![\w]){re.escape(column)}(?![\w])", line) is not None


def test_every_table_has_its_own_section(text):
    missing = [table for table in TABLES if not _section(text, table)]
    assert not missing, f"{CONTRACT_DOC.name} has no '## <table>' section for: {', '.join(missing)}"


def test_every_rule_the_loader_enforces_is_documented(text):
    missing = []
    for table in TABLES:
        lines = _section(text, table)
        for column, rule in contract_rules(table):
            if column is None:
                found = any(rule in line for line in lines)
            else:
                found = any(rule in line and _names(line, column) for line in lines)
            if not found:
                missing.append(f"{table}.{column or '(across columns)'}: {rule!r}")
    assert not missing, (
        f"{CONTRACT_DOC.name} does not document these rules of helpers.data.rawdata "
        "(each needs a line in its table's section naming the column and quoting the rule):\n  "
        + "\n  ".join(missing)
    )


def test_every_file_rule_the_loader_enforces_is_documented(text):
    lines = _section(text, FILE_SECTION)
    assert lines, f"{CONTRACT_DOC.name} has no '## {FILE_SECTION}' section"
    missing = [rule for rule in FILE_RULES if not any(f"`{rule}`" in line for line in lines)]
    assert not missing, (
        f"{CONTRACT_DOC.name} does not document these rules about a whole file (each needs "
        f"its words, in backticks, in the section '{FILE_SECTION}'): " + ", ".join(missing)
    )


def test_every_cohort_parameter_is_documented(text):
    parameters = [name for name in inspect.signature(derive_cohort).parameters if name != "raw"]
    assert parameters, "derive_cohort has no parameters besides raw: update this test"
    missing = [name for name in parameters if not _names(text, name)]
    assert not missing, (
        f"{CONTRACT_DOC.name} does not name these parameters of "
        f"helpers.data.cohort.derive_cohort: {', '.join(missing)}"
    )


def test_the_document_names_the_function_that_derives_the_cohort(text):
    assert "helpers.data.cohort.derive_cohort" in text
