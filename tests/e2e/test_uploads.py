"""The app has no uploader, so its server refuses the upload route (issue 23): a client that opens a
session the way the browser does, then PUTs files with a valid XSRF pair, gets 403 and stores nothing.
No browser: a WebSocket client speaks Streamlit's protocol, as a hostile script would."""

import asyncio
import concurrent.futures

import pytest
import requests
import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.web.server.starlette.starlette_app_utils import generate_xsrf_token_string

from support.serve import rss_mb, running_app

pytestmark = pytest.mark.e2e


async def _first_run(url: str, then):
    """Open a session, ask for its first run, wait for it to finish, then call ``then(session_id)``
    while the WebSocket is still open (an open session is what the upload route checks)."""
    async with websockets.connect(url.replace("http", "ws", 1) + "/_stcore/stream", subprotocols=["streamlit"],
                                  max_size=None) as ws:
        rerun = BackMsg()
        rerun.rerun_script.query_string = ""
        await ws.send(rerun.SerializeToString())
        session_id = None
        async with asyncio.timeout(60):
            while True:
                msg = ForwardMsg()
                msg.ParseFromString(await ws.recv())
                kind = msg.WhichOneof("type")
                if kind == "new_session":
                    session_id = msg.new_session.initialize.session_id
                if kind == "script_finished":
                    break
        assert session_id
        return await asyncio.to_thread(then, session_id)


def _put(url: str, session_id: str, file_id: str, size: int) -> requests.Response:
    token = generate_xsrf_token_string()  # the client picks the pair: XSRF checks cookie == header only
    return requests.put(f"{url}/_stcore/upload_file/{session_id}/{file_id}", files={"file": ("a.bin", b"x" * size)},
                        headers={"X-Xsrftoken": token}, cookies={"_streamlit_xsrf": token}, timeout=30)


def test_a_put_to_the_upload_route_is_refused_and_nothing_is_kept():
    server = []
    with running_app(process=server) as url:
        def flood(session_id):
            before = rss_mb(server[0].pid)
            answers = [_put(url, session_id, f"f{i}", 1_000_000) for i in range(40)]
            return before, answers, rss_mb(server[0].pid)

        # in a thread of its own: a Playwright test earlier in this process leaves an event loop running
        # in this thread, and asyncio.run() refuses to start inside a running loop
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            before, answers, after = pool.submit(asyncio.run, _first_run(url, flood)).result()
        assert {a.status_code for a in answers} == {403}, answers[0].text
        assert after - before < 20  # 40 MB sent; Streamlit kept every one before (106 -> 308 MB for 200)
        assert requests.get(f"{url}/_stcore/health", timeout=5).text == "ok"
