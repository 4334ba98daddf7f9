"""A real OpenAI-compatible HTTP server on loopback that misbehaves on purpose.

Each request takes the next fault from a queue (``default``, ``"ok"`` unless set, once the
queue is empty):
``429``, ``500``, ``hang`` (answers after the client gave up), ``drop`` (closes the
connection without a response), ``broken`` (a streamed tool call whose arguments are not
JSON). ``ok`` streams a valid tool call for whatever tool the request asks for.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from agents.llm.local_server import free_port

VALID_ARGUMENTS = {
    "Move": {"kind": "statement", "text": "We ask all sides to return to the table."},
    "Ballot": {"votes": []},
    "FloorChoice": {"speaker": "usa"},
}


def _chunk(delta: dict, finish: str | None = None) -> dict:
    return {
        "id": "chatcmpl-fault",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": "fault",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }


def stream_body(tool: str, arguments: str) -> bytes:
    """Server-sent events of one streamed tool call, then usage, then [DONE]."""
    call = {"index": 0, "id": "call_fault", "type": "function", "function": {"name": tool, "arguments": ""}}
    events = [_chunk({"role": "assistant", "content": None, "tool_calls": [call]})]
    for start in range(0, len(arguments), 16):
        piece = {"index": 0, "function": {"arguments": arguments[start : start + 16]}}
        events.append(_chunk({"tool_calls": [piece]}))
    events.append(_chunk({}, finish="tool_calls"))
    usage = {"prompt_tokens": 120, "completion_tokens": 30, "total_tokens": 150}
    events.append({**_chunk({}), "choices": [], "usage": usage})
    lines = [f"data: {json.dumps(event)}\n\n" for event in events] + ["data: [DONE]\n\n"]
    return "".join(lines).encode()


class FaultServer:
    """Run with ``with FaultServer() as server``; ``server.faults`` is the queue, ``server.requests`` the log."""

    def __init__(self, hang_seconds: float = 3.0, default: str = "ok"):
        self.port = free_port()
        self.default = default
        self.faults: deque[str] = deque()
        self.requests: list[str] = []  # the fault each request got
        self.hang_seconds = hang_seconds
        self.lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", self.port), self._handler())
        self.httpd.daemon_threads = True

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def next_fault(self) -> str:
        with self.lock:
            fault = self.faults.popleft() if self.faults else self.default
            self.requests.append(fault)
            return fault

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # keep test output quiet
                pass

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                fault = server.next_fault()
                tool = body.get("tools", [{}])[0].get("function", {}).get("name", "Move")
                if fault in ("429", "500"):
                    self.send_error_json(int(fault))
                elif fault == "drop":
                    self.close_connection = True
                    self.connection.shutdown(2)
                elif fault == "hang":
                    time.sleep(server.hang_seconds)
                    self.send_stream(tool, json.dumps(VALID_ARGUMENTS.get(tool, {})))
                elif fault == "broken":
                    self.send_stream(tool, '{"kind": "statement", "text": "unterminated')
                else:
                    self.send_stream(tool, json.dumps(VALID_ARGUMENTS.get(tool, {})))

            def send_error_json(self, status: int) -> None:
                payload = json.dumps({"error": {"message": f"injected {status}", "type": "fault"}}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.send_header("retry-after-ms", "20")
                self.end_headers()
                self.wfile.write(payload)

            def send_stream(self, tool: str, arguments: str) -> None:
                payload = stream_body(tool, arguments)
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "text/event-stream")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up first (a hang it timed out on)

        return Handler

    def __enter__(self) -> FaultServer:
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
