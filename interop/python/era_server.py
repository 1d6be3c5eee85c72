"""A tiny MCP server written with the official Python SDK's high-level API (MCPServer), for Gatekit's interop
tests. Run on stdio it speaks whichever era its first message opens: `initialize` opens the handshake era, in
which the SDK refuses any request that carries a 2026-07-28 `_meta` envelope. That refusal is what the gateway's
era edge must never trigger."""

from mcp.server.mcpserver import MCPServer

server = MCPServer("python-era", instructions="Tools from the official MCP Python SDK.")


@server.tool()
def shout(text: str) -> str:
    """Upper-cases the text."""
    return text.upper()


@server.tool()
def add(a: int, b: int) -> int:
    """Adds two integers."""
    return a + b


if __name__ == "__main__":
    server.run("stdio")
