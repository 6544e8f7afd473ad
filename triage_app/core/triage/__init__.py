"""Is it ours? Reading the ticket, the vocabulary and rules engine, the learned verdict, its training and evaluation."""
