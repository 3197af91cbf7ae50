"""Figures a reviewer can read: a labelled cut-off, whole people, colours that mean one thing."""

from __future__ import annotations

import base64
import json
import re
from collections import defaultdict

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex, to_rgb

from helpers.design import UTILIZATION_TYPES
from helpers.paths import ROOT
from helpers.report import figures
from helpers.report.disclosure import Disclosure

FIVE = Disclosure(5)
#: The names the notebooks save their figures under.
SAVED = (
    "cohort_eligibility_flow",
    "aim1_alliance_distribution_by_utilization",
    "aim2_who5_baseline_vs_followup",
    "aim2_who5_change_by_utilization",
    "aim3_table2_coefficients",
    "aim3_moderation_simple_slopes",
    "whatif_aim3_power_by_sample_size",
    "whatif_aim3_type_m_by_sample_size",
    "whatif_aim1_power_provider_type",
    "whatif_aim1_power_sex",
    "whatif_multiverse_agreement",
)
SUFFIXES = (" (withheld)", " (not estimable)")


@pytest.fixture
def keep():
    """Hand back each figure made in a test, and close it when the test ends."""
    made = []

    def hold(figure):
        made.append(figure)
        return figure

    yield hold
    for figure in made:
        plt.close(figure)


def _level(label: str) -> str:
    """A legend label without its " (withheld)" / " (not estimable)" suffix."""
    for suffix in SUFFIXES:
        label = label.removesuffix(suffix)
    return label


def _luminance(colour: str) -> float:
    red, green, blue = to_rgb(colour)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


# --- the WHO-5 heatmap -----------------------------------------------------------------------


def _heatmap(keep, cutoff: float = 28, disclosure: Disclosure = FIVE):
    # two cells, of 5 and 8 people: a colour bar from 5 to 8 people, no cell below 5
    baseline = pd.Series([20.0] * 5 + [24.0] * 8)
    followup = pd.Series([40.0] * 5 + [36.0] * 8)
    return keep(figures.who5_before_after(baseline, followup, cutoff, disclosure))


def _texts(figure) -> list[str]:
    """Every text of a figure: titles, annotations, legend entries."""
    found = [text.get_text() for text in figure.findobj(plt.Text)]
    for axis in figure.axes:
        legend = axis.get_legend()
        if legend is not None:
            found += [text.get_text() for text in legend.get_texts()]
    return found


def test_the_heatmap_colour_bar_counts_whole_people(keep):
    figure = _heatmap(keep)
    figure.canvas.draw()
    colour_bar = figure.axes[0].collections[0].colorbar
    assert colour_bar is not None
    labels = [label.get_text() for label in colour_bar.ax.get_yticklabels()]
    shown = [label for label in labels if label]
    assert len(shown) >= 2, labels
    for label in shown:
        assert re.fullmatch(r"[0-9]+", label), f"colour bar tick {label!r} is not a whole number"
    ticks = colour_bar.get_ticks()
    assert np.array_equal(ticks, np.round(ticks))


@pytest.mark.parametrize(("cutoff", "above", "line"), [(28, 32, 30), (24, 28, 26), (30, 32, 30)])
def test_the_heatmap_says_what_the_cut_off_lines_mean(keep, cutoff, above, line):
    figure = _heatmap(keep, cutoff)
    labelled = [t for t in _texts(figure) if f"≤ {cutoff}" in t and "cut-off" in t]
    assert labelled, _texts(figure)
    assert f"≥ {above}" in labelled[0]
    # the lines stay at the cell boundary between the last step at or below and the next
    dashed = [ln for ln in figure.axes[0].get_lines() if ln.get_linestyle() == "--"]
    assert {float(v) for ln in dashed for v in (*ln.get_xdata(), *ln.get_ydata())} >= {line}
    assert len(dashed) == 2


def test_the_heatmap_keeps_blanking_small_cells_and_says_so(keep):
    figure = _heatmap(keep)
    cells = np.ma.filled(figure.axes[0].collections[0].get_array().astype(float), np.nan)
    assert np.nansum(cells) == 13 and np.nanmin(cells) == 5
    figure = _heatmap(keep, disclosure=Disclosure(6))
    cells = np.ma.filled(figure.axes[0].collections[0].get_array().astype(float), np.nan)
    assert np.nansum(cells) == 8  # the five-person cell is blank
    title = figure.axes[0].get_title(loc="left")
    assert "6" in title and "blank" in title


# --- colours ---------------------------------------------------------------------------------


def _slopes(level_names, slopes, notes=None) -> pd.DataFrame:
    table = pd.DataFrame(
        {"level": level_names, "slope": slopes, "intercept": [0.0, 0.1, 0.2][: len(slopes)]}
    )
    return table if notes is None else table.assign(note=notes)


SLOPES = {
    "provider type": _slopes(
        ["therapy", "coaching", "both"],
        [0.1, 0.2, np.nan],
        ["", "", "withheld because fewer than 5 people are in both (min_cell_size)"],
    ),
    "baseline WHO-5": _slopes(["-1 SD", "mean", "+1 SD"], [0.05, 0.1, 0.15]),
    "total sessions": _slopes(["-1 SD", "mean", "+1 SD"], [0.2, np.nan, 0.0], ["", "", ""]),
}


def _line_colours(figure) -> dict[str, set[str]]:
    """Colour (hex) to the levels drawn in it, over every panel."""
    levels = defaultdict(set)
    for axis in figure.axes:
        drawn = [(line.get_label(), line) for line in axis.get_lines()]
        # an error bar's label is its container's; the first line is its points
        drawn += [(bars.get_label(), bars.lines[0]) for bars in axis.containers if bars.lines]
        for label, line in drawn:
            if label and not label.startswith("_"):
                levels[to_hex(line.get_color())].add(_level(label))
    return levels


def test_no_colour_means_two_levels_across_the_moderation_panels(keep):
    figure = keep(figures.simple_slopes_plot(SLOPES))
    levels = _line_colours(figure)
    assert set().union(*levels.values()) == {
        "therapy",
        "coaching",
        "both",
        "-1 SD",
        "mean",
        "+1 SD",
    }
    for colour, drawn in levels.items():
        assert len(drawn) == 1, f"{colour} means {sorted(drawn)}"


def test_a_continuous_moderator_is_one_hue_from_light_to_dark(keep):
    figure = keep(figures.simple_slopes_plot(SLOPES))
    for axis in figure.axes[1:]:
        colours = [to_hex(line.get_color()) for line in axis.get_lines()]
        assert not set(colours) & set(figures.UTILIZATION_COLOURS.values())
        shades = [_luminance(colour) for colour in colours]
        assert shades == sorted(shades, reverse=True) and len(set(shades)) == 3


def test_the_moderation_panels_keep_their_missing_labels(keep):
    figure = keep(figures.simple_slopes_plot(SLOPES))
    labels = [line.get_label() for axis in figure.axes for line in axis.get_lines()]
    assert "both (withheld)" in labels and "mean (not estimable)" in labels


def test_each_utilization_type_has_one_colour_in_every_figure(keep):
    people = pd.DataFrame(
        {
            "utilization": np.repeat(UTILIZATION_TYPES, 6),
            "alliance_score": np.tile([3.0, 3.5, 4.0, 4.5, 5.0, 5.0], 3),
        }
    )
    change = pd.DataFrame(
        {
            "mean_change": [12.0, 9.0, 10.0],
            "ci_low": [10.0, 6.0, 7.0],
            "ci_high": [14.0, 12.0, 13.0],
            "n": [300.0, 200.0, 100.0],
            "note": ["", "", ""],
        },
        index=list(UTILIZATION_TYPES),
    )
    seen = defaultdict(set)
    alliance = keep(figures.alliance_by_utilization(people, disclosure=FIVE))
    for axis in alliance.axes:
        group = axis.get_title(loc="left").split(":")[0]
        seen[group].add(to_hex(axis.patches[0].get_facecolor()))
    for container in keep(figures.change_by_group(change)).axes[0].containers:
        seen[container.get_label()].add(to_hex(container.lines[0].get_color()))
    for colour, drawn in _line_colours(keep(figures.simple_slopes_plot(SLOPES))).items():
        for level in drawn & set(UTILIZATION_TYPES):
            seen[level].add(colour)
    assert set(seen) == set(UTILIZATION_TYPES)
    for group, colours in seen.items():
        assert colours == {to_hex(figures.UTILIZATION_COLOURS[group])}, group
    assert len({to_hex(c) for c in figures.UTILIZATION_COLOURS.values()}) == 3


def test_true_effects_are_shades_no_group_uses(keep):
    table = pd.DataFrame(
        [(n, effect, 0.5, 0.01, 1.2) for effect in (0.1, 0.5, 1.0) for n in (200, 1000)],
        columns=["n", "effect", "power", "power_se", "type_m"],
    )
    groups = {to_hex(c) for c in figures.UTILIZATION_COLOURS.values()}
    for figure in (
        keep(figures.power_curves(table, "power", paper=(1000, 0.5))),
        keep(figures.type_m_curves(table, "type M")),
    ):
        levels = _line_colours(figure)
        effects = {
            colour: drawn for colour, drawn in levels.items() if drawn <= {"0.1", "0.5", "1"}
        }
        assert len(effects) == 3 and not set(effects) & groups


# --- saving: drawn once, shown from the saved bytes ------------------------------------------


def test_a_saved_figure_is_drawn_once_and_shown_from_the_file(tmp_path):
    figure = figures.eligibility_flow(
        pd.DataFrame(
            {"step": [1, 2], "criterion": ["registered", "analysed"], "n": [20, 12]}
        ).assign(excluded=[0, 8])
    )
    printed = []
    print_figure = figure.canvas.print_figure  # what savefig and IPython's display both call

    def count(*arguments, **options):
        printed.append(options.get("format"))
        return print_figure(*arguments, **options)

    figure.canvas.print_figure = count
    text = repr(figure)
    saved = figures.save(figure, tmp_path, "cohort_eligibility_flow")
    data, metadata = saved._repr_mimebundle_()
    assert printed == ["png"] and not plt.fignum_exists(figure.number)  # drawn once, closed
    assert saved.path == tmp_path / "figures" / "cohort_eligibility_flow.png"
    assert base64.b64decode(data["image/png"]) == saved.path.read_bytes() == saved.png
    assert data["text/plain"] == text and text.startswith("<Figure size 800x")
    # shown at its on-screen size: the file is 150 dpi, the screen 100 dpi
    pixels = int.from_bytes(saved.png[16:20], "big")
    assert metadata == {"image/png": {"width": round(pixels * 100 / 150)}}
    assert saved.name == "cohort_eligibility_flow"


def test_the_notebooks_show_the_saved_figure_not_a_second_drawing():
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
            source = "".join(cell["source"])
            for drawn in re.findall(r"figures\.save\((\w+),", source):
                assert not re.search(rf"display\({drawn}\b", source), (notebook.name, source)


# --- captions --------------------------------------------------------------------------------


def _notebook_names() -> set[str]:
    """Every name a notebook passes to ``figures.save``."""
    names = set()
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        for cell in cells:
            source = "".join(cell["source"])
            names |= set(re.findall(r"figures\.save\([^()]*?\"([^\"]+)\"\s*\)", source))
    return names


@pytest.mark.parametrize("name", SAVED)
def test_every_saved_figure_has_a_caption(name):
    text = figures.caption(name)
    assert text == figures.CAPTIONS[name]
    sentences = re.findall(r"[.!?](?:\s|$)", text)
    assert 1 <= len(sentences) <= 2, text


def test_every_figure_a_notebook_saves_has_a_caption():
    names = _notebook_names()
    assert names, "no figures.save(...) found in the notebooks"
    assert names <= set(figures.CAPTIONS), sorted(names - set(figures.CAPTIONS))


def test_the_heatmap_caption_says_what_the_lines_and_cells_mean():
    text = figures.caption("aim2_who5_baseline_vs_followup")
    assert "above the grey diagonal improved" in text and "cut-off" in text


@pytest.mark.parametrize("name", ["", "aim2_who5", "cohort_eligibility_flow.png", None])
def test_an_unknown_figure_name_has_no_caption(name):
    with pytest.raises(ValueError, match="no caption for a figure named"):
        figures.caption(name)


def test_captions_and_colours_are_public():
    assert {"CAPTIONS", "UTILIZATION_COLOURS", "caption"} <= set(figures.__all__)
