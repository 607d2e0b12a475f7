"""A small Language Server Protocol client for tests: JSON-RPC with Content-Length framing over a pipe.

Why our own and not pygls's client: the tests speak to `legality lsp` exactly as an editor does (a
subprocess, bytes on stdin/stdout), and every wait has a timeout, so a server that hangs fails the test
instead of blocking the suite.
"""

from __future__ import annotations

import json
import queue
import subprocess
import threading
import time
from typing import Any, Callable


class LspError(AssertionError):
    pass


class Client:
    def __init__(self, argv: list[str], *, cwd: str | None = None, env: dict[str, str] | None = None,
                 timeout: float = 30.0):
        self.timeout = timeout
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     cwd=cwd, env=env)
        self._next = 0
        self._inbox: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self.notifications: list[dict[str, Any]] = []
        self.responses: dict[int, dict[str, Any]] = {}
        self.stderr: list[bytes] = []
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._drain_stderr, daemon=True).start()

    # ---- wire

    def _read(self) -> None:
        out = self.proc.stdout
        assert out is not None
        try:
            while True:
                length = None
                while True:
                    line = out.readline()
                    if not line:
                        self._inbox.put(None)
                        return
                    line = line.strip()
                    if not line:
                        break
                    name, _, value = line.decode("ascii").partition(":")
                    if name.lower() == "content-length":
                        length = int(value)
                if length is None:
                    continue
                self._inbox.put(json.loads(out.read(length)))
        except (OSError, ValueError):
            self._inbox.put(None)

    def _drain_stderr(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.stderr.append(line)

    def _send(self, msg: dict[str, Any]) -> None:
        body = json.dumps(msg, ensure_ascii=False).encode("utf-8")
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def _pump(self, deadline: float) -> bool:
        """Take one message from the server into `responses` / `notifications`; False on timeout."""
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        try:
            msg = self._inbox.get(timeout=left)
        except queue.Empty:
            return False
        if msg is None:
            raise LspError("the server closed its output; stderr:\n" + b"".join(self.stderr).decode(errors="replace"))
        if "id" in msg and "method" in msg:  # a request from the server (e.g. workspace/configuration)
            self._send({"jsonrpc": "2.0", "id": msg["id"], "result": None})
        elif "id" in msg:
            self.responses[msg["id"]] = msg
        else:
            self.notifications.append(msg)
        return True

    # ---- API

    def request(self, method: str, params: Any, timeout: float | None = None) -> Any:
        self._next += 1
        rid = self._next
        self._send({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
        deadline = time.monotonic() + (timeout or self.timeout)
        while rid not in self.responses:
            if not self._pump(deadline):
                raise LspError(f"no answer to {method} within {timeout or self.timeout} s")
        msg = self.responses.pop(rid)
        if "error" in msg:
            raise LspError(f"{method}: {msg['error']}")
        return msg.get("result")

    def notify(self, method: str, params: Any) -> None:
        self._send({"jsonrpc": "2.0", "method": method, "params": params})

    def wait_for(self, method: str, where: Callable[[dict[str, Any]], bool] = lambda p: True,
                 timeout: float | None = None) -> dict[str, Any]:
        """The params of the first notification `method` (received from now on, or waiting) that satisfies `where`."""
        deadline = time.monotonic() + (timeout or self.timeout)
        seen = 0
        while True:
            while seen < len(self.notifications):
                n = self.notifications[seen]
                seen += 1
                if n.get("method") == method and where(n.get("params") or {}):
                    self.notifications.remove(n)
                    return n.get("params") or {}
            if not self._pump(deadline):
                raise LspError(f"no {method} within {timeout or self.timeout} s")

    def clear(self) -> None:
        self.notifications.clear()

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                self.request("shutdown", None, timeout=10)
                self.notify("exit", None)
                self.proc.wait(timeout=10)
            except (LspError, OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait(timeout=10)
