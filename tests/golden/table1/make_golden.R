# Regenerate r_golden.tsv: the tests genoassoc table1 chooses, run by R on examples/hcc_discovery.tsv
# grouped by response (run from this folder: Rscript make_golden.R).
d <- read.delim("../../../examples/hcc_discovery.tsv", stringsAsFactors = FALSE)
out <- c(
  age_welch = t.test(age ~ response, data = d)$p.value,
  il6_wilcox = wilcox.test(il6 ~ response, data = d, exact = FALSE)$p.value,
  il6_wilcox_default = wilcox.test(il6 ~ response, data = d)$p.value,
  sex_chisq = chisq.test(table(d$sex, d$response))$p.value,
  bclc_chisq = chisq.test(table(d$bclc, d$response))$p.value,
  ecog_chisq = chisq.test(table(d$ecog, d$response))$p.value,
  albi_chisq = chisq.test(table(d$albi_grade, d$response))$p.value
)
write.table(data.frame(name = names(out), value = sprintf("%.15g", out)), "r_golden.tsv", sep = "\t",
            quote = FALSE, row.names = FALSE)
writeLines(capture.output(sessionInfo()), "sessionInfo.txt")
