# The population check's p-values from base R for four test cohorts against reference.tsv (see README),
# and two against genoassoc's shipped reference:
# Fisher's exact test of the cohort's allele counts against the reference counts (frequency x allele
# number, rounded) where the number is known, else the exact binomial test. Run: Rscript make_golden.R
options(digits = 17)
ref_count <- function(f, n) round(f * n)
out <- c(
  # japanese: rs1800796 G/G 2, G/C 13, C/C 15 -> C 43 of 60, against the Han Chinese C 0.7802 (binomial)
  japanese_rs1800796 = binom.test(43, 60, 0.7802)$p.value,
  # flipped: rs1800796 G/G 36, G/C 22, C/C 2 -> C 26 of 120, against C 0.7802 (binomial)
  flipped_rs1800796 = binom.test(26, 120, 0.7802)$p.value,
  # japanese: rs1800795 all 30 G/G -> C 0 of 60, against Han Chinese 1 of 464 (Fisher)
  japanese_rs1800795 = fisher.test(matrix(c(0, 60, ref_count(1 / 464, 464), 464 - ref_count(1 / 464, 464)),
                                          2, byrow = TRUE))$p.value,
  # european: rs1800795 G/G 40, G/C 45, C/C 15 -> C 75 of 200, against North London C 0.403 of 766 (Fisher)
  european_rs1800795 = fisher.test(matrix(c(75, 125, ref_count(0.403, 766), 766 - ref_count(0.403, 766)),
                                          2, byrow = TRUE))$p.value,
  # the shipped reference (reference/population_frequencies.tsv), where allele numbers are known (Fisher):
  # japanese rs1800796 C 43 of 60 against Han Chinese, Jiangsu C 0.7802 of 464
  shipped_japanese_rs1800796 = fisher.test(matrix(c(43, 17, ref_count(0.7802, 464), 464 - ref_count(0.7802, 464)),
                                                  2, byrow = TRUE))$p.value,
  # european rs1800795 C 75 of 200 against the 1000 Genomes global C 0.1412 of 5008
  shipped_european_rs1800795 = fisher.test(matrix(c(75, 125, ref_count(0.1412, 5008), 5008 - ref_count(0.1412, 5008)),
                                                  2, byrow = TRUE))$p.value
)
write.table(data.frame(name = names(out), value = out), "r_golden.tsv", sep = "\t", row.names = FALSE,
            quote = FALSE)
