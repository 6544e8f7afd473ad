"""What every window shares: workers, theme, plain text, lazy Qt enums, icons, settings, dialogs."""
