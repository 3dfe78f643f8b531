#!/usr/bin/env bash
# SCF version 3 files made by io_lib's convert_trace (Debian staden-io-lib-utils) from Biopython's real ABI test
# traces (tests/data/sanger/biopython): genoassoc's SCF reader must read the same channels, peaks, bases,
# qualities and sample name from them as Biopython reads from the ABI files.
set -euo pipefail
cd "$(dirname "$0")"
for name in 3100 3730; do
  convert_trace -out_format scf < ../../data/sanger/biopython/$name.ab1 > $name.scf
done
dpkg-query -W -f='staden-io-lib-utils ${Version}\n' staden-io-lib-utils > versions.txt
