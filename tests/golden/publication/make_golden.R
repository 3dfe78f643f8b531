# The numbers behind the publication tables of the example study, from R: survival by rs1800796
# (dominant, effect allele G) with KM medians, restricted mean survival, log-rank and Cox (crude and adjusted for age, sex,
# egfr); Table 1 of the HCC discovery cohort by response; Table 2 (age, sex, egfr) of OS.
# calls.tsv is genoassoc's call of examples/gel_sizes.tsv at rs1800796. Run from this folder.
library(survival)
options(digits = 17)
out <- list()
put <- function(name, value) out[[name]] <<- value
pheno <- read.delim("../../../examples/phenotypes.tsv")
# reference levels as genoassoc sets them: R factor() in the C locale (L858R before del19)
pheno$egfr <- factor(pheno$egfr, levels = sort(unique(pheno$egfr), method = "radix"))
calls <- read.delim("calls.tsv", colClasses = "character")
calls <- calls[calls$status == "called", ]
d <- merge(pheno, calls, by = "sample")
d$carrier <- factor(ifelse(d$genotype == "C/C", "C/C", "G/C+G/G"), levels = c("C/C", "G/C+G/G"))
for (level in levels(d$carrier)) {
  sub <- d[d$carrier == level, ]
  tab <- summary(survfit(Surv(os_months, os_event) ~ 1, data = sub))$table
  put(paste0("surv|", level, "|n"), nrow(sub)); put(paste0("surv|", level, "|events"), sum(sub$os_event))
  put(paste0("surv|", level, "|median"), tab[["median"]]); put(paste0("surv|", level, "|lower"), tab[["0.95LCL"]])
  put(paste0("surv|", level, "|upper"), tab[["0.95UCL"]])
}
# restricted mean survival to the smallest group's last follow-up; difference with the normal approximation
tau <- min(tapply(d$os_months, d$carrier, max))
put("surv|rmst|tau", tau)
rm <- summary(survfit(Surv(os_months, os_event) ~ carrier, data = d), rmean = tau)$table
for (k in 1:2) {
  put(paste0("surv|", levels(d$carrier)[k], "|rmst"), rm[k, "rmean"])
  put(paste0("surv|", levels(d$carrier)[k], "|rmst_se"), rm[k, "se(rmean)"])
}
diff <- rm[2, "rmean"] - rm[1, "rmean"]; se <- sqrt(rm[1, "se(rmean)"]^2 + rm[2, "se(rmean)"]^2)
put("surv|rmst|diff", diff); put("surv|rmst|lo", diff - qnorm(0.975) * se); put("surv|rmst|hi", diff + qnorm(0.975) * se)
put("surv|rmst|p", 2 * pnorm(-abs(diff / se)))
rm20 <- summary(survfit(Surv(os_months, os_event) ~ carrier, data = d), rmean = 20)$table
put("surv|rmst20|C/C", rm20[1, "rmean"]); put("surv|rmst20|G/C+G/G", rm20[2, "rmean"])
lr <- survdiff(Surv(os_months, os_event) ~ carrier, data = d)
put("surv|logrank|p", pchisq(lr$chisq, 1, lower.tail = FALSE))
crude <- summary(coxph(Surv(os_months, os_event) ~ carrier, data = d))
put("surv|crude|hr", crude$conf.int[1, 1]); put("surv|crude|lo", crude$conf.int[1, 3])
put("surv|crude|hi", crude$conf.int[1, 4]); put("surv|crude|p", crude$coefficients[1, 5])
adjusted <- summary(coxph(Surv(os_months, os_event) ~ carrier + age + sex + egfr, data = d))
put("surv|adjusted|hr", adjusted$conf.int[1, 1]); put("surv|adjusted|lo", adjusted$conf.int[1, 3])
put("surv|adjusted|hi", adjusted$conf.int[1, 4]); put("surv|adjusted|p", adjusted$coefficients[1, 5])
# the covariates of the adjusted model, as the publication table lists them under the genotype
for (i in 2:nrow(adjusted$conf.int)) {
  term <- rownames(adjusted$conf.int)[i]
  put(paste0("surv|adjusted|", term, "|hr"), adjusted$conf.int[i, 1])
  put(paste0("surv|adjusted|", term, "|lo"), adjusted$conf.int[i, 3])
  put(paste0("surv|adjusted|", term, "|hi"), adjusted$conf.int[i, 4])
  put(paste0("surv|adjusted|", term, "|p"), adjusted$coefficients[i, 5])
}

hcc <- read.delim("../../../examples/hcc_discovery.tsv")
for (group in c("overall", "CR/PR", "SD/PD")) {
  sub <- if (group == "overall") hcc else hcc[hcc$response == group, ]
  put(paste0("t1|", group, "|n"), nrow(sub))
  put(paste0("t1|", group, "|age_mean"), mean(sub$age)); put(paste0("t1|", group, "|age_sd"), sd(sub$age))
  q <- quantile(sub$il6, c(0.25, 0.5, 0.75))
  put(paste0("t1|", group, "|il6_q1"), q[[1]]); put(paste0("t1|", group, "|il6_median"), q[[2]])
  put(paste0("t1|", group, "|il6_q3"), q[[3]])
  put(paste0("t1|", group, "|sex_F"), sum(sub$sex == "F")); put(paste0("t1|", group, "|sex_M"), sum(sub$sex == "M"))
}
put("t1|age|p", t.test(age ~ response, data = hcc)$p.value)
put("t1|il6|p", wilcox.test(il6 ~ response, data = hcc)$p.value)  # R's default: exact below 50 per group
put("t1|sex|p", chisq.test(table(hcc$sex, hcc$response))$p.value)

for (v in c("age", "sex", "egfr")) {
  s <- summary(coxph(as.formula(paste("Surv(os_months, os_event) ~", v)), data = pheno))
  put(paste0("t2|", v, "|hr"), s$conf.int[1, 1]); put(paste0("t2|", v, "|lo"), s$conf.int[1, 3])
  put(paste0("t2|", v, "|hi"), s$conf.int[1, 4]); put(paste0("t2|", v, "|p"), s$coefficients[1, 5])
}
s <- summary(coxph(Surv(os_months, os_event) ~ age + sex + egfr, data = pheno))
for (i in 1:3) {
  v <- c("age", "sex", "egfr")[i]
  put(paste0("t2|", v, "|hr_adj"), s$conf.int[i, 1]); put(paste0("t2|", v, "|lo_adj"), s$conf.int[i, 3])
  put(paste0("t2|", v, "|hi_adj"), s$conf.int[i, 4]); put(paste0("t2|", v, "|p_adj"), s$coefficients[i, 5])
}
# Table 2 with rs1800796 under the additive model: one term, the count of G alleles (the minor allele here),
# crude and beside age, sex and egfr
d$g_copies <- sapply(strsplit(d$genotype, "/"), function(a) sum(a == "G"))
s <- summary(coxph(Surv(os_months, os_event) ~ g_copies, data = d))
put("t2|additive|hr", s$conf.int[1, 1]); put("t2|additive|lo", s$conf.int[1, 3])
put("t2|additive|hi", s$conf.int[1, 4]); put("t2|additive|p", s$coefficients[1, 5])
s <- summary(coxph(Surv(os_months, os_event) ~ age + sex + egfr + g_copies, data = d))
put("t2|additive|hr_adj", s$conf.int[4, 1]); put("t2|additive|p_adj", s$coefficients[4, 5])
write.table(data.frame(name = names(out), value = unlist(out)), "r_golden.tsv", sep = "\t", row.names = FALSE,
            quote = FALSE, na = "NA")
writeLines(capture.output(sessionInfo()), "sessionInfo.txt")
