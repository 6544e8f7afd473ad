"""What the team knows: the support policy, shipped defaults, KB value rules and bundles."""
