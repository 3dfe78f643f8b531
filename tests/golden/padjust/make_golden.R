# p.adjust goldens (base R): BH, holm and bonferroni on p-values with ties, a missing value, values near
# 1 and tiny ones. Run from this folder: Rscript make_golden.R
options(digits = 17)
sets <- list(
  ties = c(0.01, 0.04, 0.04, 0.03, 0.5, 0.9, 0.2, 0.04),
  missing = c(0.001, NA, 0.02, 0.5, 0.049, NA),
  extreme = c(1e-12, 0.999, 1, 2.2e-16, 0.0499, 0.05, 0.051),
  one = c(0.03)
)
out <- list()
for (name in names(sets)) for (method in c("BH", "holm", "bonferroni")) {
  adjusted <- p.adjust(sets[[name]], method = method)
  for (i in seq_along(adjusted)) {
    out[[paste(name, method, i, sep = "|")]] <- adjusted[i]
    out[[paste(name, "p", i, sep = "|")]] <- sets[[name]][i]
  }
}
write.table(data.frame(name = names(out), value = unlist(out)), "r_golden.tsv", sep = "\t", row.names = FALSE,
            quote = FALSE, na = "NA")
