# Linear mixed model goldens from R lme4::lmer (REML): serum IL-6 over time by rs1800796 genotype in the
# example study (examples/il6_visits.tsv with the calls of ../publication/calls.tsv, dominant model,
# G carriers vs C/C): il6 ~ day * carrier + (1 | sample), the same on log(il6), and with (day | sample);
# and sleepstudy (lme4's data, written here as sleepstudy.tsv): Reaction ~ Days + (1 | Subject) and
# + (Days | Subject); and a simulated cohort (simulated.tsv, calls in simulated_calls.tsv: 60 patients,
# 3-6 visits over 12 weeks, three genotype groups, random slopes, one missing value) for
# y ~ week * genotype (codominant) + (week | sample) and y ~ week * genotype + age + (1 | sample).
# Run from this folder: Rscript make_golden.R (versions in sessionInfo.txt)
suppressMessages(library(lme4))
options(digits = 17)
out <- list()
put <- function(key, fit) {
  fe <- fixef(fit); se <- sqrt(diag(as.matrix(vcov(fit))))
  for (i in seq_along(fe)) {
    out[[paste(key, "coef", i, sep = "|")]] <<- fe[[i]]
    out[[paste(key, "se", i, sep = "|")]] <<- se[[i]]
  }
  vc <- as.data.frame(VarCorr(fit))
  out[[paste(key, "sd_intercept", sep = "|")]] <<- vc$sdcor[vc$var1 == "(Intercept)" & is.na(vc$var2)][1]
  slope <- vc$sdcor[!is.na(vc$var1) & vc$var1 != "(Intercept)" & is.na(vc$var2)]
  if (length(slope)) out[[paste(key, "sd_slope", sep = "|")]] <<- slope[1]
  corr <- vc$sdcor[!is.na(vc$var2)]
  if (length(corr)) out[[paste(key, "correlation", sep = "|")]] <<- corr[1]
  out[[paste(key, "sd_residual", sep = "|")]] <<- sigma(fit)
  out[[paste(key, "n", sep = "|")]] <<- nobs(fit)
  out[[paste(key, "reml_criterion", sep = "|")]] <<- REMLcrit(fit)  # -2 REML log-likelihood, the objective
}
visits <- read.delim("../../../examples/il6_visits.tsv")
calls <- read.delim("../publication/calls.tsv", colClasses = "character")
calls <- calls[calls$status == "called" & calls$locus == "rs1800796", ]
d <- merge(visits, calls[, c("sample", "genotype")], by = "sample")
d$carrier <- as.integer(d$genotype != "C/C")
put("il6", lmer(il6 ~ day * carrier + (1 | sample), d, REML = TRUE))
put("log_il6", lmer(log(il6) ~ day * carrier + (1 | sample), d, REML = TRUE))
put("log_il6_slope", lmer(log(il6) ~ day * carrier + (day | sample), d, REML = TRUE))
write.table(sleepstudy, "sleepstudy.tsv", sep = "\t", row.names = FALSE, quote = FALSE)
put("sleep", lmer(Reaction ~ Days + (1 | Subject), sleepstudy, REML = TRUE))
put("sleep_slope", lmer(Reaction ~ Days + (Days | Subject), sleepstudy, REML = TRUE))
set.seed(20261123)
patients <- sprintf("S%02d", 1:60)
genotype <- sample(c("C/C", "G/C", "G/G"), 60, replace = TRUE, prob = c(0.45, 0.4, 0.15))
age <- round(rnorm(60, 62, 9))
rows <- do.call(rbind, lapply(1:60, function(i) {
  weeks <- sort(c(0, sample(1:12, sample(2:5, 1))))
  slope <- 0.3 + c("C/C" = 0, "G/C" = 0.25, "G/G" = 0.5)[[genotype[i]]] + rnorm(1, 0, 0.2)
  level <- 5 + 0.05 * (age[i] - 62) + rnorm(1, 0, 1.2)
  data.frame(sample = patients[i], week = weeks, age = age[i],
             y = round(level + slope * weeks + rnorm(length(weeks), 0, 0.8), 3))
}))
rows$y[5] <- NA
write.table(rows, "simulated.tsv", sep = "\t", row.names = FALSE, quote = FALSE, na = "")
write.table(data.frame(sample = patients, locus = "rs1800796", genotype = genotype), "simulated_calls.tsv",
            sep = "\t", row.names = FALSE, quote = FALSE)
sim <- merge(rows, data.frame(sample = patients, genotype = genotype), by = "sample")
sim$genotype <- factor(sim$genotype, levels = c("C/C", "G/C", "G/G"))
put("sim_slope", lmer(y ~ week * genotype + (week | sample), sim, REML = TRUE))
put("sim_age", lmer(y ~ week * genotype + age + (1 | sample), sim, REML = TRUE))
write.table(data.frame(name = names(out), value = unlist(out)), "r_golden.tsv", sep = "\t", row.names = FALSE,
            quote = FALSE)
writeLines(capture.output(sessionInfo()), "sessionInfo.txt")
