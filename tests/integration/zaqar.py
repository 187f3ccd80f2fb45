"""A small Zaqar v2 HTTP caller for the API tests: one project and Client-ID per instance,
JSON in and out over the raw-socket helpers (no client library in between)."""
import json
import uuid

from conftest import CLIENT_ID
from http_client import call


class Api:
    def __init__(self, server, project=None, client_id=CLIENT_ID):
        self.server = server
        self.project = project or "p-" + uuid.uuid4().hex[:12]
        self.client_id = client_id

    def headers(self, extra=None):
        h = {"Client-ID": self.client_id, "X-Project-ID": self.project,
             "Content-Type": "application/json"}
        for k, v in (extra or {}).items():
            if v is None:
                h.pop(k, None)
            else:
                h[k] = v
        return h

    def request(self, method, path, body=None, headers=None):
        if isinstance(body, (dict, list)):
            body = json.dumps(body)
        return call(self.server, method, path, self.headers(headers), body or b"")

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def put(self, path, body=None, **kw):
        return self.request("PUT", path, body, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, body, **kw)

    def patch(self, path, body=None, **kw):
        return self.request("PATCH", path, body, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    # ---- shortcuts that assert success ----

    def create_queue(self, name, metadata=None):
        r = self.put(f"/v2/queues/{name}", metadata)
        assert r.status in (201, 204), r
        return r

    def post_messages(self, queue, messages):
        """Posts message documents (dicts, or bodies wrapped as {"body": b, "ttl": 600});
        returns the new ids in order."""
        docs = [m if isinstance(m, dict) and "body" in m else {"body": m, "ttl": 600}
                for m in messages]
        r = self.post(f"/v2/queues/{queue}/messages", {"messages": docs})
        assert r.status == 201, r
        return [href.rsplit("/", 1)[1] for href in r.json()["resources"]]

    def list_messages(self, queue, query="echo=true"):
        r = self.get(f"/v2/queues/{queue}/messages?{query}")
        assert r.status == 200, r
        return r.json()["messages"]

    def claim(self, queue, ttl=300, grace=60, limit=None):
        q = f"?limit={limit}" if limit else ""
        return self.post(f"/v2/queues/{queue}/claims{q}", {"ttl": ttl, "grace": grace})

    def stats(self, queue):
        r = self.get(f"/v2/queues/{queue}/stats")
        assert r.status == 200, r
        return r.json()["messages"]


def error(response):
    """(status, title, description) of an error response."""
    body = response.json()
    return response.status, body.get("title"), body.get("description")
