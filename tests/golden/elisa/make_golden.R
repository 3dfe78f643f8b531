# Goldens for genoassoc's ELISA standard curves (genoassoc/stats/logistic.py), from base R's nls.
# Run from this folder: Rscript make_golden.R  (writes dnase.tsv, plates.tsv, r_golden.tsv, r_readback.tsv,
# sessionInfo.txt)
#  - 4PL: nls(y ~ SSfpl(log(conc), A, B, xmid, scal)) on every run of R's DNase ELISA data and on simulated plates,
#    unweighted and with weights 1/y and 1/y^2;
#  - 5PL: nls(y ~ A + (B - A) / (1 + exp((xmid - log(conc)) / scal))^s), started from the 4PL fit (port algorithm);
#  - read-back: the log concentration at a response, with its delta-method 95% interval (Student t on the residual df),
#    computed here from nls's vcov and numericDeriv, independently of genoassoc's analytic derivatives.
set.seed(20261202)
dnase <- data.frame(dataset = paste0("DNase", as.integer(as.character(DNase$Run))), conc = DNase$conc,
                    y = DNase$density)
# simulated plates: Quantikine-like IL-6 standards (pg/mL), duplicates, proportional + constant noise
simulate <- function(name, A, B, xmid, scal, s, cv, levels) {
  conc <- rep(levels, each = 2)
  mu <- A + (B - A) / (1 + exp((xmid - log(conc)) / scal))^s
  data.frame(dataset = name, conc = conc, y = round(mu * (1 + rnorm(length(mu), 0, cv)) + rnorm(length(mu), 0, 0.004), 4))
}
il6 <- c(300, 150, 75, 37.5, 18.75, 9.375, 4.6875, 3.125)
plates <- rbind(simulate("sim_il6_sym", 0.02, 2.9, log(80), 0.9, 1, 0.03, il6),
                simulate("sim_il6_asym", 0.05, 3.2, log(60), 0.7, 0.6, 0.02, il6),
                simulate("sim_falling", 0.1, 2.1, log(20), -1.1, 1, 0.03, c(1000, 300, 100, 30, 10, 3, 1)),
                simulate("sim_noisy", 0.03, 2.5, log(40), 1.3, 1, 0.08, il6))
write.table(dnase, "dnase.tsv", sep = "\t", quote = FALSE, row.names = FALSE)
write.table(plates, "plates.tsv", sep = "\t", quote = FALSE, row.names = FALSE)
all <- rbind(dnase, plates)
weights_of <- function(rule, y) switch(rule, none = rep(1, length(y)), "1/y" = 1 / y, "1/y2" = 1 / y^2)
rows <- list(); readback <- list()
for (name in unique(all$dataset)) {
  d <- all[all$dataset == name, ]
  for (rule in c("none", "1/y", "1/y2")) {
    d$w <- weights_of(rule, d$y)
    if (any(!is.finite(d$w) | d$w <= 0)) next
    f4 <- tryCatch(nls(y ~ SSfpl(log(conc), A, B, xmid, scal), data = d, weights = w,
                       control = nls.control(maxiter = 500)), error = function(e) NULL)
    if (is.null(f4)) {
      # SSfpl's own initialiser fails on some plates: start from a logit regression instead (the fit is the same
      # model and objective)
      lo <- d$y[which.min(d$conc)]; hi <- d$y[which.max(d$conc)]; m <- 0.05 * diff(range(d$y)) * sign(hi - lo)
      u <- pmin(pmax((d$y - (lo - m)) / ((hi + m) - (lo - m)), 1e-6), 1 - 1e-6)
      l <- coef(lm(log(conc) ~ qlogis(u), data = d))
      f4 <- nls(y ~ A + (B - A) / (1 + exp((xmid - log(conc)) / scal)), data = d, weights = w,
                start = list(A = lo - m, B = hi + m, xmid = l[[1]], scal = l[[2]]),
                control = nls.control(maxiter = 500))
    }
    fits <- list("4pl" = f4)
    s4 <- coef(f4)
    f5 <- tryCatch(nls(y ~ A + (B - A) / (1 + exp((xmid - log(conc)) / scal))^s, data = d, weights = w,
                       start = c(as.list(s4), s = 1), algorithm = "port",
                       control = nls.control(maxiter = 1000, tol = 1e-10)), error = function(e) NULL)
    if (!is.null(f5)) fits[["5pl"]] <- f5
    for (model in names(fits)) {
      f <- fits[[model]]
      co <- summary(f)$coefficients
      rows[[length(rows) + 1]] <- data.frame(dataset = name, model = model, weights = rule,
        parameter = rownames(co), estimate = co[, 1], se = co[, 2], sigma = summary(f)$sigma,
        df = df.residual(f), rss = sum(d$w * residuals(f)^2))
      # read-back at three responses inside the curve: the 25th, 50th and 75th percentile of the standards
      th <- coef(f); V <- vcov(f)
      p <- if (model == "5pl") th[["s"]] else 1
      curve_at <- function(theta, x) {
        s <- if (length(theta) == 5) theta[[5]] else 1
        theta[[1]] + (theta[[2]] - theta[[1]]) / (1 + exp((theta[[3]] - x) / theta[[4]]))^s
      }
      for (q in c(0.25, 0.5, 0.75)) {
        yq <- unname(quantile(d$y, q))
        inv <- function(theta) uniroot(function(x) curve_at(theta, x) - yq, c(-30, 30), tol = 1e-14)$root
        x0 <- inv(th)
        g <- sapply(seq_along(th), function(j) { h <- 1e-6 * max(1, abs(th[j])); tp <- th; tm <- th
          tp[j] <- th[j] + h; tm[j] <- th[j] - h; (inv(tp) - inv(tm)) / (2 * h) })
        slope <- (curve_at(th, x0 + 1e-6) - curve_at(th, x0 - 1e-6)) / 2e-6
        wq <- weights_of(rule, yq)
        v <- drop(t(g) %*% V %*% g) + summary(f)$sigma^2 / wq / 2 / slope^2
        half <- qt(0.975, df.residual(f)) * sqrt(v)
        readback[[length(readback) + 1]] <- data.frame(dataset = name, model = model, weights = rule,
          response = yq, replicates = 2, conc = exp(x0), low = exp(x0 - half), high = exp(x0 + half))
      }
    }
  }
}
out <- do.call(rbind, rows)
write.table(format(out, digits = 15), "r_golden.tsv", sep = "\t", quote = FALSE, row.names = FALSE)
write.table(format(do.call(rbind, readback), digits = 15), "r_readback.tsv", sep = "\t", quote = FALSE,
            row.names = FALSE)
writeLines(capture.output(sessionInfo()), "sessionInfo.txt")

# The example plate (examples/elisa_plate.csv, examples/elisa_layout.tsv) analysed end to end as a lab would in R:
# 450 nm less 570 nm, less the mean blank, SSfpl on the standard wells, LLOQ/ULOQ from the standards' recovery
# (mean OD read back within 80-120%), each sample's mean OD read back, times its dilution.
lines <- readLines("../../../examples/elisa_plate.csv")
grid <- function(label) {
  start <- grep(paste0("^Read [0-9]:", label), lines) + 2
  m <- do.call(rbind, lapply(strsplit(lines[start:(start + 7)], ","), function(f) as.numeric(f[2:13])))
  data.frame(well = paste0(rep(LETTERS[1:8], 12), rep(1:12, each = 8)), od = as.vector(m))
}
od <- merge(grid("450"), grid("570"), by = "well", suffixes = c("", "_570"))
od$od <- od$od - od$od_570
layout <- read.delim("../../../examples/elisa_layout.tsv", colClasses = "character")
wells <- merge(layout, od, by = "well")
wells$od <- wells$od - mean(wells$od[wells$type == "blank"])
std <- wells[wells$type == "standard", ]; std$conc <- as.numeric(std$conc)
fit <- nls(od ~ SSfpl(log(conc), A, B, xmid, scal), data = std)
th <- coef(fit)
readback <- function(y) exp(th[["xmid"]] - th[["scal"]] * log((th[["B"]] - th[["A"]]) / (y - th[["A"]]) - 1))
levels <- aggregate(od ~ conc, data = std, FUN = mean)
levels$recovery <- 100 * suppressWarnings(readback(levels$od)) / levels$conc
ok <- !is.na(levels$recovery) & levels$recovery >= 80 & levels$recovery <= 120
lloq <- min(levels$conc[ok]); uloq <- max(levels$conc[ok])
smp <- wells[wells$type == "sample", ]
smp$dilution <- as.numeric(smp$dilution)
means <- aggregate(od ~ sample + dilution, data = smp, FUN = mean)
means$conc <- suppressWarnings(readback(means$od))
means$il6 <- ifelse(!is.na(means$conc) & means$conc >= lloq, format(means$conc * means$dilution, digits = 15),
                    paste0("<", lloq * means$dilution))
write.table(means[order(means$sample), c("sample", "il6")], "r_example.tsv", sep = "\t", quote = FALSE,
            row.names = FALSE)
write.table(data.frame(parameter = names(th), estimate = format(th, digits = 15),
                       se = format(summary(fit)$coefficients[, 2], digits = 15), lloq = lloq, uloq = uloq),
            "r_example_curve.tsv", sep = "\t", quote = FALSE, row.names = FALSE)
