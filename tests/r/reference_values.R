# Reference values computed in R for the Python tests (tests/test_*.py).
#
# Run from the project root:   Rscript tests/r/reference_values.R
# Writes tests/r/reference_values.csv (name, value at full double precision).
# Needs R 4.x with psych (Debian: apt-get install r-base-core r-cran-psych).
# CI never runs this: the CSV it writes is committed and the tests read it.

suppressPackageStartupMessages(library(psych))

data_dir <- file.path("tests", "data")
read <- function(name) read.csv(file.path(data_dir, name), na.strings = "")

# psych::alpha's default is cov(x, use = "pairwise"); raw_alpha is the
# unstandardized coefficient the paper reports.
raw_alpha <- function(x) suppressWarnings(psych::alpha(x, check.keys = FALSE)$total$raw_alpha)

values <- c(
  # Person-level mean bond and goals items of the hand-built cohort
  # (tests/data/cohort_small), the paper's estimate.
  alpha_person_means = raw_alpha(read("alpha_person_means.csv")),
  # Session-level rating pairs of the same cohort, the alternative estimate.
  alpha_session_pairs = raw_alpha(read("alpha_session_pairs.csv")),
  # Three items with scattered missing values (pairwise covariances matter).
  alpha_items = raw_alpha(read("alpha_items.csv"))
)

# --- Aim 1 on the derived synthetic cohort (tests/data/stats_cohort.csv) -----------
suppressPackageStartupMessages(library(rstatix))
cohort <- read.csv(file.path(data_dir, "stats_cohort.csv"), na.strings = "")
cohort$screened_positive <- cohort$screened_positive == "True"

rank_sum <- function(first, second, label) {
  test <- wilcox.test(first, second, exact = FALSE, correct = TRUE)
  long <- data.frame(
    score = c(first, second),
    group = factor(rep(c("a", "b"), c(length(first), length(second))))
  )
  effect <- rstatix::wilcox_effsize(long, score ~ group)
  setNames(c(test$statistic, test$p.value, effect$effsize), paste0(label, c("_W", "_p", "_r")))
}
spearman <- suppressWarnings(cor.test(cohort$age, cohort$alliance_score, method = "spearman"))
kw <- kruskal.test(alliance_score ~ factor(utilization), data = cohort)
kw_effect <- rstatix::kruskal_effsize(cohort, alliance_score ~ utilization)
dunn <- rstatix::dunn_test(cohort, alliance_score ~ utilization, p.adjust.method = "holm")
# rstatix's statistic is group2 minus group1; name each row as the project reports it
dunn_values <- c()
for (i in seq_len(nrow(dunn))) {
  key <- paste0("aim1_dunn_", dunn$group2[i], "_vs_", dunn$group1[i])
  dunn_values[paste0(key, "_z")] <- dunn$statistic[i]
  dunn_values[paste0(key, "_p")] <- dunn$p[i]
  dunn_values[paste0(key, "_p_adj")] <- dunn$p.adj[i]
}
by <- function(column, level) cohort$alliance_score[!is.na(column) & column == level]
values <- c(
  values,
  aim1_spearman_rho = unname(spearman$estimate),
  aim1_spearman_p = spearman$p.value,
  rank_sum(by(cohort$sex, "female"), by(cohort$sex, "male"), "aim1_sex"),
  rank_sum(by(cohort$country_group, "non_us"), by(cohort$country_group, "us"), "aim1_country"),
  rank_sum(cohort$alliance_score[cohort$screened_positive],
           cohort$alliance_score[!cohort$screened_positive], "aim1_baseline"),
  aim1_kruskal_H = unname(kw$statistic),
  aim1_kruskal_p = kw$p.value,
  aim1_kruskal_eta2 = unname(kw_effect$effsize),
  dunn_values
)

# --- Aim 2: screened-positive people of the same cohort ------------------------------
positive <- cohort[cohort$screened_positive, ]
paired <- t.test(positive$who5_followup, positive$who5_baseline, paired = TRUE)
d_av <- mean(positive$who5_change) /
  sqrt((sd(positive$who5_baseline)^2 + sd(positive$who5_followup)^2) / 2)
d_z <- rstatix::cohens_d(
  data.frame(score = c(positive$who5_followup, positive$who5_baseline),
             time = factor(rep(c("followup", "baseline"), each = nrow(positive)),
                           levels = c("followup", "baseline")),
             id = rep(seq_len(nrow(positive)), 2)),
  score ~ time, paired = TRUE
)$effsize
model <- aov(who5_change ~ factor(utilization), data = positive)
anova_table <- summary(model)[[1]]
tukey <- TukeyHSD(model)[[1]]
values <- c(
  values,
  aim2_change_mean = unname(paired$estimate),
  aim2_change_ci_low = paired$conf.int[1],
  aim2_change_ci_high = paired$conf.int[2],
  aim2_change_t = unname(paired$statistic),
  aim2_change_df = unname(paired$parameter),
  aim2_change_p = paired$p.value,
  aim2_cohen_d_av = d_av,
  aim2_cohen_d_z = unname(d_z),
  aim2_anova_F = anova_table[1, "F value"],
  aim2_anova_p = anova_table[1, "Pr(>F)"],
  # TukeyHSD names each row "second-first" (alphabetical levels): difference = second - first
  setNames(tukey[, "diff"], paste0("aim2_tukey_", gsub("-", "_minus_", rownames(tukey)), "_diff")),
  setNames(tukey[, "p adj"], paste0("aim2_tukey_", gsub("-", "_minus_", rownames(tukey)), "_p"))
)

out <- data.frame(
  name = names(values),
  value = sprintf("%.17g", values),
  r_version = paste(R.version$major, R.version$minor, sep = "."),
  package = paste0("psych ", packageVersion("psych"), "; rstatix ", packageVersion("rstatix"))
)
write.csv(out, file.path("tests", "r", "reference_values.csv"), row.names = FALSE, quote = FALSE)
print(out)
