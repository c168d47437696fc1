"""Thin events pushed to clients: SSE at /stream and the same events over a WebSocket at /ws.

`id` is the outbox seq, so a client that reconnects with `Last-Event-ID` (or `?after=`) gets
exactly the events it missed, in order. Payloads are thin; clients fetch details through REST.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator

from flask import Blueprint, Response, current_app, request
from flask_sock import Sock
from pydantic import BaseModel, ConfigDict, Field

from app.events.envelope import Event
from app.glados.api import document, endpoint
from app.glados.broadcaster import stream_batches, stream_events
from app.glados.context import services
from app.glados.schemas.common import MAX_SEQ

bp = Blueprint("stream", __name__, url_prefix="/api/v1")
sock = Sock()


class StreamQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    run_id: str | None = Field(None, max_length=36, description="only this run's events")
    after: int | None = Field(None, ge=0, le=MAX_SEQ, description="replay events after this seq (like Last-Event-ID)")
    token: str | None = Field(None, description="the API token, for clients that cannot set headers")


def thin(event: Event) -> dict[str, object]:
    return {"id": event.id, "seq": event.seq, "type": event.type, "run_id": event.run_id,
            "ts": event.to_dict()["ts"], "payload": event.payload}


def _resume_point(query: StreamQuery) -> int | None:
    header = request.headers.get("Last-Event-ID", "").strip()
    if header.isascii() and header.isdigit() and int(header) <= MAX_SEQ:
        return int(header)
    return query.after  # an id this API never sent is ignored, as EventSource expects


def _connection(environ: dict) -> socket.socket | None:
    """The client's socket (gunicorn or werkzeug), for the broadcaster to notice when it closes;
    None under the test client, whose streams end when the reader closes them."""
    return environ.get("gunicorn.socket") or environ.get("werkzeug.socket")


@endpoint(bp, "/stream", summary="Server-sent events (thin; id = outbox seq)", query=StreamQuery,
          content_type="text/event-stream", response=str)
def stream(query: StreamQuery) -> Response:
    """A `heartbeat` event every 2 s (WEAVER_STREAM_HEARTBEAT_SECONDS) when nothing else is sent: clients
    call the server lost when they hear nothing for a few, and proxies keep the idle stream open. It has
    no `id`, so the client's Last-Event-ID stays the last real event's; data is the newest seq the server
    knows. A closed connection ends the stream within about a second (the broadcaster's sweep)."""
    heartbeat = current_app.config["WEAVER_HEARTBEAT_SECONDS"]
    broadcaster = services().broadcaster
    batches = stream_batches(broadcaster, _resume_point(query), query.run_id, heartbeat,
                             connection=_connection(request.environ))

    def body() -> Iterator[str]:
        yield "retry: 2000\n\n"
        for batch in batches:
            if not batch:
                yield f'event: heartbeat\ndata: {{"type":"heartbeat","seq":{broadcaster.seq}}}\n\n'
            else:
                yield "".join(f"id: {event.seq}\nevent: {event.type}\ndata: {json.dumps(thin(event))}\n\n"
                              for event in batch)

    return Response(body(), mimetype="text/event-stream",
                    headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


@sock.route("/ws", bp=bp)
def websocket(ws) -> None:  # type: ignore[no-untyped-def]
    """The same thin events as the SSE stream, one JSON text frame each."""
    query = StreamQuery.model_validate({k: request.args.get(k) for k in request.args})
    heartbeat = current_app.config["WEAVER_HEARTBEAT_SECONDS"]
    events = stream_events(services().broadcaster, _resume_point(query), query.run_id, heartbeat,
                           connected=lambda: ws.connected)
    for event in events:
        ws.send(json.dumps({"type": "heartbeat"} if event is None else thin(event)))


document(bp, "/ws", "GET", summary="WebSocket carrying the same thin events as /stream", query=StreamQuery, status=101,
         description="Upgrade to a WebSocket; each text frame is one JSON event (or {'type': 'heartbeat'}).")
