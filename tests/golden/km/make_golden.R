# Kaplan-Meier medians and their CIs as summary(survfit)$table gives them, on small groups where the
# curve sits exactly at 0.5 (a G/G group of 2 patients), on tied times, and a log-rank test with a
# p far below double-precision 1 - p. Run from this folder: Rscript make_golden.R
library(survival)
options(digits = 17)
cases <- list(
  flat_to_end = data.frame(time = c(5, 10), status = c(1, 0)),
  flat_then_drop = data.frame(time = c(5, 10, 12), status = c(1, 0, 1)),
  flat_mid = data.frame(time = c(2, 4, 6, 8), status = c(1, 1, 1, 1)),
  ties = data.frame(time = c(3, 3, 3, 5, 7, 7, 9, 11, 11, 15), status = c(1, 1, 0, 1, 1, 0, 1, 1, 0, 0)),
  never_half = data.frame(time = c(1, 2, 3, 4, 5), status = c(1, 0, 0, 0, 0))
)
out <- list()
for (name in names(cases)) {
  d <- cases[[name]]
  write.table(d, paste0(name, ".tsv"), sep = "\t", row.names = FALSE, quote = FALSE)
  for (ct in c("log", "log-log", "plain")) {
    tab <- summary(survfit(Surv(time, status) ~ 1, data = d, conf.type = ct))$table
    out[[paste(name, ct, "median", sep = "|")]] <- tab[["median"]]
    out[[paste(name, ct, "lower", sep = "|")]] <- tab[["0.95LCL"]]
    out[[paste(name, ct, "upper", sep = "|")]] <- tab[["0.95UCL"]]
  }
}
# two well separated groups: a log-rank p near 1e-29
set.seed(7)
n <- 400
group <- rep(0:1, each = n / 2)
time <- rexp(n, ifelse(group == 1, 0.2, 0.02))
status <- rbinom(n, 1, 0.9)
d <- data.frame(time = round(time, 3), status, group)
write.table(d, "separated.tsv", sep = "\t", row.names = FALSE, quote = FALSE)
lr <- survdiff(Surv(time, status) ~ group, data = d)
out[["separated|chisq"]] <- lr$chisq
out[["separated|p"]] <- pchisq(lr$chisq, 1, lower.tail = FALSE)
write.table(data.frame(name = names(out), value = unlist(out)), "r_golden.tsv", sep = "\t", row.names = FALSE,
            quote = FALSE, na = "NA")
