"""An MCP server that tries what a sandbox must refuse, for Gatekit's sandbox tests: it reads and writes files,
connects to a TCP port, allocates memory and burns CPU when asked, and says what happened instead of failing, so that a test
sees the sandbox's answer (permission denied, no such file, connection refused, MemoryError) as text."""

import os
import socket

from mcp.server.mcpserver import MCPServer

server = MCPServer("sandbox-probe", instructions="Tries file, network and memory access and reports the outcome.")


def _outcome(action):
    try:
        return "ok: " + action()
    except (OSError, MemoryError) as error:
        return "refused: " + type(error).__name__ + ": " + str(error)


@server.tool()
def read_file(path: str) -> str:
    """Reads a text file."""
    def read():
        with open(path, encoding="utf-8") as f:
            return f.read()
    return _outcome(read)


@server.tool()
def write_file(path: str, text: str) -> str:
    """Writes a text file."""
    def write():
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return "wrote " + path
    return _outcome(write)


@server.tool()
def list_dir(path: str) -> str:
    """Lists a directory, one name per line, sorted."""
    return _outcome(lambda: "\n".join(sorted(os.listdir(path))))


@server.tool()
def connect(host: str, port: int) -> str:
    """Opens a TCP connection and closes it."""
    def dial():
        with socket.create_connection((host, port), timeout=5):
            return "connected to " + host + ":" + str(port)
    return _outcome(dial)


@server.tool()
def allocate(megabytes: int) -> str:
    """Allocates and touches that many MiB, then frees them."""
    def grab():
        block = bytearray(megabytes * 1024 * 1024)
        block[-1] = 1
        return "allocated " + str(megabytes) + " MiB"
    return _outcome(grab)


@server.tool()
def spin() -> str:
    """Burns CPU until something stops it."""
    while True:
        pass


if __name__ == "__main__":
    server.run("stdio")
