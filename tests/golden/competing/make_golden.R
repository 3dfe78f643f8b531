# Competing-risk goldens from R cmprsk: cumulative incidence per genotype group at 6, 12, 24 months
# (cuminc + timepoints, estimate and variance), Gray's test (3 groups, and stratified), and Fine-Gray
# subdistribution hazard ratios (crr: genotype dose and age). Data simulated here (ties included).
# A second, real data set: survival::mgus2 (progression to plasma-cell malignancy competing with death;
# months, heavy ties, missing haemoglobin), as mgus2.tsv.
# Run from this folder: Rscript make_golden.R
library(cmprsk)
options(digits = 17)
set.seed(20261123)
n <- 150
genotype <- sample(c("C/C", "G/C", "G/G"), n, replace = TRUE, prob = c(0.5, 0.4, 0.1))
dose <- c("C/C" = 0, "G/C" = 1, "G/G" = 2)[genotype]
age <- round(rnorm(n, 65, 9))
progression <- rexp(n, 0.04 * exp(0.4 * dose))
death <- rexp(n, 0.02)
censor <- runif(n, 6, 40)
time <- round(pmin(progression, death, censor), 1)
cause <- ifelse(time == round(censor, 1) & censor < pmin(progression, death), 0, ifelse(progression < death, 1, 2))
cohort <- sample(c("discovery", "validation"), n, replace = TRUE)
d <- data.frame(sample = sprintf("S%03d", 1:n), time, cause, genotype, dose, age, cohort)
write.table(d, "cohort.tsv", sep = "\t", row.names = FALSE, quote = FALSE)
out <- list()
put <- function(name, value) out[[name]] <<- value
ci <- cuminc(d$time, d$cause, d$genotype)
tp <- timepoints(ci, c(6, 12, 24))
for (g in c("C/C", "G/C", "G/G")) for (k in 1:2) for (t in c("6", "12", "24")) {
  put(paste("cif", g, k, t, "est", sep = "|"), tp$est[paste(g, k), t])
  put(paste("cif", g, k, t, "var", sep = "|"), tp$var[paste(g, k), t])
  # the log(-log) 95% CI genoassoc reports beside the estimate
  est <- tp$est[paste(g, k), t]; v <- tp$var[paste(g, k), t]
  put(paste("cif", g, k, t, "lo", sep = "|"), est^exp(-qnorm(0.975) * sqrt(v) / (est * log(est))))
  put(paste("cif", g, k, t, "hi", sep = "|"), est^exp(qnorm(0.975) * sqrt(v) / (est * log(est))))
}
put("gray|1|stat", ci$Tests["1", "stat"]); put("gray|1|p", ci$Tests["1", "pv"])
put("gray|2|stat", ci$Tests["2", "stat"]); put("gray|2|p", ci$Tests["2", "pv"])
strat <- cuminc(d$time, d$cause, d$genotype, strata = d$cohort)
put("gray_strata|1|stat", strat$Tests["1", "stat"])
fit <- crr(d$time, d$cause, cbind(dose = d$dose, age = d$age))
s <- summary(fit)
for (term in c("dose", "age")) {
  put(paste("crr", term, "coef", sep = "|"), fit$coef[[term]])
  put(paste("crr", term, "se", sep = "|"), sqrt(diag(fit$var))[which(names(fit$coef) == term)])
  put(paste("crr", term, "p", sep = "|"), s$coef[term, "p-value"])
}
crude <- crr(d$time, d$cause, cbind(dose = d$dose))
put("crr_crude|dose|coef", crude$coef[[1]]); put("crr_crude|dose|se", sqrt(crude$var[1, 1]))
put("crr_crude|dose|p", summary(crude)$coef[1, "p-value"])
fit2 <- crr(d$time, d$cause, cbind(dose = d$dose), failcode = 2)
put("crr2|dose|coef", fit2$coef[[1]]); put("crr2|dose|se", sqrt(fit2$var[1, 1]))
m <- survival::mgus2
m$time <- ifelse(m$pstat == 1, m$ptime, m$futime)
m$cause <- ifelse(m$pstat == 1, 1, 2 * m$death)
m$male <- as.integer(m$sex == "M")
m <- m[, c("id", "time", "cause", "sex", "male", "age", "hgb", "mspike")]
write.table(m, "mgus2.tsv", sep = "\t", row.names = FALSE, quote = FALSE, na = "")
mc <- cuminc(m$time, m$cause, m$sex)
tp <- timepoints(mc, c(60, 120, 240))
for (g in c("F", "M")) for (k in 1:2) for (t in c("60", "120", "240")) {
  put(paste("mgus_cif", g, k, t, "est", sep = "|"), tp$est[paste(g, k), t])
  put(paste("mgus_cif", g, k, t, "var", sep = "|"), tp$var[paste(g, k), t])
}
put("mgus_gray|1|stat", mc$Tests["1", "stat"]); put("mgus_gray|2|stat", mc$Tests["2", "stat"])
cc <- na.omit(m)
mf <- crr(cc$time, cc$cause, as.matrix(cc[, c("male", "age", "hgb", "mspike")]))
for (term in c("male", "age", "hgb", "mspike")) {
  put(paste("mgus_crr", term, "coef", sep = "|"), mf$coef[[term]])
  put(paste("mgus_crr", term, "se", sep = "|"), sqrt(diag(mf$var))[which(names(mf$coef) == term)])
}
write.table(data.frame(name = names(out), value = unlist(out)), "r_golden.tsv", sep = "\t", row.names = FALSE,
            quote = FALSE, na = "NA")

writeLines(capture.output(sessionInfo()), "sessionInfo.txt")
