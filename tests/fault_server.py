"""A real OpenAI-compatible HTTP server on loopback that misbehaves on purpose.

Each request takes the fault ``always`` names for the tool it asks for, else the next from
that tool's own queue (``faults_for``), else the next from the shared queue (``faults``),
else ``default`` (``"ok"`` unless set): ``429``, ``500``, ``hang`` (answers after the client
gave up), ``drop`` (closes the connection without a response), ``broken`` (a streamed tool
call whose arguments are not JSON), ``trickle`` (a tool call streamed one chunk every
``trickle_seconds``, ``trickle_chunks`` of them: endless, as far as a test is concerned),
``cut`` and ``cut_bad`` (a tool call stopped at the reply limit, ``finish_reason`` "length": a
move whose text breaks off, and one that breaks off before it is a valid move).
``ok`` streams a valid tool call for whatever tool the request asks for.
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
    "Plan": {"goals": ["Keep the talks going."]},
}


# The usage every reply reports, as OpenAI does: prompt tokens, of which some came from its prefix cache.
PROMPT_TOKENS, CACHED_TOKENS = 120, 96


def _chunk(delta: dict, finish: str | None = None) -> dict:
    return {
        "id": "chatcmpl-fault",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": "fault",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }


CUT_ARGUMENTS = {
    "cut": '{"kind": "statement", "text": "We ask all sides to return',
    "cut_bad": '{"kind": "statem',
}


def stream_body(tool: str, arguments: str, finish: str = "tool_calls") -> bytes:
    """Server-sent events of one streamed tool call, then usage, then [DONE]."""
    call = {"index": 0, "id": "call_fault", "type": "function", "function": {"name": tool, "arguments": ""}}
    events = [_chunk({"role": "assistant", "content": None, "tool_calls": [call]})]
    for start in range(0, len(arguments), 16):
        piece = {"index": 0, "function": {"arguments": arguments[start : start + 16]}}
        events.append(_chunk({"tool_calls": [piece]}))
    events.append(_chunk({}, finish=finish))
    usage = {
        "prompt_tokens": PROMPT_TOKENS,
        "completion_tokens": 30,
        "total_tokens": PROMPT_TOKENS + 30,
        "prompt_tokens_details": {"cached_tokens": CACHED_TOKENS},
    }
    events.append({**_chunk({}), "choices": [], "usage": usage})
    return b"".join(sse(event) for event in events) + b"data: [DONE]\n\n"


def sse(event: dict) -> bytes:
    """One server-sent event."""
    return f"data: {json.dumps(event)}\n\n".encode()


class FaultServer:
    """Run with ``with FaultServer() as server``; ``server.faults`` is the queue, ``server.requests`` the log."""

    def __init__(
        self, hang_seconds: float = 3.0, default: str = "ok", trickle_seconds: float = 0.5, trickle_chunks: int = 1000
    ):
        self.port = free_port()
        self.default = default
        self.faults: deque[str] = deque()
        self.always: dict[str, str] = {}  # tool name -> the fault every request for it gets
        self.faults_for: dict[str, deque[str]] = {}  # tool name -> the faults of its next requests, in order
        self.requests: list[str] = []  # the fault each request got
        self.bodies: list[dict] = []  # each request's JSON body, as the server read it
        self.tools: list[str] = []  # the tool each request asked for
        self.hang_seconds = hang_seconds
        self.trickle_seconds = trickle_seconds
        self.trickle_chunks = trickle_chunks
        self.lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", self.port), self._handler())
        self.httpd.daemon_threads = True

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def next_fault(self, tool: str) -> str:
        with self.lock:
            own = self.faults_for.get(tool)
            fault = self.always.get(tool) or (own.popleft() if own else None)
            fault = fault or (self.faults.popleft() if self.faults else self.default)
            self.requests.append(fault)
            self.tools.append(tool)
            return fault

    def requests_for(self, tool: str) -> list[str]:
        """The faults of the requests that asked for ``tool``."""
        with self.lock:
            return [fault for fault, asked in zip(self.requests, self.tools, strict=True) if asked == tool]

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # keep test output quiet
                pass

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                server.bodies.append(body)
                tool = body.get("tools", [{}])[0].get("function", {}).get("name", "Move")
                fault = server.next_fault(tool)
                if fault in ("429", "500"):
                    self.send_error_json(int(fault))
                elif fault == "drop":
                    self.close_connection = True
                    self.connection.shutdown(2)
                elif fault == "hang":
                    time.sleep(server.hang_seconds)
                    self.send_stream(tool, json.dumps(VALID_ARGUMENTS.get(tool, {})))
                elif fault == "trickle":
                    self.send_trickle(tool)
                elif fault == "broken":
                    self.send_stream(tool, '{"kind": "statement", "text": "unterminated')
                elif fault in CUT_ARGUMENTS:
                    self.send_stream(tool, CUT_ARGUMENTS[fault], finish="length")
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

            def send_stream(self, tool: str, arguments: str, finish: str = "tool_calls") -> None:
                payload = stream_body(tool, arguments, finish)
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "text/event-stream")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up first (a hang it timed out on)

            def send_trickle(self, tool: str) -> None:
                """A tool call whose arguments never end: one more word every ``trickle_seconds``."""
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()  # no length: the body ends when the connection does
                call = {"index": 0, "id": "call_fault", "type": "function", "function": {"name": tool}}
                pieces = ['{"kind": "statement", "text": "'] + ["and "] * server.trickle_chunks
                try:
                    self.wfile.write(sse(_chunk({"role": "assistant", "content": None, "tool_calls": [call]})))
                    for piece in pieces:
                        self.wfile.write(sse(_chunk({"tool_calls": [{"index": 0, "function": {"arguments": piece}}]})))
                        self.wfile.flush()
                        time.sleep(server.trickle_seconds)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up, as it should

        return Handler

    def __enter__(self) -> FaultServer:
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
