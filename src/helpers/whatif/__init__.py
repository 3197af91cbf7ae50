"""What if the study were run again, or analysed otherwise? Power and the multiverse.

- :mod:`helpers.whatif.simulate`: vectorized simulation of the study (power, type S and M errors);
- :mod:`helpers.whatif.batch`: OLS, Kruskal-Wallis and rank-sum tests of many data sets at once;
- :mod:`helpers.whatif.multiverse`: the key tests under every combination of analysis choices.
"""
