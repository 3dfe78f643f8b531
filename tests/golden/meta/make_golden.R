# Meta-analysis goldens from R metafor::rma (FE, DL, REML; test = "z"): the example study's per-cohort
# hazard ratios (examples/il6_cohorts.tsv, log HR and SE from the printed 95% CI), the BCG vaccine
# trials (metafor's dat.bcg, log risk ratios from escalc: strong heterogeneity) and a homogeneous set
# where tau² is 0 (written here as homogeneous.tsv). Run from this folder: Rscript make_golden.R
suppressMessages(library(metafor))
options(digits = 17)
cohorts <- read.delim("../../../examples/il6_cohorts.tsv")
cohorts$yi <- log(cohorts$hr)
cohorts$sei <- (log(cohorts$ci_hi) - log(cohorts$ci_lo)) / (2 * qnorm(0.975))
bcg <- escalc(measure = "RR", ai = tpos, bi = tneg, ci = cpos, di = cneg, data = dat.bcg)
bcg <- data.frame(cohort = paste(bcg$author, bcg$year), log_estimate = as.numeric(bcg$yi),
                  se = sqrt(as.numeric(bcg$vi)))
write.table(bcg, "bcg.tsv", sep = "\t", row.names = FALSE, quote = FALSE)
homogeneous <- data.frame(cohort = c("A", "B", "C", "D"), log_estimate = c(0.10, 0.12, 0.11, 0.09),
                          se = c(0.20, 0.25, 0.30, 0.22))
write.table(homogeneous, "homogeneous.tsv", sep = "\t", row.names = FALSE, quote = FALSE)
sets <- list(cohorts = data.frame(yi = cohorts$yi, sei = cohorts$sei),
             bcg = data.frame(yi = bcg$log_estimate, sei = bcg$se),
             homogeneous = data.frame(yi = homogeneous$log_estimate, sei = homogeneous$se))
out <- list()
for (name in names(sets)) for (method in c("FE", "DL", "REML")) {
  fit <- rma(yi = sets[[name]]$yi, sei = sets[[name]]$sei, method = method,
             control = list(threshold = 1e-12, maxiter = 10000))
  key <- paste(name, method, sep = "|")
  values <- c(estimate = fit$b[[1]], se = fit$se, ci_lo = fit$ci.lb, ci_hi = fit$ci.ub, z = fit$zval, p = fit$pval,
              tau2 = fit$tau2, q = fit$QE, q_p = fit$QEp, i2 = fit$I2, h2 = fit$H2)
  for (field in names(values)) out[[paste(key, field, sep = "|")]] <- values[[field]]
  w <- weights(fit)
  for (i in seq_along(w)) out[[paste(key, "weight", i, sep = "|")]] <- w[[i]]
}
write.table(data.frame(name = names(out), value = unlist(out)), "r_golden.tsv", sep = "\t", row.names = FALSE,
            quote = FALSE)
