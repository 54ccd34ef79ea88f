"""The gRPC server: thin servicers over ``weft.linkage``, interceptors and lifecycle."""
