"""The gateway keeps idle connections open longer than clients keep theirs."""

from __future__ import annotations

import httpx

from services.gateway.config import GatewaySettings


def test_idle_connections_outlive_a_clients_pool() -> None:
    # Were the gateway to close first, a client reusing the connection as it
    # closes gets no answer at all (httpx.ReadError), not even a 503.
    client_expiry = httpx.Limits().keepalive_expiry
    assert client_expiry is not None
    assert GatewaySettings().keep_alive_s > client_expiry
    assert GatewaySettings(keep_alive_s=120).keep_alive_s == 120
