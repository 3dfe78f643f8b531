# Regenerate r_golden.tsv from cohort.tsv + calls.tsv (run from this folder: Rscript make_golden.R).
# Effect allele G (the minor allele): dominant = G carriers, recessive = G/G, overdominant = G/C,
# additive = copies of G. Complete cases; covariates age (numeric), sex and egfr (factors, first
# sorted level as reference).
cohort <- read.delim("cohort.tsv", stringsAsFactors = FALSE)
calls <- read.delim("calls.tsv", stringsAsFactors = FALSE)
calls <- calls[calls$status == "called", ]
d <- merge(cohort, calls, by = "sample")
d$g <- (substr(d$genotype, 1, 1) == "G") + (substr(d$genotype, 3, 3) == "G")
d$dominant <- d$g > 0; d$recessive <- d$g == 2; d$overdominant <- d$g == 1
d$codominant <- factor(c("C/C", "G/C", "G/G")[d$g + 1], levels = c("C/C", "G/C", "G/G"))
d$responder <- as.integer(d$response == "CR/PR")
out <- list()
put <- function(name, value) out[[name]] <<- unname(value)
put("n_analysed", nrow(d))

for (m in c("dominant", "recessive", "overdominant")) {
  for (y in c("il6", "il6_rounded")) {
    w <- wilcox.test(d[[y]] ~ d[[m]], exact = FALSE, correct = TRUE)
    put(paste("wilcox", m, y, "W", sep = "."), w$statistic); put(paste("wilcox", m, y, "p", sep = "."), w$p.value)
  }
}
small <- d[1:20, ]
w <- wilcox.test(small$il6 ~ small$dominant, exact = TRUE)
put("wilcox.exact.dominant.il6.W", w$statistic); put("wilcox.exact.dominant.il6.p", w$p.value)
for (y in c("il6", "il6_rounded")) {
  k <- kruskal.test(d[[y]] ~ d$codominant)
  put(paste("kruskal", y, "stat", sep = "."), k$statistic); put(paste("kruskal", y, "p", sep = "."), k$p.value)
}

for (m in c("dominant", "recessive", "overdominant", "additive", "codominant")) {
  x <- if (m == "additive") d$g else d[[m]]
  f <- lm(log(d$il6) ~ x + age + sex + egfr, data = d)
  s <- summary(f)$coefficients; ci <- confint(f)
  rows <- grep("^x", rownames(s))
  for (r in rows) {
    key <- paste("lm", m, rownames(s)[r], sep = ".")
    put(paste(key, "beta", sep = "."), s[r, 1]); put(paste(key, "lo", sep = "."), ci[r, 1])
    put(paste(key, "hi", sep = "."), ci[r, 2]); put(paste(key, "p", sep = "."), s[r, 4])
  }
  g <- glm(responder ~ x + age + sex + egfr, data = d, family = binomial)
  s <- summary(g)$coefficients; ci <- confint.default(g)
  for (r in grep("^x", rownames(s))) {
    key <- paste("glm", m, rownames(s)[r], sep = ".")
    put(paste(key, "beta", sep = "."), s[r, 1]); put(paste(key, "lo", sep = "."), ci[r, 1])
    put(paste(key, "hi", sep = "."), ci[r, 2]); put(paste(key, "p", sep = "."), s[r, 4])
  }
  # the crude models (the genotype alone), on the same complete cases
  f <- lm(log(d$il6) ~ x, data = d)
  s <- summary(f)$coefficients; ci <- confint(f)
  for (r in grep("^x", rownames(s))) {
    key <- paste("lm_crude", m, rownames(s)[r], sep = ".")
    put(paste(key, "beta", sep = "."), s[r, 1]); put(paste(key, "lo", sep = "."), ci[r, 1])
    put(paste(key, "hi", sep = "."), ci[r, 2]); put(paste(key, "p", sep = "."), s[r, 4])
  }
  g <- glm(responder ~ x, data = d, family = binomial)
  s <- summary(g)$coefficients; ci <- confint.default(g)
  for (r in grep("^x", rownames(s))) {
    key <- paste("glm_crude", m, rownames(s)[r], sep = ".")
    put(paste(key, "beta", sep = "."), s[r, 1]); put(paste(key, "lo", sep = "."), ci[r, 1])
    put(paste(key, "hi", sep = "."), ci[r, 2]); put(paste(key, "p", sep = "."), s[r, 4])
  }
}

for (m in c("dominant", "recessive", "overdominant")) {
  t2 <- table(d[[m]], d$responder)
  ft <- fisher.test(t2)
  put(paste("fisher", m, "p", sep = "."), ft$p.value); put(paste("fisher", m, "or", sep = "."), ft$estimate)
  put(paste("fisher", m, "lo", sep = "."), ft$conf.int[1]); put(paste("fisher", m, "hi", sep = "."), ft$conf.int[2])
  put(paste("chisq", m, "yates", sep = "."), chisq.test(t2)$statistic)
  put(paste("chisq", m, "yates.p", sep = "."), chisq.test(t2)$p.value)
  put(paste("chisq", m, "plain", sep = "."), chisq.test(t2, correct = FALSE)$statistic)
  put(paste("chisq", m, "plain.p", sep = "."), chisq.test(t2, correct = FALSE)$p.value)
}
t3 <- table(d$codominant, d$responder)
put("fisher.codominant.p", fisher.test(t3)$p.value)
put("chisq.codominant.plain", suppressWarnings(chisq.test(t3)$statistic))
put("chisq.codominant.plain.p", suppressWarnings(chisq.test(t3)$p.value))

for (method in c("spearman", "pearson", "kendall")) {
  for (set in c("all", "small", "ties")) {
    x <- if (set == "ties") d$il6_rounded else d$il6
    y <- d$c0
    if (set == "small") { x <- x[1:20]; y <- y[1:20] }
    ct <- suppressWarnings(cor.test(x, y, method = method))
    key <- paste("cor", method, set, sep = ".")
    put(paste(key, "estimate", sep = "."), ct$estimate); put(paste(key, "p", sep = "."), ct$p.value)
    put(paste(key, "statistic", sep = "."), ct$statistic)
    if (!is.null(ct$conf.int)) { put(paste(key, "lo", sep = "."), ct$conf.int[1]); put(paste(key, "hi", sep = "."), ct$conf.int[2]) }
  }
}
w <- wilcox.test(d$il6_post, d$il6_pre, paired = TRUE, exact = FALSE, correct = TRUE)
put("paired.V", w$statistic); put("paired.p", w$p.value)
w <- wilcox.test(d$il6_post[1:15], d$il6_pre[1:15], paired = TRUE, exact = TRUE)
put("paired.exact.V", w$statistic); put("paired.exact.p", w$p.value)

# the corr and paired commands on the whole cohort file (every sample, genotyped or not)
for (method in c("pearson", "spearman")) {
  ct <- suppressWarnings(cor.test(cohort$il6, cohort$c0, method = method))
  put(paste("cohort.cor", method, "estimate", sep = "."), ct$estimate)
  put(paste("cohort.cor", method, "p", sep = "."), ct$p.value)
  if (!is.null(ct$conf.int)) {
    put(paste("cohort.cor", method, "lo", sep = "."), ct$conf.int[1])
    put(paste("cohort.cor", method, "hi", sep = "."), ct$conf.int[2])
  }
}
w <- wilcox.test(cohort$il6_post, cohort$il6_pre, paired = TRUE, exact = FALSE, correct = TRUE)
put("cohort.paired.V", w$statistic); put("cohort.paired.p", w$p.value)

write.table(data.frame(name = names(out), value = sprintf("%.15g", unlist(out))), "r_golden.tsv",
            sep = "\t", quote = FALSE, row.names = FALSE)

# Max-statistic over dominant, recessive, additive trend tests (Gonzalez et al. 2008, the method of
# SNPassoc's maxstat, which is not packaged for Debian): statistics and mvtnorm::pmvnorm p-value.
suppressMessages(library(mvtnorm))
t3 <- table(d$responder, factor(d$g, levels = 0:2))
trend <- function(tab, s) {
  n <- colSums(tab); N <- sum(n); r <- tab[2, ]; pr <- sum(r) / N
  sum(s * (r - n * pr))^2 / (pr * (1 - pr) * (sum(s^2 * n) - sum(s * n)^2 / N))
}
scores <- list(dominant = c(0, 1, 1), recessive = c(0, 0, 1), additive = c(0, 1, 2))
stat <- sapply(scores, function(s) trend(t3, s))
n <- colSums(t3)
centred <- lapply(scores, function(s) s - sum(s * n) / sum(n))
sigma <- outer(1:3, 1:3, Vectorize(function(a, b) sum(n * centred[[a]] * centred[[b]])))
sigma <- cov2cor(sigma)
m <- max(stat)
set.seed(1)
p <- 1 - pmvnorm(lower = rep(-sqrt(m), 3), upper = rep(sqrt(m), 3), corr = sigma,
                 algorithm = GenzBretz(abseps = 1e-9, maxpts = 1e6))
extra <- data.frame(name = c(paste0("maxstat.", names(stat)), "maxstat.max", "maxstat.p"),
                    value = sprintf("%.15g", c(stat, m, p)))
write.table(extra, "r_golden.tsv", sep = "\t", quote = FALSE, row.names = FALSE, col.names = FALSE,
            append = TRUE)

writeLines(capture.output(sessionInfo()), "sessionInfo.txt")
