#!/usr/bin/env bash
# The VCF genoassoc writes (call --vcf input.vcf --output-vcf: the IL6 loci of 40 samples, synthetic, with missing
# genotypes), read by the peers users check it with: bcftools query (sample, ID, GT) and plink2 --freq. Run from
# this folder with genoassoc installed and Debian's bcftools and plink2: bash make_golden.sh
set -euo pipefail
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
genoassoc call --vcf input.vcf --locus rs1800796,rs1800795 --build GRCh38 --output-vcf calls.vcf -o "$work/calls.tsv"
bcftools query -f '[%SAMPLE\t%ID\t%GT\n]' calls.vcf > bcftools_query.tsv
plink2 --vcf calls.vcf --freq --out "$work/plink" > /dev/null
cp "$work/plink.afreq" plink2.afreq
{ bcftools --version | head -1; plink2 --version; } > versions.txt
