"""Qt-free domain, by question: triage/ (is it ours?), releases/ (still supported?), replies/ (what do I reply?), knowledge/ (the policy and KB rules)."""
