"""Reading and writing genoassoc's tables."""
