# Regenerate chisq_golden.tsv: HWE chi-square from R genetics::HWE.chisq, uncorrected and with
# Yates' correction (chisq.test's default), for the polymorphic configurations of golden.tsv.
# Run from this folder: Rscript chisq.R
suppressMessages(library(genetics))
configs <- read.delim("golden.tsv")
out <- data.frame()
for (i in seq_len(nrow(configs))) {
  x <- configs[i, ]
  if ((2 * x$hom1 + x$het) == 0 || (2 * x$hom2 + x$het) == 0) next
  g <- genotype(c(rep("G/G", x$hom1), rep("G/C", x$het), rep("C/C", x$hom2)))
  plain <- suppressWarnings(HWE.chisq(g, simulate.p.value = FALSE, correct = FALSE))
  yates <- suppressWarnings(HWE.chisq(g, simulate.p.value = FALSE, correct = TRUE))
  out <- rbind(out, data.frame(hom1 = x$hom1, het = x$het, hom2 = x$hom2,
                               chisq = unname(plain$statistic), p_chisq = plain$p.value,
                               chisq_cc = unname(yates$statistic), p_chisq_cc = yates$p.value))
}
write.table(format(out, digits = 15), "chisq_golden.tsv", sep = "\t", quote = FALSE, row.names = FALSE)
