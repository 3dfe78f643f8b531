# Regenerate the survival goldens (run from this folder: Rscript make_golden.R).
# Data: survival::lung (time in days, status 1/2 -> 0/1) and survival::veteran, written to TSV so the
# tests need no R. Results: survfit medians and CIs (log, log-log, plain), survival at landmarks,
# survdiff (2 and 4 groups, stratified), coxph (Efron, Breslow: coef, CI, Wald/LR/score tests),
# cox.zph global test, concordance, maxstat (cut-point, statistic, Lau92, Lau94).
suppressMessages({library(survival); library(maxstat)})
lung2 <- with(lung, data.frame(time = time, status = status - 1, sex = sex, age = age,
                               ph_ecog = ph.ecog, wt_loss = wt.loss))
vet <- with(veteran, data.frame(time = time, status = status, trt = trt, celltype = as.character(celltype),
                                karno = karno, age = age))
write.table(lung2, "lung.tsv", sep = "\t", quote = FALSE, row.names = FALSE, na = "")
write.table(vet, "veteran.tsv", sep = "\t", quote = FALSE, row.names = FALSE, na = "")
out <- list()
put <- function(name, value) out[[name]] <<- unname(value)

for (ds in c("lung", "veteran")) {
  d <- if (ds == "lung") lung2 else vet
  grp <- if (ds == "lung") "sex" else "trt"
  for (ct in c("log", "log-log", "plain")) {
    f <- survfit(Surv(time, status) ~ d[[grp]], data = d, conf.type = ct)
    tab <- summary(f)$table
    for (k in seq_len(nrow(tab))) {
      key <- paste("km", ds, ct, k, sep = ".")
      put(paste(key, "n", sep = "."), tab[k, "records"]); put(paste(key, "events", sep = "."), tab[k, "events"])
      put(paste(key, "median", sep = "."), tab[k, "median"])
      put(paste(key, "lcl", sep = "."), tab[k, "0.95LCL"]); put(paste(key, "ucl", sep = "."), tab[k, "0.95UCL"])
    }
    s <- summary(f, times = c(90, 180, 365))
    for (i in seq_along(s$time)) {
      key <- paste("landmark", ds, ct, as.integer(s$strata[i]), s$time[i], sep = ".")
      put(paste(key, "surv", sep = "."), s$surv[i]); put(paste(key, "lower", sep = "."), s$lower[i])
      put(paste(key, "upper", sep = "."), s$upper[i]); put(paste(key, "n.risk", sep = "."), s$n.risk[i])
    }
  }
  sd <- survdiff(Surv(time, status) ~ d[[grp]], data = d)
  put(paste("logrank", ds, "chisq", sep = "."), sd$chisq)
  put(paste("logrank", ds, "p", sep = "."), pchisq(sd$chisq, length(sd$n) - 1, lower.tail = FALSE))
}
sd <- survdiff(Surv(time, status) ~ celltype, data = vet)
put("logrank.veteran.celltype.chisq", sd$chisq); put("logrank.veteran.celltype.p", pchisq(sd$chisq, 3, lower.tail = FALSE))
sd <- survdiff(Surv(time, status) ~ trt + strata(celltype), data = vet)
put("logrank.veteran.strata.chisq", sd$chisq); put("logrank.veteran.strata.p", pchisq(sd$chisq, 1, lower.tail = FALSE))

fits <- list(
  lung = list(data = lung2, formula = Surv(time, status) ~ sex + age + ph_ecog),
  veteran = list(data = vet, formula = Surv(time, status) ~ trt + karno + age)
)
for (ds in names(fits)) {
  for (ties in c("efron", "breslow")) {
    f <- coxph(fits[[ds]]$formula, data = fits[[ds]]$data, ties = ties)
    s <- summary(f); key <- paste("cox", ds, ties, sep = ".")
    put(paste(key, "n", sep = "."), f$n)
    for (term in rownames(s$coefficients)) {
      put(paste(key, term, "coef", sep = "."), s$coefficients[term, "coef"])
      put(paste(key, term, "se", sep = "."), s$coefficients[term, "se(coef)"])
      put(paste(key, term, "p", sep = "."), s$coefficients[term, "Pr(>|z|)"])
      put(paste(key, term, "lower", sep = "."), s$conf.int[term, "lower .95"])
      put(paste(key, term, "upper", sep = "."), s$conf.int[term, "upper .95"])
    }
    # summary.coxph rounds the printed test statistics: take them from the fit.
    k <- length(f$coefficients); lr <- 2 * diff(f$loglik)
    put(paste(key, "lr", sep = "."), lr); put(paste(key, "lr.p", sep = "."), pchisq(lr, k, lower.tail = FALSE))
    put(paste(key, "wald", sep = "."), f$wald.test)
    put(paste(key, "wald.p", sep = "."), pchisq(f$wald.test, k, lower.tail = FALSE))
    put(paste(key, "score", sep = "."), f$score); put(paste(key, "score.p", sep = "."), pchisq(f$score, k, lower.tail = FALSE))
    z <- cox.zph(f)
    put(paste(key, "zph.global", sep = "."), z$table["GLOBAL", "chisq"])
    put(paste(key, "zph.global.p", sep = "."), z$table["GLOBAL", "p"])
    for (term in setdiff(rownames(z$table), "GLOBAL")) {
      put(paste(key, "zph", term, sep = "."), z$table[term, "chisq"])
    }
    cc <- concordance(f)
    put(paste(key, "concordance", sep = "."), cc$concordance)
    put(paste(key, "concordance.se", sep = "."), sqrt(cc$var))
  }
}

m <- maxstat.test(Surv(time, status) ~ age, data = lung2, smethod = "LogRank", pmethod = "Lau92",
                  minprop = 0.1, maxprop = 0.9)
put("maxstat.lung.age.cut", m$estimate); put("maxstat.lung.age.statistic", m$statistic)
put("maxstat.lung.age.Lau92", m$p.value)
m94 <- maxstat.test(Surv(time, status) ~ age, data = lung2, smethod = "LogRank", pmethod = "Lau94",
                    minprop = 0.1, maxprop = 0.9)
put("maxstat.lung.age.Lau94", m94$p.value)
set.seed(29)
mc <- maxstat.test(Surv(time, status) ~ age, data = lung2, smethod = "LogRank", pmethod = "condMC",
                   minprop = 0.1, maxprop = 0.9, B = 20000)
put("maxstat.lung.age.condMC", mc$p.value)
m <- maxstat.test(Surv(time, status) ~ karno, data = vet, smethod = "LogRank", pmethod = "Lau92")
put("maxstat.veteran.karno.cut", m$estimate); put("maxstat.veteran.karno.statistic", m$statistic)
put("maxstat.veteran.karno.Lau92", m$p.value)
m94 <- maxstat.test(Surv(time, status) ~ karno, data = vet, smethod = "LogRank", pmethod = "Lau94")
put("maxstat.veteran.karno.Lau94", m94$p.value)

write.table(data.frame(name = names(out), value = sprintf("%.15g", unlist(out))), "r_golden.tsv",
            sep = "\t", quote = FALSE, row.names = FALSE)

# Table 2 (univariable rows) and the median split of age in lung, for genoassoc cox / cutpoint.
extra <- list()
for (v in c("age", "sex", "ph_ecog")) {
  f <- summary(coxph(as.formula(paste("Surv(time, status) ~", v)), data = lung2))
  extra[[paste0("uni.lung.", v, ".hr")]] <- f$conf.int[1, "exp(coef)"]
  extra[[paste0("uni.lung.", v, ".lower")]] <- f$conf.int[1, "lower .95"]
  extra[[paste0("uni.lung.", v, ".upper")]] <- f$conf.int[1, "upper .95"]
  extra[[paste0("uni.lung.", v, ".p")]] <- f$coefficients[1, "Pr(>|z|)"]
}
high <- as.integer(lung2$age > median(lung2$age))
f <- summary(coxph(Surv(time, status) ~ high, data = lung2))
extra[["median.lung.age.hr"]] <- f$conf.int[1, "exp(coef)"]; extra[["median.lung.age.lower"]] <- f$conf.int[1, "lower .95"]
sd <- survdiff(Surv(time, status) ~ high, data = lung2)
extra[["median.lung.age.logrank"]] <- sd$chisq
c1 <- concordance(Surv(time, status) ~ age, data = lung2, reverse = TRUE)
extra[["concordance.lung.age"]] <- c1$concordance; extra[["concordance.lung.age.se"]] <- sqrt(c1$var)
write.table(data.frame(name = names(extra), value = sprintf("%.15g", unlist(extra))), "r_golden.tsv",
            sep = "\t", quote = FALSE, row.names = FALSE, col.names = FALSE, append = TRUE)

# Genotype x sex interaction in Cox (likelihood ratio), genotype G/C for every third patient of lung.
carrier <- as.integer(seq_len(nrow(lung2)) %% 3 == 1)
m0 <- coxph(Surv(time, status) ~ carrier + factor(sex), data = lung2)
m1 <- coxph(Surv(time, status) ~ carrier * factor(sex), data = lung2)
lr <- 2 * (m1$loglik[2] - m0$loglik[2])
write.table(data.frame(name = c("interaction.lung.sex.lr", "interaction.lung.sex.p"),
                       value = sprintf("%.15g", c(lr, pchisq(lr, 1, lower.tail = FALSE)))),
            "r_golden.tsv", sep = "\t", quote = FALSE, row.names = FALSE, col.names = FALSE, append = TRUE)
