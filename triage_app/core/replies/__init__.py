"""What do I reply? Templates, drafting, redaction of secrets, export and safe CSV cells."""
