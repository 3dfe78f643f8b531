# lambda_z goldens: noisy concentration profiles (one- and two-compartment oral, proportional noise)
# written here as profiles.tsv, and the terminal phase chosen by an independent implementation of the
# PKNCA / Phoenix WinNonlin "best fit" rule with lm(): log-linear fits to the last 3..n positive points
# after Tmax (Tmax excluded), keep the fits with a negative slope, and of those whose adjusted R² is
# within 1e-4 of the best take the one with the most points. Run from this folder: Rscript make_golden.R
options(digits = 17)
set.seed(20261123)
times <- c(0, 0.5, 1, 2, 3, 4, 6, 8, 12, 24, 36, 48)
one <- function(t, ka, ke, scale) scale * ka / (ka - ke) * (exp(-ke * t) - exp(-ka * t))
two <- function(t, ka, alpha, beta, a, b) a * exp(-alpha * t) + b * exp(-beta * t) - (a + b) * exp(-ka * t)
profiles <- list()
for (i in 1:6) profiles[[sprintf("P%02d", i)]] <- one(times, runif(1, 0.8, 2), runif(1, 0.04, 0.15), runif(1, 80, 200))
for (i in 7:12) profiles[[sprintf("P%02d", i)]] <- two(times, runif(1, 1.5, 3), runif(1, 0.4, 0.8),
                                                        runif(1, 0.03, 0.08), runif(1, 60, 150), runif(1, 20, 60))
# P13, P14: nearly exact exponentials (noise SD 0.002): every fit lies within 1e-4 of the best adjusted R²,
# so the rule's "most points" decides
profiles[["P13"]] <- one(times, 1.2, 0.09, 150)
profiles[["P14"]] <- one(times, 2.0, 0.05, 90)
noise <- c(rep(0.12, 12), 0.002, 0.002)
names(noise) <- names(profiles)
rows <- do.call(rbind, lapply(names(profiles), function(s) {
  conc <- profiles[[s]] * exp(rnorm(length(times), 0, noise[[s]]))
  conc[1] <- 0
  data.frame(sample = s, time_h = times, conc = signif(conc, 6))
}))
write.table(rows, "profiles.tsv", sep = "\t", row.names = FALSE, quote = FALSE)
out <- list()
for (s in unique(rows$sample)) {
  d <- rows[rows$sample == s, ]
  tmax <- d$time_h[which.max(d$conc)]
  after <- d[d$time_h > tmax & d$conc > 0, ]
  fits <- do.call(rbind, lapply(3:nrow(after), function(k) {
    tail_points <- tail(after, k)
    m <- lm(log(conc) ~ time_h, data = tail_points)
    data.frame(k = k, slope = coef(m)[[2]], adj = summary(m)$adj.r.squared)
  }))
  fits <- fits[fits$slope < 0, ]
  chosen <- fits[fits$adj >= max(fits$adj) - 1e-4, ]
  chosen <- chosen[which.max(chosen$k), ]
  out[[paste(s, "points", sep = "|")]] <- chosen$k
  out[[paste(s, "lambda_z", sep = "|")]] <- -chosen$slope
  out[[paste(s, "adj_r2", sep = "|")]] <- chosen$adj
  out[[paste(s, "half_life", sep = "|")]] <- log(2) / -chosen$slope
  out[[paste(s, "best_points", sep = "|")]] <- fits$k[which.max(fits$adj)]
}
write.table(data.frame(name = names(out), value = unlist(out)), "r_golden.tsv", sep = "\t", row.names = FALSE,
            quote = FALSE)
