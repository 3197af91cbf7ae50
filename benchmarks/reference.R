# The project's R reference for `make replicate`: the same analyses in plain R.
#
#   Rscript benchmarks/reference.R DATA_DIR OUT_CSV [--min-followup-days N] [--window-start D]
#           [--window-end D] [--min-age N] [--who5-cutoff N] [--improvement-points N]
#
# What `make replicate` does minus the notebooks, report and book: read the four raw CSV
# tables of DATA_DIR, enforce the raw data contract (docs/raw-data-contract.md: every rule,
# one vectorised check each, stopping at the first broken rule), derive the cohort as the
# contract says, and compute every statistic of docs/analysis-plan.md with its R convention.
# OUT_CSV gets `key,group,value` under the keys of the pipeline's estimates.csv (values at
# 17 significant digits, empty when not estimable), so benchmarks/compare_reference.py can
# check the two against each other. `make bench` times this script beside the pipeline.
#
# Needs R 4.x and data.table (Debian: apt-get install r-base-core r-cran-data.table). The
# data work is data.table and base R, written for speed as an R user would; the statistics
# are R's own (wilcox.test, cor.test, kruskal.test, t.test, aov, TukeyHSD, lm, confint,
# anova). Three conventions the plan takes from packages are their formulas in base R, so
# that the script loads no package beyond data.table: psych::alpha's raw_alpha,
# rstatix::wilcox_effsize's r and rstatix::dunn_test (tests/r/reference_values.R pins the
# Python helpers to the packages themselves; compare_reference.py checks this script
# against the Python helpers).
#
# Not done here, as the analyses do not need it: Parquet input (CSV only), the small-cell
# withholding of min_cell_size (every statistic is written; the comparison skips what the
# pipeline withheld), and the notebooks' figures and prose.

suppressPackageStartupMessages(library(data.table))
setDTthreads(0L) # every core, as the pipeline may use them

# --- command line ------------------------------------------------------------------------

usage <- paste(
  "usage: Rscript benchmarks/reference.R DATA_DIR OUT_CSV [--min-followup-days N]",
  "[--window-start YYYY-MM-DD] [--window-end YYYY-MM-DD] [--min-age N] [--who5-cutoff N]",
  "[--improvement-points N]"
)
fail <- function(...) {
  message("reference.R: ", ...)
  quit(save = "no", status = 2)
}
arguments <- commandArgs(trailingOnly = TRUE)
options <- list(
  window_start = "2020-09-29", window_end = "2021-10-12", min_age = 18L,
  min_followup_days = 7L, who5_cutoff = 28L, improvement_points = 10L
)
positional <- character()
i <- 1L
while (i <= length(arguments)) {
  word <- arguments[[i]]
  if (startsWith(word, "--")) {
    name <- gsub("-", "_", substring(word, 3L), fixed = TRUE)
    if (!name %in% names(options)) fail("unknown option ", word, "\n", usage)
    if (i == length(arguments)) fail(word, " needs a value\n", usage)
    value <- arguments[[i + 1L]]
    if (is.integer(options[[name]])) {
      if (!grepl("^[0-9]+$", value)) fail(word, ": expected a whole number of at least 0, got '", value, "'")
      value <- as.integer(value)
    } else if (!grepl("^[0-9]{4}-[0-9]{2}-[0-9]{2}$", value) || is.na(as.IDate(value, format = "%Y-%m-%d"))) {
      fail(word, ": '", value, "' is not a calendar date written YYYY-MM-DD")
    }
    options[[name]] <- value
    i <- i + 2L
  } else {
    positional <- c(positional, word)
    i <- i + 1L
  }
}
if (length(positional) != 2L) fail(usage)
data_dir <- positional[[1L]]
out_csv <- positional[[2L]]
window_start <- as.IDate(options$window_start)
window_end <- as.IDate(options$window_end)
if (window_end < window_start) fail("window_end (", options$window_end, ") is before window_start")
today <- as.IDate(Sys.Date())

script_dir <- local({
  file <- sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))
  if (length(file) == 1L) dirname(normalizePath(file)) else file.path(getwd(), "benchmarks")
})
# The ISO 3166-1 alpha-2 codes pycountry lists (compare_reference.py checks the file).
iso_codes <- readLines(file.path(script_dir, "iso3166_alpha2.txt"))

# --- reading and the contract ------------------------------------------------------------

TABLES <- list(
  participants = c("participant_id", "registered_on", "age", "sex", "country"),
  sessions = c("session_id", "participant_id", "provider_type", "session_date"),
  alliance_ratings = c("session_id", "wai_bond", "wai_goals"),
  who5_assessments = c("participant_id", "assessed_on", paste0("who5_", 1:5))
)
IDS <- c("participant_id", "session_id")

# One line naming the file, column, rule, how many rows break it and the first five; the
# values of identifiers are withheld, as the pipeline's loader does.
broken <- function(table, column, rule, rows, values = NULL, note = "") {
  shown <- head(rows, 5L)
  what <- if (is.null(values)) {
    sprintf("row %d", shown)
  } else if (column %in% IDS) {
    sprintf("row %d (value withheld: identifier)", shown)
  } else {
    text <- values[shown]
    text <- ifelse(nchar(text) > 40L, paste0(substr(text, 1L, 37L), "\u2026"), text)
    sprintf("row %d ('%s')", shown, text)
  }
  more <- if (length(rows) > 5L) sprintf(", and %d more", length(rows) - 5L) else ""
  fail(
    sprintf(
      "%s.csv: column '%s': %d row%s break%s the rule \"%s\"%s; first: %s%s. Rows are numbered from 1 after the header.",
      table, column, length(rows), if (length(rows) == 1L) "" else "s",
      if (length(rows) == 1L) "s" else "", rule, note, paste(what, collapse = ", "), more
    )
  )
}

read_table <- function(table) {
  columns <- TABLES[[table]]
  csv <- file.path(data_dir, paste0(table, ".csv"))
  parquet <- file.path(data_dir, paste0(table, ".parquet"))
  if (file.exists(csv) && file.exists(parquet)) {
    fail(table, ": the table is there twice (", table, ".csv and ", table, ".parquet); keep exactly one")
  }
  if (!file.exists(csv)) {
    if (file.exists(parquet)) fail(table, ".parquet: this reference reads CSV tables only")
    fail("missing table '", table, "': expected ", table, ".csv or ", table, ".parquet")
  }
  if (dir.exists(csv) || !isTRUE(file.info(csv)$size > 0)) {
    fail(table, ".csv: not a regular file with a header row (rule \"a regular file\")")
  }
  # fread's messages may quote a line of the file: only its line number and counts are kept
  unreadable <- function(condition) {
    reason <- regmatches(conditionMessage(condition), regexpr(
      "(line [0-9]+)[^0-9]*(Expected [0-9]+ fields but found [0-9]+)?", conditionMessage(condition)
    ))
    fail(table, ".csv: cannot be read as comma-separated values (rule \"exactly as many fields ",
         "as the header\")", if (length(reason)) paste0(": at ", gsub("[.] ", "; ", reason)) else "")
  }
  read <- function(...) {
    withCallingHandlers(
      tryCatch(
        fread(csv, colClasses = "character", na.strings = "", strip.white = FALSE, header = TRUE,
              fill = FALSE, encoding = "UTF-8", showProgress = FALSE, ...),
        error = unreadable
      ),
      warning = unreadable
    )
  }
  found <- names(read(nrows = 0L))
  if (length(found)) found[1L] <- sub("^\ufeff", "", found[1L])
  if (!any(columns %in% found)) {
    fail(table, ".csv: the first line names none of the columns the contract requires (rule \"the first line is the header row\")")
  }
  missing <- setdiff(columns, found)
  if (length(missing)) {
    fail(table, ".csv: missing column(s) ", paste(missing, collapse = ", "), " (rule \"required column\")")
  }
  twice <- columns[vapply(columns, function(column) sum(found == column) > 1L, logical(1L))]
  if (length(twice)) fail(table, ".csv: column '", twice[1L], "' is named more than once (rule \"each column named once\")")
  frame <- read(select = match(columns, found)) # only the contract's columns, in its order
  setnames(frame, columns)
  for (column in columns) {
    values <- frame[[column]]
    empty <- which(!nzchar(values)) # a quoted empty field is missing too
    if (length(empty)) set(frame, empty, column, NA_character_)
    if (!all(validUTF8(if (column %in% IDS) values else unique(values)))) {
      fail(table, ".csv: not UTF-8 text; save the export as UTF-8")
    }
  }
  frame
}

required <- function(frame, table, column) {
  bad <- which(is.na(frame[[column]]))
  if (length(bad)) broken(table, column, "required (no missing values)", bad)
}

# Rules on a column of few distinct values are judged once per distinct value, then mapped
# back to the rows: the same verdict per row, at a fraction of the cost.
judge <- function(frame, table, column, verdict, rule, note = "", distinct = unique(frame[[column]])) {
  values <- frame[[column]]
  distinct <- distinct[!is.na(distinct)]
  if (!length(distinct)) return(invisible())
  bad <- distinct[!verdict(distinct)]
  if (length(bad)) broken(table, column, rule, which(values %chin% bad), values, note)
}

integer_column <- function(frame, table, column, low, high, required_column = TRUE) {
  if (required_column) required(frame, table, column)
  values <- frame[[column]]
  distinct <- unique(values)
  judge(frame, table, column, function(v) grepl("^-?[0-9]+$", v), "integer", distinct = distinct)
  in_range <- function(v) {
    number <- suppressWarnings(as.numeric(v))
    nchar(v) <= 10L & number >= low & number <= high
  }
  judge(frame, table, column, in_range, sprintf("between %d and %d", low, high), distinct = distinct)
  set(frame, j = column, value = suppressWarnings(as.integer(distinct))[chmatch(values, distinct)])
}

date_column <- function(frame, table, column) {
  required(frame, table, column)
  is_date <- function(v) {
    parsed <- as.IDate(v, format = "%Y-%m-%d")
    grepl("^[0-9]{4}-[0-9]{2}-[0-9]{2}$", v) & !is.na(parsed) & format(parsed) == v
  }
  values <- frame[[column]]
  distinct <- unique(values)
  judge(frame, table, column, is_date, "a calendar date written YYYY-MM-DD", distinct = distinct)
  judge(frame, table, column, function(v) as.IDate(v, format = "%Y-%m-%d") <= today,
        "on or before the day of the run", sprintf(" (the run is on %s)", format(today)),
        distinct = distinct)
  set(frame, j = column, value = as.IDate(distinct, format = "%Y-%m-%d")[chmatch(values, distinct)])
}

unique_column <- function(frame, table, column) {
  values <- frame[[column]]
  if (anyDuplicated(values)) {
    broken(table, column, "unique", which(duplicated(values) | duplicated(values, fromLast = TRUE)))
  }
}

# Replace an identifier column by the row numbers of the referenced table (NA: unknown).
reference <- function(frame, table, column, target, target_table, target_column) {
  index <- chmatch(frame[[column]], target)
  bad <- which(is.na(index))
  if (length(bad)) {
    broken(table, column, sprintf("must exist in %s (column %s)", target_table, target_column), bad)
  }
  index
}

not_before_registration <- function(dates, person, table, column) {
  bad <- which(dates < registered_on[person])
  if (length(bad)) {
    broken(table, column, "on or after the participant's registered_on in participants", bad,
           format(dates))
  }
}

# participants
participants <- read_table("participants")
required(participants, "participants", "participant_id")
unique_column(participants, "participants", "participant_id")
date_column(participants, "participants", "registered_on")
integer_column(participants, "participants", "age", 0L, 120L, required_column = FALSE)
judge(participants, "participants", "sex", function(v) v %chin% c("female", "male"),
      "one of: female, male (or missing)")
judge(participants, "participants", "country", function(v) v %chin% iso_codes,
      "an ISO 3166-1 alpha-2 country code such as US, GB, IN")
person_ids <- participants$participant_id
registered_on <- participants$registered_on
age <- participants$age
sex <- participants$sex
country <- participants$country
n_registered <- nrow(participants)
rm(participants)

# sessions
sessions <- read_table("sessions")
required(sessions, "sessions", "session_id")
unique_column(sessions, "sessions", "session_id")
required(sessions, "sessions", "participant_id")
session_person <- reference(sessions, "sessions", "participant_id", person_ids, "participants", "participant_id")
required(sessions, "sessions", "provider_type")
judge(sessions, "sessions", "provider_type", function(v) v %chin% c("therapist", "coach"),
      "one of: therapist, coach")
date_column(sessions, "sessions", "session_date")
not_before_registration(sessions$session_date, session_person, "sessions", "session_date")
session_ids <- sessions$session_id
session_date <- sessions$session_date
session_therapist <- sessions$provider_type == "therapist"
rm(sessions)

# alliance_ratings
ratings <- read_table("alliance_ratings")
required(ratings, "alliance_ratings", "session_id")
unique_column(ratings, "alliance_ratings", "session_id")
rating_session <- reference(ratings, "alliance_ratings", "session_id", session_ids, "sessions", "session_id")
integer_column(ratings, "alliance_ratings", "wai_bond", 1L, 5L, required_column = FALSE)
integer_column(ratings, "alliance_ratings", "wai_goals", 1L, 5L, required_column = FALSE)
wai_bond <- ratings$wai_bond
wai_goals <- ratings$wai_goals
rm(ratings, session_ids)

# who5_assessments
who5 <- read_table("who5_assessments")
required(who5, "who5_assessments", "participant_id")
who5_person <- reference(who5, "who5_assessments", "participant_id", person_ids, "participants", "participant_id")
date_column(who5, "who5_assessments", "assessed_on")
not_before_registration(who5$assessed_on, who5_person, "who5_assessments", "assessed_on")
for (item in paste0("who5_", 1:5)) integer_column(who5, "who5_assessments", item, 0L, 5L)
same_day <- duplicated(data.table(who5_person, who5$assessed_on))
if (any(same_day)) {
  twice <- which(same_day | duplicated(data.table(who5_person, who5$assessed_on), fromLast = TRUE))
  broken("who5_assessments", "participant_id, assessed_on",
         "at most one assessment per participant per date", twice, format(who5$assessed_on))
}
assessed_on <- who5$assessed_on
who5_total <- 4L * (who5$who5_1 + who5$who5_2 + who5$who5_3 + who5$who5_4 + who5$who5_5)
rm(who5)

# --- the cohort (docs/raw-data-contract.md, "How the analysis data set is derived") ------

flow <- c(registered = n_registered)
adult <- !is.na(age) & age >= options$min_age
flow["adult"] <- sum(adult)

# 1. in-window sessions of adults; 7. sessions and time in care per person
in_window <- session_date >= window_start & session_date <= window_end & adult[session_person]
care <- data.table(person = session_person, therapist = session_therapist, date = session_date)[
  in_window, .(n_sessions = .N, n_therapist = sum(therapist), first = min(date), last = max(date)),
  keyby = person
]
flow["in_window_session"] <- nrow(care)
first_session <- last_session <- rep(NA_integer_, n_registered)
first_session[care$person] <- as.integer(care$first)
last_session[care$person] <- as.integer(care$last)

# 3. baseline: the latest assessment on or before the first in-window session;
# 4. follow-up: the latest on or after the last session, min_followup_days after baseline
order_by_date <- order(who5_person, assessed_on) # one per person and day: the last is the latest
person <- who5_person[order_by_date]
day <- as.integer(assessed_on)[order_by_date]
total <- who5_total[order_by_date]
latest <- function(keep) {
  rows <- which(keep)
  rows[!duplicated(person[rows], fromLast = TRUE)]
}
baseline_row <- latest(!is.na(first_session[person]) & day <= first_session[person])
flow["baseline"] <- length(baseline_row)
baseline_on <- rep(NA_integer_, n_registered)
baseline_on[person[baseline_row]] <- day[baseline_row]
followup_row <- latest(
  !is.na(baseline_on[person]) & day >= last_session[person] &
    day - baseline_on[person] >= options$min_followup_days
)
flow["followup"] <- length(followup_row)
completed <- person[followup_row] # ids of the people who completed both assessments
baseline_total <- rep(NA_integer_, n_registered)
baseline_total[person[baseline_row]] <- total[baseline_row]
followup_on <- followup_total <- rep(NA_integer_, n_registered)
followup_on[completed] <- day[followup_row]
followup_total[completed] <- total[followup_row]
rm(order_by_date, person, day, total)

# 8. alliance: every item response of the rated in-window sessions of these people, pooled
is_completed <- logical(n_registered)
is_completed[completed] <- TRUE
rated <- in_window[rating_session] & is_completed[session_person[rating_session]] &
  (!is.na(wai_bond) | !is.na(wai_goals))
rated_sessions <- data.table(person = session_person[rating_session[rated]],
                             bond = wai_bond[rated], goals = wai_goals[rated])
alliance <- rated_sessions[, .(
  n_rated = .N,
  bond_sum = sum(bond, na.rm = TRUE), bond_n = sum(!is.na(bond)),
  goals_sum = sum(goals, na.rm = TRUE), goals_n = sum(!is.na(goals))
), keyby = person]
flow["rated"] <- nrow(alliance)
if (flow[["rated"]] == 0L) {
  step <- names(flow)[which(flow == 0L)[1L]]
  fail("nobody is eligible: everyone left the cohort at the step '", step, "'")
}

# 6., 9., 10. the analysed people and their derived variables
id <- alliance$person
n_sessions <- care$n_sessions[match(id, care$person)]
n_therapist <- care$n_therapist[match(id, care$person)]
cohort <- data.table(
  age = age[id],
  sex = sex[id],
  country_group = fifelse(country[id] == "US", "us", "non_us"),
  utilization = fifelse(n_therapist == 0L, "coaching",
                        fifelse(n_therapist == n_sessions, "therapy", "both")),
  n_sessions = n_sessions,
  time_in_care_days = last_session[id] - first_session[id],
  followup_days = followup_on[id] - baseline_on[id],
  who5_baseline = baseline_total[id],
  who5_followup = followup_total[id],
  bond_mean = fifelse(alliance$bond_n > 0L, alliance$bond_sum / alliance$bond_n, NA_real_),
  goals_mean = fifelse(alliance$goals_n > 0L, alliance$goals_sum / alliance$goals_n, NA_real_),
  alliance_score = (alliance$bond_sum + alliance$goals_sum) / (alliance$bond_n + alliance$goals_n)
)
cohort[, who5_change := who5_followup - who5_baseline]
cohort[, screened_positive := who5_baseline <= options$who5_cutoff]
cohort[, recovered := screened_positive & who5_followup > options$who5_cutoff]
cohort[, improved := who5_change >= options$improvement_points]

# --- the results -------------------------------------------------------------------------

results <- new.env()
results$key <- results$group <- character()
results$value <- numeric()
add <- function(key, group, value) {
  value <- as.numeric(value)
  if (length(value) != 1L) value <- NA_real_
  results$key <- c(results$key, key)
  results$group <- c(results$group, group)
  results$value <- c(results$value, value)
}
# Where R stops on the data (a group without people, a constant variable), the statistic is
# not estimable: the fields are written empty, as the pipeline writes them missing.
estimable <- function(expression, fields) {
  tryCatch(expression, error = function(e) setNames(rep(NA_real_, length(fields)), fields))
}
TYPES <- c("therapy", "coaching", "both")

# The eligibility flow
add("cohort.completed_assessments", "all", flow[["followup"]])
steps <- names(flow)
for (k in seq_along(steps)) {
  add(sprintf("cohort.flow.%s.n", steps[k]), "all", flow[[k]])
  add(sprintf("cohort.flow.%s.excluded", steps[k]), "all", if (k == 1L) 0 else flow[[k - 1L]] - flow[[k]])
}

# Table 1, by utilization type and in total
describe <- function(values, stem, group, statistics = c("mean", "sd", "median", "min", "max")) {
  empty <- length(values) == 0L
  computed <- c(
    mean = if (empty) NA else mean(values), sd = if (length(values) < 2L) NA else sd(values),
    median = if (empty) NA else median(values), min = if (empty) NA else min(values),
    max = if (empty) NA else max(values)
  )
  for (statistic in statistics) add(paste0(stem, ".", statistic), group, computed[[statistic]])
}
share <- function(count, of) if (of > 0) 100 * count / of else NA_real_
table1 <- function(rows, group) {
  n <- nrow(rows)
  add("table1.n", group, n)
  describe(rows$age, "table1.age", group, c("mean", "sd"))
  for (level in c("female", "male")) {
    count <- sum(rows$sex == level, na.rm = TRUE)
    add(sprintf("table1.sex.%s.n", level), group, count)
    add(sprintf("table1.sex.%s.pct", level), group, share(count, n))
  }
  missing <- sum(is.na(rows$sex))
  add("table1.sex.missing.n", group, missing)
  add("table1.sex.missing.pct", group, share(missing, n))
  known <- sum(!is.na(rows$country_group))
  for (level in c("us", "non_us")) {
    count <- sum(rows$country_group == level, na.rm = TRUE)
    add(sprintf("table1.country.%s.n", level), group, count)
    add(sprintf("table1.country.%s.pct", level), group, share(count, known))
  }
  continuous <- c(alliance = "alliance_score", followup_days = "followup_days",
                  sessions = "n_sessions", time_in_care_days = "time_in_care_days")
  for (stem in names(continuous)) describe(rows[[continuous[[stem]]]], paste0("table1.", stem), group)
  positive <- sum(rows$screened_positive)
  add("table1.screened_positive.n", group, positive)
  add("table1.screened_positive.pct", group, share(positive, n))
}
for (type in TYPES) table1(cohort[utilization == type], type)
table1(cohort, "total")
n_analysed <- as.numeric(nrow(cohort)) # a double, so that products of counts never overflow
add("cohort.analyzed", "all", n_analysed)
describe(cohort$age, "cohort.age", "all", c("mean", "sd", "min", "max"))
for (level in c("female", "male")) {
  count <- sum(cohort$sex == level, na.rm = TRUE)
  add(sprintf("cohort.sex.%s.n", level), "all", count)
  add(sprintf("cohort.sex.%s.pct", level), "all", share(count, n_analysed))
}
add("cohort.sex.missing.n", "all", sum(is.na(cohort$sex)))
add("cohort.sex.missing.pct", "all", share(sum(is.na(cohort$sex)), n_analysed))
for (type in TYPES) add(sprintf("cohort.utilization.%s.n", type), "all", sum(cohort$utilization == type))

# --- aim 1: alliance ratings (the analysed cohort) ---------------------------------------

score <- cohort$alliance_score
describe(score, "aim1.alliance", "all")
# psych::alpha(x)$total$raw_alpha: (k / (k - 1)) (1 - tr(C) / sum(C)), C = cov(x, use = "pairwise")
raw_alpha <- function(x) {
  C <- cov(x, use = "pairwise")
  ncol(x) / (ncol(x) - 1) * (1 - sum(diag(C)) / sum(C))
}
add("aim1.alliance.cronbach_alpha", "all", estimable(raw_alpha(cbind(cohort$bond_mean, cohort$goals_mean)), "alpha"))
add("aim1.alliance.cronbach_alpha_sessions", "all",
    estimable(raw_alpha(cbind(rated_sessions$bond, rated_sessions$goals)), "alpha"))

# wilcox.test(first, second, exact = FALSE, correct = TRUE): W is the first group's U; r as
# rstatix::wilcox_effsize: |Z| / sqrt(N), Z tie-corrected without the continuity correction.
rank_sum <- function(first, second, stem, first_name, second_name, label) {
  add(paste0(stem, ".median"), first_name, if (length(first)) median(first) else NA)
  add(paste0(stem, ".median"), second_name, if (length(second)) median(second) else NA)
  test <- estimable({
    w <- wilcox.test(first, second, exact = FALSE, correct = TRUE)
    n1 <- as.numeric(length(first)) # doubles: n1 * n2 overflows R's integers from 100x on
    n2 <- as.numeric(length(second))
    n <- n1 + n2
    ties <- tabulate(frank(c(first, second), ties.method = "dense"))
    sigma <- sqrt((n1 * n2 / 12) * ((n + 1) - sum(ties^3 - ties) / (n * (n - 1))))
    c(W = unname(w$statistic), p = w$p.value, r = abs(unname(w$statistic) - n1 * n2 / 2) / sigma / sqrt(n))
  }, c("W", "p", "r"))
  for (field in c("W", "p", "r")) add(paste0(stem, ".mwu.", field), label, test[[field]])
}
rank_sum(score[which(cohort$sex == "female")], score[which(cohort$sex == "male")],
         "aim1.sex", "female", "male", "female vs male")
spearman <- estimable({
  test <- cor.test(cohort$age, score, method = "spearman", exact = FALSE)
  c(rho = unname(test$estimate), p = test$p.value)
}, c("rho", "p"))
add("aim1.age.spearman.rho", "all", spearman[["rho"]])
add("aim1.age.spearman.p", "all", spearman[["p"]])
rank_sum(score[which(cohort$country_group == "non_us")], score[which(cohort$country_group == "us")],
         "aim1.country", "non_us", "us", "non_us vs us")
rank_sum(score[cohort$screened_positive], score[!cohort$screened_positive],
         "aim1.baseline", "screened_positive", "screened_negative", "positive vs negative")

# kruskal.test; eta2 as rstatix::kruskal_effsize: (H - k + 1) / (n - k)
kruskal <- estimable({
  test <- kruskal.test(score, factor(cohort$utilization))
  k <- length(unique(cohort$utilization))
  c(H = unname(test$statistic), p = test$p.value,
    eta2 = (unname(test$statistic) - k + 1) / (n_analysed - k))
}, c("H", "p", "eta2"))
for (field in c("H", "p", "eta2")) add(paste0("aim1.utilization.kruskal.", field), "all", kruskal[[field]])
for (type in TYPES) {
  in_type <- score[cohort$utilization == type]
  add("aim1.utilization.median", type, if (length(in_type)) median(in_type) else NA)
}
# Dunn's test as rstatix::dunn_test: mean ranks over all groups, tie-corrected SE, two-sided
# p, Holm across the three pairs; z is the first-named group minus the second.
dunn_pairs <- list(c("coaching", "therapy"), c("coaching", "both"), c("therapy", "both"))
ranks <- frank(score, ties.method = "average")
ties <- tabulate(frank(score, ties.method = "dense"))
spread <- n_analysed * (n_analysed + 1) / 12 - sum(ties^3 - ties) / (12 * (n_analysed - 1))
mean_rank <- tapply(ranks, cohort$utilization, mean)
size <- table(cohort$utilization)
dunn_z <- dunn_p <- rep(NA_real_, length(dunn_pairs))
for (k in seq_along(dunn_pairs)) {
  pair <- dunn_pairs[[k]]
  if (all(pair %in% names(size))) {
    dunn_z[k] <- (mean_rank[[pair[1]]] - mean_rank[[pair[2]]]) /
      sqrt(spread * (1 / size[[pair[1]]] + 1 / size[[pair[2]]]))
    dunn_p[k] <- 2 * pnorm(-abs(dunn_z[k]))
  }
}
dunn_p_adj <- p.adjust(dunn_p, method = "holm")
for (k in seq_along(dunn_pairs)) {
  label <- paste(dunn_pairs[[k]], collapse = " vs ")
  add("aim1.utilization.dunn.z", label, dunn_z[k])
  add("aim1.utilization.dunn.p_adj", label, dunn_p_adj[k])
}

# --- aim 2: well-being change (screened positive at baseline) -----------------------------

positive <- cohort[screened_positive == TRUE]
add("aim2.n", "screened_positive", nrow(positive))
change <- estimable({
  test <- t.test(positive$who5_followup, positive$who5_baseline, paired = TRUE)
  mean_change <- mean(positive$who5_change)
  c(mean = mean_change, ci_low = test$conf.int[1], ci_high = test$conf.int[2],
    p = test$p.value, t = unname(test$statistic), df = unname(test$parameter),
    cohen_d = mean_change / sqrt((sd(positive$who5_baseline)^2 + sd(positive$who5_followup)^2) / 2),
    cohen_d_z = mean_change / sd(positive$who5_change),
    pct_improvement = 100 * mean_change / mean(positive$who5_baseline))
}, c("mean", "ci_low", "ci_high", "p", "t", "df", "cohen_d", "cohen_d_z", "pct_improvement"))
for (field in names(change)) add(paste0("aim2.change.", field), "screened_positive", change[[field]])
group <- factor(positive$utilization)
model <- estimable(aov(positive$who5_change ~ group), "model")
anova_fields <- estimable({
  table <- summary(model)[[1]]
  c(F = table[1, "F value"], p = table[1, "Pr(>F)"], df1 = table[1, "Df"], df2 = table[2, "Df"],
    eta2 = table[1, "Sum Sq"] / sum(table[, "Sum Sq"]))
}, c("F", "p", "df1", "df2", "eta2"))
for (field in c("F", "p", "df1", "df2", "eta2")) add(paste0("aim2.anova.", field), "utilization", anova_fields[[field]])
for (type in TYPES) {
  in_type <- positive$who5_change[positive$utilization == type]
  add("aim2.change.mean", type, if (length(in_type)) mean(in_type) else NA)
}
# TukeyHSD names a row "second-first" of the factor's levels: its diff is second - first
tukey <- estimable(TukeyHSD(model)[[1]], "tukey")
for (pair in list(c("both", "therapy"), c("both", "coaching"), c("therapy", "coaching"))) {
  label <- paste(pair, collapse = " vs ")
  forward <- paste(pair, collapse = "-")
  backward <- paste(rev(pair), collapse = "-")
  row <- if (is.matrix(tukey) && forward %in% rownames(tukey)) {
    c(difference = tukey[forward, "diff"], p = tukey[forward, "p adj"])
  } else if (is.matrix(tukey) && backward %in% rownames(tukey)) {
    c(difference = -tukey[backward, "diff"], p = tukey[backward, "p adj"])
  } else {
    c(difference = NA, p = NA)
  }
  add("aim2.tukey.p", label, row[["p"]])
  add("aim2.tukey.difference", label, row[["difference"]])
}
for (flag in c("recovery", "improvement")) {
  count <- sum(positive[[if (flag == "recovery") "recovered" else "improved"]])
  add(sprintf("aim2.%s.n", flag), "screened_positive", count)
  add(sprintf("aim2.%s.pct", flag), "screened_positive", share(count, nrow(positive)))
}

# --- aim 3: alliance predicting follow-up well-being (complete cases) ---------------------

cc <- positive[!is.na(sex)]
cc[, male := as.numeric(sex == "male")]
cc[, coaching := as.numeric(utilization == "coaching")]
cc[, both := as.numeric(utilization == "both")]
add("aim3.n", "screened_positive", nrow(cc))
terms <- c("(Intercept)", "age", "male", "time_in_care_days", "who5_baseline", "alliance_score")
short <- c("intercept", "age", "sex_male", "time_in_care", "baseline_who5", "alliance")
table2 <- estimable({
  step1 <- lm(who5_followup ~ age + male + time_in_care_days + who5_baseline, data = cc)
  step2 <- update(step1, . ~ . + alliance_score)
  coefs <- summary(step2)$coefficients
  interval <- confint(step2)
  beta <- c(0, coef(step2)[-1] * vapply(cc[, terms[-1], with = FALSE], sd, numeric(1)) / sd(cc$who5_followup))
  f1 <- summary(step1)$fstatistic
  values <- c(
    setNames(coefs[terms, "Estimate"], paste0(short, ".b")),
    setNames(beta, paste0(short, ".beta")),
    setNames(coefs[terms, "Std. Error"], paste0(short, ".se")),
    setNames(interval[terms, 1], paste0(short, ".ci_low")),
    setNames(interval[terms, 2], paste0(short, ".ci_high")),
    setNames(coefs[terms, "Pr(>|t|)"], paste0(short, ".p")),
    covariates.r2 = summary(step1)$r.squared,
    covariates.p = unname(pf(f1[1], f1[2], f1[3], lower.tail = FALSE)),
    full.r2 = summary(step2)$r.squared,
    full.delta_r2 = summary(step2)$r.squared - summary(step1)$r.squared,
    full.delta_r2_p = anova(step1, step2)[2, "Pr(>F)"]
  )
  values
}, c(outer(short, c("b", "beta", "se", "ci_low", "ci_high", "p"), paste, sep = "."),
     "covariates.r2", "covariates.p", "full.r2", "full.delta_r2", "full.delta_r2_p"))
for (name in names(table2)) {
  add(paste0("aim3.", name), if (startsWith(name, "covariates.")) "covariate model" else "full model", table2[[name]])
}
# Moderation: the outcome and the continuous variables z-scored on these rows (scale()),
# dummies 0/1; model B adds alliance x moderator to model A; the product's coefficient is
# the paper's beta, with model B's R2 and the F-change test against model A.
z <- copy(cc)
for (column in c("who5_followup", "age", "time_in_care_days", "who5_baseline", "alliance_score", "n_sessions")) {
  set(z, j = column, value = as.numeric(scale(z[[column]])))
}
moderated <- function(stem, a_formula, products, labels) {
  fields <- c(outer(labels, c("beta", "se", "p", "ci_low", "ci_high"), paste, sep = "."), "r2", "delta_r2", "delta_r2_p")
  values <- estimable({
    model_a <- lm(a_formula, data = z)
    model_b <- update(model_a, as.formula(paste(". ~ . +", paste(products, collapse = " + "))))
    table <- summary(model_b)$coefficients
    interval <- confint(model_b)
    c(setNames(table[products, "Estimate"], paste0(labels, ".beta")),
      setNames(table[products, "Std. Error"], paste0(labels, ".se")),
      setNames(table[products, "Pr(>|t|)"], paste0(labels, ".p")),
      setNames(interval[products, 1], paste0(labels, ".ci_low")),
      setNames(interval[products, 2], paste0(labels, ".ci_high")),
      r2 = summary(model_b)$r.squared,
      delta_r2 = summary(model_b)$r.squared - summary(model_a)$r.squared,
      delta_r2_p = anova(model_a, model_b)[2, "Pr(>F)"])
  }, fields)
  for (field in fields) add(paste0("aim3.moderation.", stem, if (startsWith(field, ".")) "" else ".", field), "moderation", values[[field]])
}
moderated("utilization",
          who5_followup ~ age + male + time_in_care_days + who5_baseline + alliance_score + coaching + both,
          c("alliance_score:coaching", "alliance_score:both"), c("coaching", "both"))
moderated("baseline_who5",
          who5_followup ~ age + male + time_in_care_days + alliance_score + who5_baseline,
          "alliance_score:who5_baseline", "")
moderated("sessions",
          who5_followup ~ age + male + time_in_care_days + who5_baseline + alliance_score + n_sessions,
          "alliance_score:n_sessions", "")

# --- write ---------------------------------------------------------------------------------

out <- data.table(results$key, results$group,
                  ifelse(is.na(results$value), "", sprintf("%.17g", results$value)))
setnames(out, c("key", "group", "value"))
setorder(out, key, group)
fwrite(out, out_csv, quote = "auto")
