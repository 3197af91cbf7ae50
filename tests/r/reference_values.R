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

out <- data.frame(
  name = names(values),
  value = sprintf("%.17g", values),
  r_version = paste(R.version$major, R.version$minor, sep = "."),
  package = paste0("psych ", packageVersion("psych"))
)
write.csv(out, file.path("tests", "r", "reference_values.csv"), row.names = FALSE, quote = FALSE)
print(out)
