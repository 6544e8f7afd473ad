"""Is it ours? The learned verdict: features, the model, its training and its evaluation."""
