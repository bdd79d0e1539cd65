"""Pages of organisational life, one module per area; each module lists its own ``urls``."""
