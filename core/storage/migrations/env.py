"""The Alembic environment shared by the core and every plugin.

It is never run through the ``alembic`` command line: :mod:`medoffice.core.storage.migrate`
builds the configuration in code, with the core's and each installed plugin's versions
folder, and hands over an open connection in ``config.attributes["connection"]``.
"""

from alembic import context

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=context.config.attributes.get("target_metadata"),
    version_table=context.config.attributes["version_table"],
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
