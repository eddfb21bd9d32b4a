"""One module per fuzz target: KINDS (the file kinds the first byte picks from), ALLOWED (the
parser's own error types), test_one_input(data, context) and seeds() for the corpus."""

TARGETS = (
    "plan_file",
    "plan_text",
    "read_table",
    "member_import",
    "question_bank",
    "pledge_import",
)
