# Reference values computed in R for the Python tests (tests/*/test_*.py).
#
# Run from the project root:   Rscript tests/r/reference_values.R
# Writes tests/r/reference_values.csv (name, value at full double precision).
# Needs R 4.x with psych (Debian: apt-get install r-base-core r-cran-psych).
# CI never runs this: the CSV it writes is committed and the tests read it.

suppressPackageStartupMessages(library(psych))

data_dir <- file.path("tests", "fixtures")
read <- function(name) read.csv(file.path(data_dir, name), na.strings = "")

# psych::alpha's default is cov(x, use = "pairwise"); raw_alpha is the
# unstandardized coefficient the paper reports.
raw_alpha <- function(x) suppressWarnings(psych::alpha(x, check.keys = FALSE)$total$raw_alpha)

values <- c(
  # Person-level mean bond and goals items of the hand-built cohort
  # (tests/fixtures/cohort_small), the paper's estimate.
  alpha_person_means = raw_alpha(read("alpha_person_means.csv")),
  # Session-level rating pairs of the same cohort, the alternative estimate.
  alpha_session_pairs = raw_alpha(read("alpha_session_pairs.csv")),
  # Three items with scattered missing values (pairwise covariances matter).
  alpha_items = raw_alpha(read("alpha_items.csv"))
)

# --- Aim 1 on the derived synthetic cohort (tests/fixtures/stats_cohort.csv) -----------
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

# --- Aim 3: screened positive, complete cases (sex female or male) -------------------
cc <- positive[!is.na(positive$sex), ]
cc$male <- as.numeric(cc$sex == "male")
cc$coaching <- as.numeric(cc$utilization == "coaching")
cc$both <- as.numeric(cc$utilization == "both")
step1 <- lm(who5_followup ~ age + male + time_in_care_days + who5_baseline, data = cc)
step2 <- update(step1, . ~ . + alliance_score)
coefs <- summary(step2)$coefficients
ci <- confint(step2)
terms <- c("(Intercept)", "age", "male", "time_in_care_days", "who5_baseline", "alliance_score")
short <- c("intercept", "age", "male", "time_in_care_days", "who5_baseline", "alliance_score")
beta <- c(0, coef(step2)[-1] * sapply(cc[terms[-1]], sd) / sd(cc$who5_followup))
f1 <- summary(step1)$fstatistic
f2 <- summary(step2)$fstatistic
change <- anova(step1, step2)
regression <- c(
  setNames(coefs[terms, "Estimate"], paste0("aim3_", short, "_b")),
  setNames(coefs[terms, "Std. Error"], paste0("aim3_", short, "_se")),
  setNames(coefs[terms, "Pr(>|t|)"], paste0("aim3_", short, "_p")),
  setNames(ci[terms, 1], paste0("aim3_", short, "_ci_low")),
  setNames(ci[terms, 2], paste0("aim3_", short, "_ci_high")),
  setNames(beta, paste0("aim3_", short, "_beta")),
  aim3_step1_r2 = summary(step1)$r.squared,
  aim3_step1_p = unname(pf(f1[1], f1[2], f1[3], lower.tail = FALSE)),
  aim3_step2_r2 = summary(step2)$r.squared,
  aim3_step2_F = unname(f2[1]),
  aim3_step2_p = unname(pf(f2[1], f2[2], f2[3], lower.tail = FALSE)),
  aim3_delta_r2 = summary(step2)$r.squared - summary(step1)$r.squared,
  aim3_delta_p = change[2, "Pr(>F)"],
  aim3_n = nrow(cc)
)
z <- cc
for (column in c("who5_followup", "age", "time_in_care_days", "who5_baseline",
                 "alliance_score", "n_sessions")) {
  z[[column]] <- as.numeric(scale(z[[column]]))
}
moderated <- function(label, a_formula, products) {
  model_a <- lm(a_formula, data = z)
  model_b <- update(model_a, as.formula(paste(". ~ . +", paste(products, collapse = " + "))))
  table <- summary(model_b)$coefficients
  interval <- confint(model_b)
  out <- c()
  for (product in products) {
    name <- paste0("aim3_mod_", label, "_", gsub(":", "_x_", product))
    out[paste0(name, "_b")] <- table[product, "Estimate"]
    out[paste0(name, "_se")] <- table[product, "Std. Error"]
    out[paste0(name, "_p")] <- table[product, "Pr(>|t|)"]
    out[paste0(name, "_ci_low")] <- interval[product, 1]
    out[paste0(name, "_ci_high")] <- interval[product, 2]
  }
  out[paste0("aim3_mod_", label, "_r2")] <- summary(model_b)$r.squared
  out[paste0("aim3_mod_", label, "_delta_r2")] <-
    summary(model_b)$r.squared - summary(model_a)$r.squared
  out[paste0("aim3_mod_", label, "_p_change")] <- anova(model_a, model_b)[2, "Pr(>F)"]
  out
}
values <- c(
  values,
  regression,
  moderated("utilization",
            who5_followup ~ age + male + time_in_care_days + who5_baseline + alliance_score +
              coaching + both,
            c("alliance_score:coaching", "alliance_score:both")),
  moderated("who5_baseline",
            who5_followup ~ age + male + time_in_care_days + alliance_score + who5_baseline,
            c("alliance_score:who5_baseline")),
  moderated("n_sessions",
            who5_followup ~ age + male + time_in_care_days + who5_baseline + alliance_score +
              n_sessions,
            c("alliance_score:n_sessions"))
)

# --- Table 1 descriptives by utilization type (mean, sd, median as R computes them) ----
describe <- c()
for (group in c("therapy", "coaching", "both", "total")) {
  rows <- if (group == "total") cohort else cohort[cohort$utilization == group, ]
  for (column in c("age", "alliance_score", "n_sessions", "time_in_care_days")) {
    describe[paste0("table1_", column, "_", group, "_mean")] <- mean(rows[[column]])
    describe[paste0("table1_", column, "_", group, "_sd")] <- sd(rows[[column]])
    describe[paste0("table1_", column, "_", group, "_median")] <- median(rows[[column]])
  }
}
values <- c(values, describe)

out <- data.frame(
  name = names(values),
  value = sprintf("%.17g", values),
  r_version = paste(R.version$major, R.version$minor, sep = "."),
  package = paste0("psych ", packageVersion("psych"), "; rstatix ", packageVersion("rstatix"))
)
write.csv(out, file.path("tests", "r", "reference_values.csv"), row.names = FALSE, quote = FALSE)
print(out)
