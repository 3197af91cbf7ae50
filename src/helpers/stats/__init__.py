"""The paper's statistics, each following the R convention of ``docs/analysis-plan.md``.

- :mod:`helpers.stats.nonparametric`: aim 1's rank tests (Spearman, Wilcoxon, Kruskal-Wallis, Dunn);
- :mod:`helpers.stats.descriptive`: descriptives and Cronbach's alpha, with their reasons;
- :mod:`helpers.stats.change`: aim 2's paired change, Cohen's d, ANOVA, Tukey HSD, rates;
- :mod:`helpers.stats.ols`: least squares as R's ``lm``, aliased columns NA;
- :mod:`helpers.stats.regression`: aim 3's Table 2 hierarchical OLS and moderation models;
- :mod:`helpers.stats.notes`: what is not estimable: NaN where R gives NA, the reason in a
  result's ``note``, and sentences that say it in words.
"""
