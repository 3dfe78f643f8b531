# Power goldens. (1) Schoenfeld's closed form as R powerSurvEpi's powerEpi/ssizeEpi compute it
# (rho2 = 0), written with qnorm/pnorm for dominant, recessive and additive designs. (2) The p-values of
# the tests genoassoc's power simulation runs, computed by R on genoassoc's simulated cohorts
# (replicates.tsv from make_replicates.py): log-rank (survdiff), Cox Wald (coxph, efron; NA where the
# estimate is infinite) and the Firth-penalised Cox likelihood ratio (the independent penalised
# likelihood of ../firth/make_golden.R). Run from this folder: Rscript make_golden.R
library(survival)
options(digits = 17)
out <- list()
put <- function(name, value) out[[name]] <<- value
variance <- function(q, model) {
  share <- switch(model, dominant = 1 - (1 - q)^2, recessive = q^2, additive = NA)
  if (model == "additive") 2 * q * (1 - q) else share * (1 - share)
}
designs <- list(list("dom", 2.0, 0.3, "dominant", 0.7, 30), list("rec", 3.0, 0.25, "recessive", 0.6, 24),
                list("add", 1.5, 0.3, "additive", 0.8, 40), list("dom_small", 1.3, 0.1, "dominant", 0.5, 500))
for (d in designs) {
  key <- d[[1]]; hr <- d[[2]]; v <- variance(d[[3]], d[[4]]); psi <- d[[5]]; n <- d[[6]]
  events <- (qnorm(0.975) + qnorm(0.8))^2 / (v * log(hr)^2)
  put(paste(key, "events", sep = "|"), events)
  put(paste(key, "patients", sep = "|"), events / psi)
  put(paste(key, "power", sep = "|"), pnorm(sqrt(n * psi * v) * abs(log(hr)) - qnorm(0.975)))
}

penalised <- function(beta, x, time, status) {
  tryCatch({
    fit <- suppressWarnings(coxph(Surv(time, status) ~ x, init = beta, control = coxph.control(iter.max = 0)))
    fit$loglik[1] + 0.5 * log(1 / fit$var[1, 1])
  }, error = function(e) -1e10)
}
firth_p <- function(x, time, status) {
  x <- x - mean(x)
  f <- function(b) penalised(b, x, time, status)
  best <- optimize(function(b) -f(b), c(-15, 15), tol = 1e-12)
  pchisq(2 * (-best$objective - f(0)), 1, lower.tail = FALSE)
}
reps <- read.delim("replicates.tsv")
model <- c(dominant30 = "dominant", recessive24 = "recessive", additive40 = "additive")
for (s in names(model)) for (r in unique(reps$replicate[reps$scenario == s])) {
  d <- reps[reps$scenario == s & reps$replicate == r, ]
  x <- switch(model[[s]], dominant = as.numeric(d$dosage >= 1), recessive = as.numeric(d$dosage == 2),
              additive = d$dosage)
  groups <- if (model[[s]] == "additive") d$dosage else x
  key <- paste(s, r, sep = "|")
  if (length(unique(groups)) < 2 || sum(d$event) == 0) next
  lr <- survdiff(Surv(d$time, d$event) ~ groups)
  put(paste(key, "logrank", sep = "|"), pchisq(lr$chisq, length(unique(groups)) - 1, lower.tail = FALSE))
  infinite <- FALSE
  fit <- withCallingHandlers(coxph(Surv(d$time, d$event) ~ x),
                             warning = function(w) { infinite <<- TRUE; invokeRestart("muffleWarning") })
  put(paste(key, "cox", sep = "|"), if (infinite) NA else summary(fit)$coefficients[1, 5])
  put(paste(key, "firth", sep = "|"), firth_p(x, d$time, d$event))
}
write.table(data.frame(name = names(out), value = unlist(out)), "r_golden.tsv", sep = "\t", row.names = FALSE,
            quote = FALSE, na = "NA")
