"""The four verdicts and their labels."""

IN_SCOPE = "in_scope"
OUT_OF_SCOPE = "out_of_scope"
SPANS_BOTH = "spans_both"
UNCLEAR = "unclear"
VERDICTS = (IN_SCOPE, OUT_OF_SCOPE, SPANS_BOTH, UNCLEAR)
VERDICT_LABELS = {
    IN_SCOPE: "In scope",
    OUT_OF_SCOPE: "Out of scope",
    SPANS_BOTH: "Spans both",
    UNCLEAR: "Unclear",
}
