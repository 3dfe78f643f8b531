# Regenerate the Cox goldens: R survival's coxph on awkward real data (pbc, colon, gbsg, rotterdam,
# heart, ovarian from the survival package, written here as TSV) and 200 simulated HCC-like cohorts
# (143 patients, skewed IL-6 in pg/mL, HR per pg/mL). Run from this folder: Rscript make_golden.R
library(survival)
options(digits = 17)
out <- list()
put <- function(name, value) out[[name]] <<- value
write_tsv <- function(frame, file) write.table(frame, file, sep = "\t", row.names = FALSE, quote = FALSE)

pbc2 <- with(pbc, data.frame(time, status = as.integer(status == 2), bili, edema, age, albumin, protime))
pbc2 <- pbc2[complete.cases(pbc2), ]
write_tsv(pbc2, "pbc.tsv")
colon2 <- with(colon[colon$etype == 2, ], data.frame(time, status, rx = as.character(rx), sex, age, node4, extent))
write_tsv(colon2, "colon.tsv")
write_tsv(gbsg[, c("rfstime", "status", "age", "meno", "size", "grade", "nodes", "pgr", "er", "hormon")], "gbsg.tsv")
rott <- rotterdam[, c("dtime", "death", "age", "meno", "size", "grade", "nodes", "pgr", "er", "hormon", "chemo")]
rott$size <- as.character(rott$size)
write_tsv(rott, "rotterdam.tsv")
write_tsv(heart[, c("start", "stop", "event", "age", "year", "surgery", "transplant", "id")], "heart.tsv")
write_tsv(ovarian[, c("futime", "fustat", "age", "resid.ds", "rx", "ecog.ps")], "ovarian.tsv")

record <- function(key, fit) {
  s <- summary(fit)
  for (term in names(coef(fit))) {
    put(paste(key, term, "coef", sep = "|"), unname(coef(fit)[term]))
    put(paste(key, term, "se", sep = "|"), unname(sqrt(diag(vcov(fit)))[term]))
    put(paste(key, term, "p", sep = "|"), unname(s$coefficients[term, "Pr(>|z|)"]))
  }
  put(paste(key, "loglik0", sep = "|"), fit$loglik[1])
  put(paste(key, "loglik", sep = "|"), fit$loglik[2])
  put(paste(key, "iter", sep = "|"), fit$iter)
  put(paste(key, "wald", sep = "|"), unname(fit$wald.test))
  put(paste(key, "lr", sep = "|"), 2 * diff(fit$loglik))
  put(paste(key, "score", sep = "|"), unname(fit$score))
}

for (ties in c("efron", "breslow")) {
  record(paste0("pbc.bili.", ties), coxph(Surv(time, status) ~ bili, data = pbc2, ties = ties))
  record(paste0("pbc.edema.", ties), coxph(Surv(time, status) ~ factor(edema), data = pbc2, ties = ties))
  record(paste0("pbc.mayo.", ties), coxph(Surv(time, status) ~ age + edema + log(bili) + log(albumin) + log(protime),
                                          data = pbc2, ties = ties))
  record(paste0("colon.strata.", ties), coxph(Surv(time, status) ~ relevel(factor(rx), "Obs") + age + node4 +
                                                strata(sex), data = colon2, ties = ties))
  record(paste0("gbsg.", ties), coxph(Surv(rfstime, status) ~ age + meno + size + grade + nodes + pgr + er + hormon,
                                      data = gbsg, ties = ties))
  record(paste0("rotterdam.", ties), coxph(Surv(dtime, death) ~ age + meno + factor(size) + grade + nodes + pgr +
                                             er + hormon + chemo, data = rott, ties = ties))
  record(paste0("heart.", ties), coxph(Surv(start, stop, event) ~ age + year + surgery + transplant, data = heart,
                                       ties = ties))
  record(paste0("ovarian.weighted.", ties), coxph(Surv(futime, fustat) ~ age + ecog.ps + rx + offset(0.01 * age),
                                                  data = ovarian, weights = resid.ds, ties = ties))
}

# 200 simulated cohorts like the HCC study: IL-6 log-normal (median 10 pg/mL, long right tail), HR per pg/mL.
set.seed(20261123)
cohorts <- do.call(rbind, lapply(1:200, function(k) {
  il6 <- round(exp(rnorm(143, log(10), 1.3)), 2)
  hazard <- 0.04 * exp(runif(1, 0.002, 0.03) * pmin(il6, 300))
  event_time <- rexp(143, hazard)
  censor <- runif(143, 6, 36)
  data.frame(cohort = k, time = round(pmin(event_time, censor), 2), status = as.integer(event_time <= censor), il6)
}))
write_tsv(cohorts, "simulated.tsv")
for (k in 1:200) {
  fit <- withCallingHandlers(coxph(Surv(time, status) ~ il6, data = cohorts[cohorts$cohort == k, ]),
                             warning = function(w) { put(paste0("sim.", k, "|warning"), 1); invokeRestart("muffleWarning") })
  record(paste0("sim.", k), fit)
}
write_tsv(data.frame(name = names(out), value = unlist(out)), "r_golden.tsv")
