"""A small OpenAI-compatible chat-completions server for the tests: the one
stand-in of the test suite (the real LLM is a paid service).

Markers in the CV text choose its behaviour, so one server serves every
test, each with its own run id ("RUN-<hex>") in the CV:
  STUB-SLOW             answer after 2 s
  STUB-VERY-SLOW        answer after 6 s
  STUB-LONGER-THAN-VISIBILITY  answer after 12 s (past the tests' 8 s timeout)
  STUB-429-ONCE         429 with Retry-After: 1 on the first call, then answer
  STUB-500-ALWAYS       500 every time
  STUB-MALFORMED-ONCE   content that is not JSON on the first call, then answer
  STUB-SCHEMA-ALWAYS    JSON that violates the schema (score 150) every time
  STUB-HOLD             answer once GET /release?run=RUN-x was called (60 s at
                        most); GET /held?run=RUN-x tells how many calls of the
                        run wait now and the most that waited at once
Otherwise it answers a valid result whose keywords.missing lists the job
description's capitalised words that the CV lacks. GET /calls?run=RUN-x
tells how many calls a run made. With LLM_STUB_DEBUG=FILE set, every
prompt it receives is appended to FILE.
"""
import json
import os
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

_lock = threading.Lock()
_calls = {}
_held = {}       # run -> {"now": calls waiting, "max": most at once}
_release = {}    # run -> Event set by GET /release
HOLD_MAX_S = 60


def _run_id(text):
    m = re.search(r"RUN-[0-9a-f]+", text)
    return m.group(0) if m else "none"


def _count(run):
    with _lock:
        _calls[run] = _calls.get(run, 0) + 1
        return _calls[run]


def _hold(run):
    with _lock:
        released = _release.setdefault(run, threading.Event())
        held = _held.setdefault(run, {"now": 0, "max": 0})
        held["now"] += 1
        held["max"] = max(held["max"], held["now"])
    released.wait(HOLD_MAX_S)
    with _lock:
        held["now"] -= 1


def _result(user_text):
    m = re.search(r"\n<job_description>\n(.*?)\n</job_description>", user_text, re.S)
    jd = m.group(1) if m else ""
    m = re.search(r"\n<cv>\n(.*?)\n</cv>", user_text, re.S)
    cv_words = set(w.lower() for w in re.findall(r"[A-Za-z+#.]+", m.group(1) if m else ""))
    wanted = list(dict.fromkeys(re.findall(r"\b[A-Z][A-Za-z+#]+\b", jd)))
    found = [w for w in wanted if w.lower() in cv_words]
    missing = [w for w in wanted if w.lower() not in cv_words]
    return {
        "score": 71, "summary": "A solid CV with measurable achievements.",
        "strengths": ["Quantified results"], "weaknesses": ["No summary section"],
        "suggestions": ["Add a short professional summary"],
        "keywords": {"found": found, "missing": missing},
        "sections": {"contact": True, "summary": False, "experience": True,
                     "education": True, "skills": True},
        "atsScore": 80,
    }


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _send(self, status, body, headers=None):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        url = urlparse(self.path)
        run = parse_qs(url.query).get("run", [""])[0]
        with _lock:
            if url.path == "/release":
                _release.setdefault(run, threading.Event()).set()
                return self._send(200, {"released": run})
            if url.path == "/held":
                return self._send(200, dict(_held.get(run, {"now": 0, "max": 0})))
            n = _calls.get(run, 0)
        self._send(200, {"calls": n})

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
        if self.headers.get("Authorization") != "Bearer test-llm-key":
            return self._send(401, {"error": {"message": "bad key"}})
        messages = body.get("messages", [])
        user = "\n".join(m.get("content", "") for m in messages if m.get("role") == "user")
        run = _run_id(user)
        n = _count(run)
        structured = "response_format" in body
        if "STUB-HOLD" in user:
            _hold(run)
        if "STUB-LONGER-THAN-VISIBILITY" in user:
            time.sleep(12)
        elif "STUB-VERY-SLOW" in user:
            time.sleep(6)
        elif "STUB-SLOW" in user:
            time.sleep(2)
        if "STUB-500-ALWAYS" in user:
            return self._send(500, {"error": {"message": "upstream exploded"}})
        if "STUB-429-ONCE" in user and n == 1:
            return self._send(429, {"error": {"message": "slow down"}}, {"Retry-After": "1"})
        if os.environ.get("LLM_STUB_DEBUG"):
            with open(os.environ["LLM_STUB_DEBUG"], "a") as f:
                f.write(user + "\n-----\n")
        if not structured:
            content = "# Optimized CV\n\n## Experience\n\n- Rewritten by the stub\n"
        elif "STUB-MALFORMED-ONCE" in user and n == 1:
            content = "this is not json {"
        elif "STUB-SCHEMA-ALWAYS" in user:
            content = json.dumps({**_result(user), "score": 150})
        else:
            content = json.dumps(_result(user))
        self._send(200, {
            "id": f"chatcmpl-{n}", "object": "chat.completion", "model": body.get("model", "stub"),
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": content}}],
            "usage": {"prompt_tokens": len(user) // 4, "completion_tokens": 42,
                      "total_tokens": len(user) // 4 + 42},
        })


def start(port):
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
