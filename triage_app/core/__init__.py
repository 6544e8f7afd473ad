"""Qt-free domain: policy, matching, versions, releases, drafting, redaction."""
