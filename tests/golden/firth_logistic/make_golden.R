# Firth-penalised logistic regression (Firth 1993; Heinze & Schemper 2002) written independently of
# genoassoc: the penalised log-likelihood l(b) + 0.5 log det(X'WX) written out here, maximised by optim
# then Newton steps on numerical derivatives; profile penalised-likelihood 95% CIs by uniroot and p by
# the penalised likelihood ratio (logistf's defaults). logistf itself is not packaged for Debian.
# Data: the example study's response by rs1800796 genotype (G/G: every patient one outcome) with age;
# a completely separated marker; and a simulated 3-covariate set. Run from this folder: Rscript make_golden.R
options(digits = 17)
out <- list()
put <- function(name, value) out[[name]] <<- value

penalised <- function(beta, X, y) {
  eta <- drop(X %*% beta)
  log_p <- plogis(eta, log.p = TRUE); log_q <- plogis(-eta, log.p = TRUE)
  info <- crossprod(X * sqrt(exp(log_p + log_q)))
  sum(y * log_p + (1 - y) * log_q) + 0.5 * as.numeric(determinant(info, logarithm = TRUE)$modulus)
}

maximise <- function(f, start) {
  par <- optim(start, function(b) -f(b), method = "BFGS", control = list(reltol = 1e-15, maxit = 10000))$par
  h <- 1e-4
  for (i in 1:30) {
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

firth <- function(key, X, y) {
  X <- cbind("(Intercept)" = 1, as.matrix(X))
  # optimised on unit-SD columns (b = g / scale: the same maximum, better conditioned), reported on X's scale
  scale <- c(1, apply(X[, -1, drop = FALSE], 2, sd))
  Xs <- sweep(X, 2, scale, "/")
  f <- function(g) penalised(g, Xs, y)
  best <- maximise(f, rep(0, ncol(X)))
  for (j in seq_len(ncol(X))) {
    profile <- function(value) {
      g <- function(rest) { b <- numeric(ncol(X)); b[j] <- value; b[-j] <- rest; f(b) }
      maximise(g, best$par[-j])$value
    }
    gap <- function(value) 2 * (best$value - profile(value)) - qchisq(0.95, 1)
    name <- colnames(X)[j]
    put(paste(key, name, "coef", sep = "|"), best$par[j] / scale[j])
    put(paste(key, name, "p", sep = "|"), pchisq(2 * (best$value - profile(0)), 1, lower.tail = FALSE))
    bound <- function(direction) {
      width <- 1
      while (gap(best$par[j] + direction * width) < 0 && width < 64) width <- width * 2
      ends <- sort(c(best$par[j], best$par[j] + direction * width))
      uniroot(gap, ends, tol = 1e-11)$root
    }
    put(paste(key, name, "lo", sep = "|"), bound(-1) / scale[j])
    put(paste(key, name, "hi", sep = "|"), bound(1) / scale[j])
  }
}

pheno <- read.delim("../../../examples/phenotypes.tsv")
calls <- read.delim("../publication/calls.tsv", colClasses = "character")
calls <- calls[calls$status == "called" & calls$locus == "rs1800796", ]
d <- merge(pheno, calls[, c("sample", "genotype")], by = "sample")
d$y <- as.integer(d$response == "SD/PD")
d$gg <- as.integer(d$genotype == "G/G")
d$carrier <- as.integer(d$genotype != "C/C")
write.table(d[, c("sample", "y", "gg", "carrier", "age")], "example.tsv", sep = "\t", row.names = FALSE, quote = FALSE)
firth("example_gg", d[, "gg", drop = FALSE], d$y)
firth("example_carrier_age", d[, c("carrier", "age")], d$y)
separated <- data.frame(y = c(0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 0, 1), x = c(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 2.5, 7.5))
write.table(separated, "separated.tsv", sep = "\t", row.names = FALSE, quote = FALSE)
firth("separated", separated[, "x", drop = FALSE], separated$y)
set.seed(20261123)
n <- 60
sim <- data.frame(a = rnorm(n), b = rbinom(n, 1, 0.3), c = round(rnorm(n, 50, 10)))
sim$y <- rbinom(n, 1, plogis(-0.5 + 0.8 * sim$a + 1.2 * sim$b - 0.02 * (sim$c - 50)))
write.table(sim, "simulated.tsv", sep = "\t", row.names = FALSE, quote = FALSE)
firth("simulated", sim[, c("a", "b", "c")], sim$y)
write.table(data.frame(name = names(out), value = unlist(out)), "r_golden.tsv", sep = "\t", row.names = FALSE,
            quote = FALSE)
