# Restricted mean survival goldens from R survival (summary(survfit, rmean = tau)$table: rmean and
# se(rmean)) on real data with heavy ties and flat tails: lung by sex, pbc by edema (3 groups), colon
# by rx (3 groups), gbsg by hormon; tau = the smallest group's last follow-up, a mid-range tau, a tau
# at the first event time (R refuses a tau before the first time). Data: the TSV copies under ../survival and ../cox.
# Run from this folder: Rscript make_golden.R
library(survival)
options(digits = 17)
sets <- list(
  lung = list(data = read.delim("../survival/lung.tsv"), time = "time", event = "status", group = "sex",
              taus = c(200, 365)),
  pbc = list(data = read.delim("../cox/pbc.tsv"), time = "time", event = "status", group = "edema",
             taus = c(1000, 2000)),
  colon = list(data = read.delim("../cox/colon.tsv"), time = "time", event = "status", group = "rx",
               taus = c(1000, 2500)),
  gbsg = list(data = read.delim("../cox/gbsg.tsv"), time = "rfstime", event = "status", group = "hormon",
              taus = c(730, 1825))
)
out <- list()
for (name in names(sets)) {
  s <- sets[[name]]
  d <- s$data
  g <- factor(d[[s$group]])
  default <- min(tapply(d[[s$time]], g, max))
  first_event <- min(d[[s$time]][d[[s$event]] == 1])
  for (tau in c(default, s$taus, first_event)) {
    label <- if (tau == default) "default" else if (tau == first_event) "first_event" else format(tau)
    out[[paste(name, label, "tau", sep = "|")]] <- tau
    tab <- summary(survfit(Surv(d[[s$time]], d[[s$event]]) ~ g), rmean = tau)$table
    for (k in seq_along(levels(g))) {
      out[[paste(name, label, levels(g)[k], "rmean", sep = "|")]] <- tab[k, "rmean"]
      out[[paste(name, label, levels(g)[k], "se", sep = "|")]] <- tab[k, "se(rmean)"]
    }
  }
}
write.table(data.frame(name = names(out), value = unlist(out)), "r_golden.tsv", sep = "\t", row.names = FALSE,
            quote = FALSE)
