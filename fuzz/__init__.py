"""Coverage-guided fuzzing of the importers and parsers with atheris (libFuzzer for Python).

Each module in fuzz/targets/ is one target: the bytes of an uploaded file (its first byte picks
the file kind, e.g. .csv or .xlsx) go through a parser exactly as an upload would, and anything
raised that is not the parser's own clear error type is a crash. `make fuzz` (python -m fuzz)
runs every target for FUZZ_SECONDS (60 by default) from its seed corpus in fuzz/corpus/<target>/
(valid files made from the demo data by `python -m fuzz --make-corpus`), prints the inputs run
per target, and fails on a crash, whose input is kept under fuzz/crashes/. The same targets run
under hypothesis, a bounded number of examples, in `make test` (tests/test_parsers_fuzz.py).
"""
