# Proportional-odds regression goldens from R MASS::polr (method = "logistic", Hess = TRUE): coefficients,
# standard errors, thresholds (zeta), log-likelihood, and likelihood-ratio tests (anova of nested fits).
# Also responders (CR or PR) as a binary outcome of the same column: glm(binomial) and fisher.test.
# Data: MASS's housing survey (Sat ~ Infl + Type + Cont, 1681 respondents, rows expanded from Freq),
# R's warpbreaks (tension ~ wool + breaks, 54 looms) and the association test cohort with genotypes
# (cohort.tsv from make_cohort.py, ../assoc/calls.tsv). Run from this folder: Rscript make_golden.R
suppressMessages(library(MASS))
options(digits = 17)
out <- list()
put <- function(name, value) out[[name]] <<- unname(value)
fit <- function(key, formula, data) {
  m <- polr(formula, data = data, method = "logistic", Hess = TRUE)
  s <- sqrt(diag(vcov(m)))
  for (term in names(coef(m))) {
    put(paste(key, "coef", term, sep = "."), coef(m)[[term]])
    put(paste(key, "se", term, sep = "."), s[[term]])
  }
  for (k in seq_along(m$zeta)) put(paste(key, "zeta", k, sep = "."), m$zeta[[k]])
  put(paste(key, "loglik", sep = "."), as.numeric(logLik(m)))
  m
}

housing_rows <- housing[rep(seq_len(nrow(housing)), housing$Freq), c("Sat", "Infl", "Type", "Cont")]
write.table(housing_rows, "housing.tsv", sep = "\t", quote = FALSE, row.names = FALSE)
h <- fit("housing", Sat ~ Infl + Type + Cont, housing_rows)
h0 <- polr(Sat ~ Type + Cont, data = housing_rows, Hess = TRUE)
put("housing.lr_infl", anova(h0, h)$`LR stat.`[2]); put("housing.lr_infl_p", anova(h0, h)$`Pr(Chi)`[2])

write.table(warpbreaks, "warpbreaks.tsv", sep = "\t", quote = FALSE, row.names = FALSE)
w <- fit("warpbreaks", tension ~ wool + breaks, warpbreaks)

cohort <- read.delim("cohort.tsv", stringsAsFactors = FALSE, na.strings = "NA")
calls <- read.delim("../assoc/calls.tsv", stringsAsFactors = FALSE)
calls <- calls[calls$status == "called", ]
d <- merge(cohort, calls, by = "sample")
d$g <- (substr(d$genotype, 1, 1) == "G") + (substr(d$genotype, 3, 3) == "G")
d$codominant <- factor(c("C/C", "G/C", "G/G")[d$g + 1], levels = c("C/C", "G/C", "G/G"))
d$dominant <- as.numeric(d$g > 0)
d$recist <- factor(d$recist, levels = c("PD", "SD", "PR", "CR"), ordered = TRUE)
d$ecog <- factor(d$ecog, levels = 0:2, ordered = TRUE)
r <- d[!is.na(d$recist), ]
put("recist.n", nrow(r))
c1 <- fit("recist_codominant", recist ~ codominant, r)
c0 <- polr(recist ~ 1, data = r, Hess = TRUE)
put("recist_codominant.lr", anova(c0, c1)$`LR stat.`[2]); put("recist_codominant.lr_p", anova(c0, c1)$`Pr(Chi)`[2])
a1 <- fit("recist_dominant_adjusted", recist ~ dominant + age + sex, r)
a0 <- polr(recist ~ age + sex, data = r, Hess = TRUE)
put("recist_dominant_adjusted.lr", anova(a0, a1)$`LR stat.`[2])
put("recist_dominant_adjusted.lr_p", anova(a0, a1)$`Pr(Chi)`[2])
e1 <- fit("ecog_additive", ecog ~ g, d)
# responders = CR or PR against SD and PD: the same recist column as a binary outcome (logistic, Fisher)
r$responder <- as.integer(r$recist %in% c("CR", "PR"))
b <- glm(responder ~ codominant, family = binomial, data = r)
for (term in c("codominantG/C", "codominantG/G")) {
  put(paste("responder.coef", term, sep = "."), coef(b)[[term]])
  put(paste("responder.se", term, sep = "."), sqrt(diag(vcov(b)))[[term]])
}
put("responder.fisher_p", fisher.test(table(r$responder, r$codominant))$p.value)
put("responder.events", sum(r$responder))

golden <- data.frame(key = names(out), value = sprintf("%.17g", unlist(out)))
write.table(golden, "r_golden.tsv", sep = "\t", quote = FALSE, row.names = FALSE)
writeLines(c(R.version.string, paste("MASS", packageVersion("MASS"))), "versions.txt")
