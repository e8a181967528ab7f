"""The staff plugin's screens: none yet. The hiring board, the compliance overview and the
everyone's screens (my tasks, clock in/out, policies to acknowledge) come in a later slice,
built on the shared UI kit."""
