"""The registry of claims: one home for every key, each published key produced, each labelled."""

from __future__ import annotations

import re

import nbformat
import pytest

from helpers import claims
from helpers.paths import NOTEBOOK_DIR, ROOT
from helpers.report.published import load_published

PUBLISHED = load_published()
REGISTERED = {(key, group) for key, item in claims.REGISTRY.items() for group in item.groups}
#: A key, or a key's stem, written out in code: "aim3.alliance.b", "aim1.sex".
KEY_LITERAL = re.compile(r"""["']((?:cohort|table1|aim[123])\.[a-z0-9_.]*[a-z0-9_])["']""", re.I)
STEMS = {key.rsplit(".", depth)[0] for key in claims.REGISTRY for depth in range(1, key.count("."))}


def _code(path) -> str:
    if path.suffix == ".ipynb":
        notebook = nbformat.read(path, as_version=4)
        return "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "code")
    return path.read_text(encoding="utf-8")


def test_every_published_key_and_group_has_a_producer():
    missing = [
        (key, group)
        for key, group in zip(PUBLISHED["key"], PUBLISHED["group"], strict=True)
        if (key, group) not in REGISTERED
    ]
    assert not missing, f"published claims no notebook writes: {missing}"


def test_every_published_claim_has_a_label_in_words_and_no_two_share_one():
    labels = PUBLISHED["label"]
    assert (labels.str.strip() != "").all()
    assert not labels.duplicated().any(), labels[labels.duplicated()].tolist()
    assert not labels.str.contains(r"\baim[123]\.|table1\.|cohort\.").any()  # words, not keys


def test_every_claim_names_a_notebook_and_a_population_the_registry_knows():
    for item in claims.REGISTRY.values():
        assert item.notebook in claims.NOTEBOOKS, item
        assert item.population in claims.POPULATIONS, item
        assert item.groups, item
        assert (NOTEBOOK_DIR / f"{item.notebook}.ipynb").exists()


@pytest.mark.parametrize("folder", ["src/helpers", "notebooks"], ids=["helpers", "notebooks"])
def test_every_key_written_out_in_code_is_registered(folder):
    unknown = set()
    for path in sorted((ROOT / folder).rglob("*")):
        if path.suffix not in (".py", ".ipynb"):
            continue
        for key in KEY_LITERAL.findall(_code(path)):
            if key not in claims.REGISTRY and key not in STEMS:
                unknown.add((path.relative_to(ROOT).as_posix(), key))
    assert not unknown, f"keys that helpers.claims does not know: {sorted(unknown)}"


def test_the_key_builders_refuse_what_the_design_does_not_have():
    assert claims.table2_key("who5_baseline", "beta") == "aim3.baseline_who5.beta"
    assert claims.moderation_key("n_sessions", "p") == "aim3.moderation.sessions.p"
    assert claims.pair_label("both", "therapy") == "both vs therapy"
    with pytest.raises(ValueError, match="unknown term"):
        claims.table2_key("alliance", "b")
    with pytest.raises(ValueError, match="no dummy"):
        claims.moderation_key("n_sessions", "p", dummy="coaching")
    with pytest.raises(ValueError, match="not a registered key"):
        claims.check("aim3.alliance.bb", "full model")
    with pytest.raises(ValueError, match="not for 'all'"):
        claims.check("aim3.alliance.b", "all")


def test_the_same_quantity_printed_twice_is_registered_on_both_sides():
    for first, second in claims.SAME_QUANTITY:
        assert first in REGISTERED and second in REGISTERED


def test_population_sizes_follow_the_claims_population():
    values = {
        ("table1.n", "therapy"): 555.0,
        ("table1.n", "total"): 3087.0,
        ("cohort.analyzed", "all"): 3087.0,
        ("table1.sex.female.n", "total"): 1669.0,
        ("table1.sex.male.n", "total"): 864.0,
        ("table1.screened_positive.n", "total"): 835.0,
        ("table1.screened_positive.n", "both"): 147.0,
        ("aim2.n", "screened_positive"): 835.0,
        ("aim3.n", "screened_positive"): 675.0,
    }

    def size(key, group):
        return claims.population_size(key, group, lambda k, g: values.get((k, g)))

    assert size("table1.age.mean", "therapy") == 555
    assert size("aim1.alliance.sd", "all") == 3087
    assert size("aim1.sex.mwu.W", "female vs male") == 1669 + 864
    assert size("aim1.baseline.median", "screened_negative") == 3087 - 835
    assert size("aim2.change.mean", "both") == 147
    assert size("aim2.change.mean", "screened_positive") == 835
    assert size("aim3.alliance.b", "full model") == 675
    assert size("aim1.country.median", "us") is None  # its count is missing
