"""The HTTP API (FastAPI): routes that translate HTTP to engine calls, the request
transaction and authentication (`deps`), response bodies (`responses`), the demo."""
