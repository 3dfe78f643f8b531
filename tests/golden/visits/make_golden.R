# Counting-process rows and a time-varying Cox model from R survival: tmerge(event(), tdc()) on the
# example study (examples/phenotypes.tsv, examples/il6_visits.tsv; visit days converted to months
# with 30.4375 days per month), then coxph(Surv(tstart, tstop, death) ~ il6 + age).
# A second, awkward set: visits before time 0, after the end of follow-up, exactly at it, a patient
# without visits and one whose first visit comes after time 0 (cases.tsv / cases_visits.tsv).
# Run from this folder: Rscript make_golden.R
library(survival)
options(digits = 17)
pheno <- read.delim("../../../examples/phenotypes.tsv")
visits <- read.delim("../../../examples/il6_visits.tsv")
visits$month <- visits$day / 30.4375
base <- tmerge(pheno[, c("sample", "age", "os_months")], pheno, id = sample, death = event(os_months, os_event))
rows <- tmerge(base, visits, id = sample, il6 = tdc(month, il6))
write.table(rows[, c("sample", "tstart", "tstop", "death", "il6")], "example_rows.tsv", sep = "\t",
            row.names = FALSE, quote = FALSE, na = "")
fit <- coxph(Surv(tstart, tstop, death) ~ il6 + age, data = rows)
out <- data.frame(name = c("coef|il6", "se|il6", "coef|age", "se|age", "n", "nevent"),
                  value = c(coef(fit)[[1]], sqrt(diag(vcov(fit)))[[1]], coef(fit)[[2]], sqrt(diag(vcov(fit)))[[2]],
                            fit$n, fit$nevent))
write.table(out, "r_golden.tsv", sep = "\t", row.names = FALSE, quote = FALSE)

cases <- data.frame(sample = c("A", "B", "C", "D", "E"), time = c(10, 8, 6, 5, 12), status = c(1, 0, 1, 1, 0))
cv <- data.frame(sample = c("A", "A", "A", "B", "B", "B", "C", "C", "E", "E"),
                 day = c(0, 3, 12, -1, 4, 8, 2, 5, 0, 6), value = c(1, 2, 3, 4, 5, 6, 7, 8, 9, 10))
write.table(cases, "cases.tsv", sep = "\t", row.names = FALSE, quote = FALSE)
write.table(cv, "cases_visits.tsv", sep = "\t", row.names = FALSE, quote = FALSE)
b <- tmerge(cases[, c("sample", "time")], cases, id = sample, death = event(time, status))
r <- tmerge(b, cv, id = sample, value = tdc(day, value))
write.table(r[, c("sample", "tstart", "tstop", "death", "value")], "cases_rows.tsv", sep = "\t", row.names = FALSE,
            quote = FALSE, na = "")
