"""Publication output: Table 1, figures and the self-contained HTML study report."""
