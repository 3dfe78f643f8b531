# An aliased term in R coxph: age2 = 2 x age on survival::lung is left out (coefficient NA) and the other terms
# fitted. Run from this folder: Rscript make_golden.R
library(survival)
d <- lung[complete.cases(lung[, c("time", "status", "age", "sex")]), c("time", "status", "age", "sex")]
d$status <- d$status - 1
d$age2 <- d$age * 2
write.table(d, "lung_aliased.tsv", sep = "\t", row.names = FALSE, quote = FALSE)
s <- summary(coxph(Surv(time, status) ~ age + sex + age2, data = d))$coefficients
out <- data.frame(term = rownames(s), coef = format(s[, 1], digits = 17), se = format(s[, 3], digits = 17),
                  p = format(s[, 5], digits = 17))
write.table(out, "r_golden.tsv", sep = "\t", row.names = FALSE, quote = FALSE)
writeLines(capture.output(sessionInfo()), "sessionInfo.txt")
