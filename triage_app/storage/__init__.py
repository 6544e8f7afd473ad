"""SQLite knowledge base through sqlite-utils: opening, migrations, repositories, errors."""
