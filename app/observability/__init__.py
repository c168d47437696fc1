"""Health and metrics: what the web process can tell about every part of Weaver without calling
the broker itself (the live worker reports what it last saw of it in its heartbeat)."""
