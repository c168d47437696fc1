"""Notifications through Apprise: what happened in Weaver, told to the owner's channels.

Events come from the outbox; each channel follows it from its own stored offset in a background
thread of the scheduler process (or of `weaver standalone`), never on a tick's path.
"""
