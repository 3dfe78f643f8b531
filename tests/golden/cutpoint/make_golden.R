# The cut-point command on the example HCC cohorts, from R maxstat and survival: the optimal IL-6 cut in the
# discovery cohort (maximally selected log-rank statistic, Lau94 p, minimum group fraction 10%), its conditional
# Monte Carlo p (10 000 permutations), and the cut applied unchanged to the validation cohort (log-rank, Cox HR).
# Run from this folder: Rscript make_golden.R
suppressMessages({library(survival); library(maxstat)})
set.seed(20261202)
disc <- read.delim("../../../examples/hcc_discovery.tsv")
val <- read.delim("../../../examples/hcc_validation.tsv")
out <- list()
put <- function(name, value) out[[name]] <<- unname(value)
m <- maxstat.test(Surv(os_months, os_event) ~ il6, data = disc, smethod = "LogRank", pmethod = "Lau94",
                  minprop = 0.1, maxprop = 0.9)
put("disc|cut", m$estimate); put("disc|statistic", m$statistic); put("disc|p_lau94", m$p.value)
mc <- maxstat.test(Surv(os_months, os_event) ~ il6, data = disc, smethod = "LogRank", pmethod = "condMC",
                   minprop = 0.1, maxprop = 0.9, B = 10000)
put("disc|p_condmc", mc$p.value)
disc$high <- disc$il6 > m$estimate
sd <- survdiff(Surv(os_months, os_event) ~ high, data = disc)
put("disc|p_unadjusted", pchisq(sd$chisq, 1, lower.tail = FALSE))
val$high <- val$il6 > m$estimate
sd <- survdiff(Surv(os_months, os_event) ~ high, data = val)
put("val|n_low", sum(!val$high)); put("val|n_high", sum(val$high))
put("val|chisq", sd$chisq); put("val|p", pchisq(sd$chisq, 1, lower.tail = FALSE))
s <- summary(coxph(Surv(os_months, os_event) ~ high, data = val))
put("val|hr", s$conf.int[1, 1]); put("val|lo", s$conf.int[1, 3]); put("val|hi", s$conf.int[1, 4])
med <- median(disc$il6)
val$above_median <- val$il6 > med
sd <- survdiff(Surv(os_months, os_event) ~ above_median, data = val)
put("val_median|p", pchisq(sd$chisq, 1, lower.tail = FALSE))
write.table(data.frame(name = names(out), value = sprintf("%.15g", unlist(out))), "r_golden.tsv", sep = "\t",
            row.names = FALSE, quote = FALSE)
writeLines(capture.output(sessionInfo()), "sessionInfo.txt")
