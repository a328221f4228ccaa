"""Privacy and integrity of the stored log: per-person keys, the hub cipher, the hash chain."""
