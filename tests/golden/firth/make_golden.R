# Firth-penalised Cox regression (Heinze & Schemper 2001) written independently of genoassoc: the
# penalised log partial likelihood l(b) + 0.5 log det I(b), with l and I taken from R survival's
# coxph evaluated at b (iter.max = 0), maximised by optim then Newton steps on numerical derivatives;
# profile penalised-likelihood CIs by uniroot, p by the penalised likelihood ratio (as coxphf reports).
# coxphf itself is not packaged for Debian. Run from this folder: Rscript make_golden.R
library(survival)
options(digits = 17)
out <- list()
put <- function(name, value) out[[name]] <<- value

penalised <- function(beta, X, time, status, ties) {
  # far from the maximum exp() overflows or the information is numerically singular
  tryCatch({
    fit <- suppressWarnings(coxph(Surv(time, status) ~ X, init = beta, ties = ties,
                                  control = coxph.control(iter.max = 0)))
    fit$loglik[1] + 0.5 * as.numeric(determinant(solve(fit$var), logarithm = TRUE)$modulus)
  }, error = function(e) -1e10)
}

maximise <- function(f, start) {
  # optim, then Newton with central-difference derivatives for a maximum accurate to ~1e-9
  par <- optim(start, function(b) -f(b), method = "BFGS", control = list(reltol = 1e-15))$par
  h <- 1e-4
  for (i in 1:20) {
    k <- length(par)
    g <- sapply(1:k, function(j) { e <- replace(numeric(k), j, h); (f(par + e) - f(par - e)) / (2 * h) })
    H <- matrix(0, k, k)
    for (a in 1:k) for (b in 1:k) {
      ea <- replace(numeric(k), a, h); eb <- replace(numeric(k), b, h)
      H[a, b] <- (f(par + ea + eb) - f(par + ea - eb) - f(par - ea + eb) + f(par - ea - eb)) / (4 * h * h)
    }
    step <- tryCatch(solve(H, g), error = function(e) NULL)
    if (is.null(step) || f(par - step) < f(par) - 1e-12) break
    par <- par - step
    if (max(abs(step)) < 1e-11) break
  }
  list(par = par, value = f(par))
}

firth <- function(key, X, time, status, ties) {
  # centred columns: the same estimates (the partial likelihood and I do not see a shift), better optimisation
  X <- scale(as.matrix(X), center = TRUE, scale = FALSE)
  f <- function(b) penalised(b, X, time, status, ties)
  best <- maximise(f, rep(0, ncol(X)))
  for (j in seq_len(ncol(X))) {
    profile <- function(value) {
      if (ncol(X) == 1) return(f(value))
      g <- function(rest) { b <- numeric(ncol(X)); b[j] <- value; b[-j] <- rest; f(b) }
      maximise(g, best$par[-j])$value
    }
    gap <- function(value) 2 * (best$value - profile(value)) - qchisq(0.95, 1)
    name <- colnames(X)[j]
    put(paste(key, name, "coef", sep = "|"), best$par[j])
    put(paste(key, name, "p", sep = "|"), pchisq(2 * (best$value - profile(0)), 1, lower.tail = FALSE))
    put(paste(key, name, "lo", sep = "|"), uniroot(gap, c(best$par[j] - 20, best$par[j]), tol = 1e-11)$root)
    put(paste(key, name, "hi", sep = "|"), uniroot(gap, c(best$par[j], best$par[j] + 20), tol = 1e-11)$root)
  }
}

# A 30-patient cohort like the osimertinib study: the two G/G patients have no events (monotone
# likelihood: the ML hazard ratio is 0), and age as a second covariate.
set.seed(20261123)
n <- 30
genotype <- c(rep("G/G", 2), rep("G/C", 13), rep("C/C", 15))
age <- round(rnorm(n, 68, 9))
time <- round(rexp(n, 0.05 * ifelse(genotype == "C/C", 2, 1)), 1) + 0.1
status <- rbinom(n, 1, 0.75)
status[genotype == "G/G"] <- 0
time[1:6] <- c(3.1, 3.1, 8.0, 8.0, 8.0, 12.5)  # tied times
sparse <- data.frame(time, status, gg = as.integer(genotype == "G/G"), cc = as.integer(genotype == "C/C"), age)
write.table(sparse, "sparse.tsv", sep = "\t", row.names = FALSE, quote = FALSE)
ovarian2 <- ovarian[, c("futime", "fustat", "age", "rx")]
write.table(ovarian2, "ovarian.tsv", sep = "\t", row.names = FALSE, quote = FALSE)
for (ties in c("efron", "breslow")) {
  firth(paste0("sparse.gg.", ties), sparse[, "gg", drop = FALSE], sparse$time, sparse$status, ties)
  firth(paste0("sparse.gg_age.", ties), sparse[, c("gg", "age")], sparse$time, sparse$status, ties)
  firth(paste0("sparse.cc.", ties), sparse[, "cc", drop = FALSE], sparse$time, sparse$status, ties)
  firth(paste0("ovarian.", ties), ovarian2[, c("age", "rx")], ovarian2$futime, ovarian2$fustat, ties)
}
write.table(data.frame(name = names(out), value = unlist(out)), "r_golden.tsv", sep = "\t", row.names = FALSE,
            quote = FALSE)
