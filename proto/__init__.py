"""Protocol buffers for weft's gRPC API (``weft/v1/*.proto``) and the modules generated from them."""
