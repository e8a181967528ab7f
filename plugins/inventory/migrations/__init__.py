"""The inventory plugin's Alembic revisions (a package only so that wheels ship it;
Alembic skips this file)."""
