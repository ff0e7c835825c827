"""ASGI middleware, outermost first: request id (request_context), authentication,
body limits, audit, idempotency. Pure ASGI (not BaseHTTPMiddleware) so that the
request id context variable reaches the route handlers and the gRPC metadata."""
