# Kendall's z as R cor.test(method = "kendall", exact = FALSE) computes it, on data with ties, including a cohort
# where p underflows to 0 (z must still be finite). Run from this folder: Rscript make_golden.R
set.seed(20261202)
n <- 2000
x <- round(rnorm(n, 50, 10))
y <- x + round(rnorm(n, 0, 2))
tied <- data.frame(dataset = "underflow", x = x, y = y)
x2 <- 1:200; y2 <- x2 + rnorm(200, 0, 30); y2[1:5] <- y2[1]
mild <- data.frame(dataset = "ties", x = x2, y = round(y2, 1))
d <- rbind(tied, mild)
write.table(d, "data.tsv", sep = "\t", quote = FALSE, row.names = FALSE)
out <- do.call(rbind, lapply(split(d, d$dataset), function(s) {
  ct <- cor.test(s$x, s$y, method = "kendall", exact = FALSE)
  data.frame(dataset = s$dataset[1], z = format(unname(ct$statistic), digits = 17),
             tau = format(unname(ct$estimate), digits = 17), p = format(ct$p.value, digits = 17))
}))
write.table(out, "r_golden.tsv", sep = "\t", quote = FALSE, row.names = FALSE)
writeLines(capture.output(sessionInfo()), "sessionInfo.txt")
