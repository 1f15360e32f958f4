"""The sample workbooks and the template, generated from the seeds' numbers (tests and the bench build
their inputs with these; ``python -m tests.helpers.samples`` rewrites the committed copies)."""
