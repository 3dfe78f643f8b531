# Regenerate the LD / haplotype golden fixtures (run from this folder: Rscript make_golden.R).
# genotypes.tsv: 300 simulated samples at rs1800797 (G/A), rs1800796 (G/C), rs1800795 (G/C), drawn
#   from known haplotype frequencies; 6 samples get a no-call.
# haplotypes.tsv: haplo.stats::haplo.em frequencies over the three loci (samples complete at all loci).
# pairs.tsv: D, D', r^2 per locus pair from two-locus haplo.em frequencies, and genetics::LD's values.
# posteriors.tsv: each sample's most likely haplotype pair and its posterior (haplo.em).
suppressMessages({library(haplo.stats); library(genetics)})
set.seed(572)
loci <- c("rs1800797", "rs1800796", "rs1800795")
alleles <- list(c("G", "A"), c("G", "C"), c("G", "C"))
truth <- c(GGG = 0.45, GGC = 0.25, AGC = 0.15, GCG = 0.12, ACG = 0.03)
n <- 300
draw <- function() strsplit(sample(names(truth), 1, prob = truth), "")[[1]]
h1 <- t(replicate(n, draw())); h2 <- t(replicate(n, draw()))
order_pair <- function(a, b, al) if (match(a, al) <= match(b, al)) paste0(a, "/", b) else paste0(b, "/", a)
geno <- data.frame(sample = sprintf("S%03d", 1:n))
for (j in 1:3) geno[[loci[j]]] <- mapply(order_pair, h1[, j], h2[, j], MoreArgs = list(al = alleles[[j]]))
missing <- cbind(c(5, 17, 42, 99, 150, 260), c(1, 2, 3, 1, 2, 3))
for (k in 1:nrow(missing)) geno[missing[k, 1], loci[missing[k, 2]]] <- ""
write.table(geno, "genotypes.tsv", sep = "\t", quote = FALSE, row.names = FALSE)

complete <- apply(geno[, loci] != "", 1, all)
g <- geno[complete, ]
allele_matrix <- function(cols) {
  do.call(cbind, lapply(cols, function(l) do.call(rbind, strsplit(g[[l]], "/"))))
}
em <- haplo.em(allele_matrix(loci), locus.label = loci,
               control = haplo.em.control(min.posterior = 1e-12, tol = 1e-12))
haps <- apply(em$haplotype, 1, paste, collapse = "")
write.table(data.frame(haplotype = haps, frequency = sprintf("%.12g", em$hap.prob)),
            "haplotypes.tsv", sep = "\t", quote = FALSE, row.names = FALSE)

best <- do.call(rbind, lapply(split(seq_along(em$post), em$indx.subj), function(rows) {
  i <- rows[which.max(em$post[rows])]
  c(subject = em$indx.subj[i], h1 = haps[em$hap1code[i]], h2 = haps[em$hap2code[i]], post = em$post[i])
}))
post <- data.frame(sample = g$sample[as.integer(best[, "subject"])], haplotype1 = best[, "h1"],
                   haplotype2 = best[, "h2"], posterior = sprintf("%.12g", as.numeric(best[, "post"])))
write.table(post, "posteriors.tsv", sep = "\t", quote = FALSE, row.names = FALSE)

pairs <- data.frame()
for (pair in combn(3, 2, simplify = FALSE)) {
  ok <- apply(geno[, loci[pair]] != "", 1, all)
  gp <- geno[ok, ]
  m <- do.call(cbind, lapply(loci[pair], function(l) do.call(rbind, strsplit(gp[[l]], "/"))))
  e <- haplo.em(m, locus.label = loci[pair], control = haplo.em.control(min.posterior = 1e-12, tol = 1e-12))
  a2 <- c(alleles[[pair[1]]][2], alleles[[pair[2]]][2])
  f <- setNames(e$hap.prob, apply(e$haplotype, 1, paste, collapse = ""))
  p22 <- sum(f[names(f) == paste0(a2, collapse = "")])
  p2 <- sum(f[substr(names(f), 1, 1) == a2[1]]); q2 <- sum(f[substr(names(f), 2, 2) == a2[2]])
  D <- p22 - p2 * q2
  Dmax <- if (D > 0) min(p2 * (1 - q2), (1 - p2) * q2) else min(p2 * q2, (1 - p2) * (1 - q2))
  r2 <- D^2 / (p2 * (1 - p2) * q2 * (1 - q2))
  ld <- LD(genotype(gp[[loci[pair[1]]]]), genotype(gp[[loci[pair[2]]]]))
  pairs <- rbind(pairs, data.frame(locus1 = loci[pair[1]], locus2 = loci[pair[2]], n = nrow(gp),
    D = sprintf("%.12g", D), D_prime = sprintf("%.12g", D / Dmax), r2 = sprintf("%.12g", r2),
    genetics_abs_D = sprintf("%.12g", abs(ld$D)), genetics_abs_D_prime = sprintf("%.12g", abs(ld$`D'`)),
    genetics_r2 = sprintf("%.12g", ld$`R^2`)))
}
write.table(pairs, "pairs.tsv", sep = "\t", quote = FALSE, row.names = FALSE)
