# ROC goldens from R pROC: AUC, DeLong 95% CI, and the Youden cut with its sensitivity and specificity
# (coords(best, best.method = "youden"); thresholds are midpoints between adjacent values, cases above
# the cut). Data: the example HCC discovery cohort (IL-6 against response CR/PR), pROC's aSAH (s100b
# against poor outcome: heavy ties) and a perfectly separated marker (the CI at its bound).
# Direction "<": higher marker = case. Run from this folder: Rscript make_golden.R
suppressMessages(library(pROC))
options(digits = 17)
out <- list()
hcc <- read.delim("../../../examples/hcc_discovery.tsv")
sah <- aSAH
write.table(data.frame(s100b = sah$s100b, poor = as.integer(sah$outcome == "Poor"), wfns = sah$wfns),
            "asah.tsv", sep = "\t", row.names = FALSE, quote = FALSE)
separated <- data.frame(marker = c(1, 2, 3, 4, 5, 6, 7, 8), case = c(0, 0, 0, 0, 1, 1, 1, 1))
write.table(separated, "separated.tsv", sep = "\t", row.names = FALSE, quote = FALSE)
sets <- list(hcc = list(hcc$il6, as.integer(hcc$response == "CR/PR")),
             hcc_nonresponse = list(hcc$il6, as.integer(hcc$response != "CR/PR")),
             asah = list(sah$s100b, as.integer(sah$outcome == "Poor")),
             asah_wfns = list(as.numeric(sah$wfns), as.integer(sah$outcome == "Poor")),
             separated = list(separated$marker, separated$case))
for (name in names(sets)) {
  r <- roc(sets[[name]][[2]], sets[[name]][[1]], direction = "<", levels = c(0, 1), quiet = TRUE)
  ci <- ci.auc(r, method = "delong")
  best <- coords(r, "best", best.method = "youden", ret = c("threshold", "sensitivity", "specificity"))
  out[[paste(name, "auc", sep = "|")]] <- as.numeric(auc(r))
  out[[paste(name, "ci_lo", sep = "|")]] <- ci[1]
  out[[paste(name, "ci_hi", sep = "|")]] <- ci[3]
  out[[paste(name, "cut", sep = "|")]] <- best$threshold[1]
  out[[paste(name, "sensitivity", sep = "|")]] <- best$sensitivity[1]
  out[[paste(name, "specificity", sep = "|")]] <- best$specificity[1]
  out[[paste(name, "youden_ties", sep = "|")]] <- nrow(best)
}
# pROC's default direction = "auto" (chosen from the groups' medians), on the same sets and on mtcars
# (weight against manual transmission: lower weight in the cases)
write.table(data.frame(wt = mtcars$wt, am = mtcars$am), "mtcars.tsv", sep = "\t", row.names = FALSE, quote = FALSE)
sets$mtcars <- list(mtcars$wt, mtcars$am)
for (name in names(sets)) {
  r <- roc(sets[[name]][[2]], sets[[name]][[1]], levels = c(0, 1), quiet = TRUE)
  ci <- ci.auc(r, method = "delong")
  best <- coords(r, "best", best.method = "youden", ret = c("threshold", "sensitivity", "specificity"))
  out[[paste("auto", name, "direction", sep = "|")]] <- r$direction
  out[[paste("auto", name, "auc", sep = "|")]] <- as.numeric(auc(r))
  out[[paste("auto", name, "ci_lo", sep = "|")]] <- ci[1]
  out[[paste("auto", name, "cut", sep = "|")]] <- best$threshold[1]
  out[[paste("auto", name, "sensitivity", sep = "|")]] <- best$sensitivity[1]
}
write.table(data.frame(name = names(out), value = unlist(out)), "r_golden.tsv", sep = "\t", row.names = FALSE,
            quote = FALSE)
writeLines(capture.output(sessionInfo()), "sessionInfo.txt")
