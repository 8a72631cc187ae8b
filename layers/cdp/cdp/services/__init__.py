"""Use cases: each one wires the pure core to the ports it needs. Handlers call exactly one of them."""
