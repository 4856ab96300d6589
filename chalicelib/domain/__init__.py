"""Pure business logic: no I/O, no clock, no configuration. Callers pass `now`."""
