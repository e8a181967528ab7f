"""The built-in domain plugins, one folder each, found through the ``medoffice`` entry points
exactly like a third-party plugin. Every folder has the same shape: ``__init__`` (plugin info
and hook implementations), ``models``, ``service``, ``cli``, ``screens``, ``migrations``."""
