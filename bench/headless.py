"""A visitor without a browser: Streamlit's own websocket protocol, spoken directly.

A browser renders what it receives, and on a 2-core machine its rendering competes with the server
it measures. This client sends what a browser sends (``BackMsg.rerun_script`` with the link's query
and page) and reads the server's messages until ``script_finished``: the server's time alone.
"""

from __future__ import annotations

import time

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg


class Visitor:
    """One open session. ``async with Visitor(url) as v: seconds = await v.open(page, query)``."""

    def __init__(self, url: str):
        self.url = url.replace("http://", "ws://", 1) + "/_stcore/stream"
        self.socket = None
        self.received = 0  # bytes the server sent this session

    async def __aenter__(self) -> Visitor:
        self.socket = await websockets.connect(self.url, subprotocols=["streamlit"], max_size=None)
        return self

    async def __aexit__(self, *exc) -> None:
        await self.socket.close()

    async def open(self, page: str, query: str) -> float:
        """Run ``page`` (``""`` for the default) with ``query``: the seconds until the run finished."""
        msg = BackMsg()
        msg.rerun_script.query_string = query
        msg.rerun_script.page_name = page
        start = time.perf_counter()
        await self.socket.send(msg.SerializeToString())
        while True:
            raw = await self.socket.recv()
            self.received += len(raw)
            reply = ForwardMsg()
            reply.ParseFromString(raw)
            if reply.WhichOneof("type") == "script_finished":
                if reply.script_finished != ForwardMsg.FINISHED_SUCCESSFULLY:
                    raise RuntimeError(f"{page or 'descent'}?{query}: the run ended with {reply.script_finished}")
                return time.perf_counter() - start


async def visit(url: str, page: str, query: str) -> float:
    """A fresh visitor opening one link: the seconds until its page is computed and sent."""
    async with Visitor(url) as visitor:
        return await visitor.open(page, query)
