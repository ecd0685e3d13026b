"""Benchmarks for the answer engine: CLINC150 accuracy, the shipped knowledge base, speed and
scale, start-up. Run them all with ``python benchmarks/run.py``; see benchmarks/RESULTS.md."""
