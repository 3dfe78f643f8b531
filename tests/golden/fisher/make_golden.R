# Fisher's exact test of 2x3 tables at cohort scale (R fisher.test, FEXACT network algorithm): tables from
# survival::flchain and survival::nafld1 and small genotype-like tables. Run from this folder: Rscript make_golden.R
library(survival)
tables <- list()
tables$flchain_age <- table(flchain$death, cut(flchain$age, c(0, 60, 70, Inf)))
tables$flchain_flcgrp <- table(flchain$death, cut(flchain$flc.grp, c(0, 3, 7, 10)))
nafld <- nafld1[!is.na(nafld1$bmi), ]
tables$nafld1_bmi <- table(nafld$status, cut(nafld$bmi, c(0, 25, 30, Inf)))
tables$genotype_small <- matrix(c(12, 3, 9, 8, 1, 4), nrow = 2)
tables$genotype_sparse <- matrix(c(20, 0, 15, 2, 3, 5), nrow = 2)
tables$genotype_null <- matrix(c(40, 35, 30, 28, 7, 6), nrow = 2)
out <- do.call(rbind, lapply(names(tables), function(name) {
  t <- tables[[name]]
  p <- fisher.test(t, workspace = 2e9)$p.value
  data.frame(name = name, row1 = paste(t[1, ], collapse = ","), row2 = paste(t[2, ], collapse = ","),
             p = format(p, digits = 17))
}))
write.table(out, "r_golden.tsv", sep = "\t", quote = FALSE, row.names = FALSE)
writeLines(capture.output(sessionInfo()), "sessionInfo.txt")
