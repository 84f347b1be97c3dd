"""K-MEME Factory load profile of real use (make bench-load).

Most traffic is anonymous browsing: public recipes, search, trending, the
map (nearby and heat map), lineage and similar remixes. A smaller share are
signed-in creators who upload a short clip, create a remix, follow its
server-sent events to done, download its files, remix the remix, and
refresh or sign in again. Each user paces itself at a constant
throughput, so the offered rate is users x rate and does not depend on
how fast the server answers (latency shows as latency, not as less load).

Environment (set by scripts/bench-load.sh):
  KMEME_BENCH_CLIPS   colon-separated paths of generated test clips
  KMEME_BENCH_RATE    tasks per second per user (default 1)
"""
import itertools
import os
import random
import uuid

from locust import HttpUser, constant_throughput, task

RATE = float(os.environ.get("KMEME_BENCH_RATE", "1"))
CLIPS = [p for p in os.environ.get("KMEME_BENCH_CLIPS", "").split(":") if p]
QUERIES = ["챌린지", "킬링파트", "댄스", "밈", "challenge", "브이로그", "먹방", "커버"]
# Around Seoul, Busan and Jeju: where the seed remixes are placed.
PLACES = [(37.5665, 126.9780), (35.1796, 129.0756), (33.4996, 126.5312), (37.4563, 126.7052)]
_ids = []  # public remix ids seen by any user (shared in this process)


def remember(items):
    for it in items or []:
        i = it.get("id") if isinstance(it, dict) else None
        if i and i not in _ids:
            _ids.append(i)
            if len(_ids) > 500:
                del _ids[0]


def pick_id():
    return random.choice(_ids) if _ids else None


class Browser(HttpUser):
    """An anonymous visitor (most of the traffic)."""

    weight = 9
    wait_time = constant_throughput(RATE)

    def on_start(self):
        with self.client.get("/api/recipes/public?limit=20", name="GET /api/recipes/public", catch_response=True) as r:
            if r.status_code == 200:
                remember(r.json().get("items"))

    @task(6)
    def recipe(self):
        i = pick_id()
        if i:
            self.client.get(f"/api/remix/{i}", name="GET /api/remix/{id}")

    @task(3)
    def search(self):
        with self.client.get("/api/search", params={"q": random.choice(QUERIES)}, name="GET /api/search",
                             catch_response=True) as r:
            if r.status_code == 200:
                remember(r.json().get("items"))

    @task(3)
    def trending(self):
        self.client.get("/api/trending", params={"days": 7}, name="GET /api/trending")

    @task(2)
    def landing(self):
        with self.client.get("/api/recipes/public?limit=20", name="GET /api/recipes/public", catch_response=True) as r:
            if r.status_code == 200:
                remember(r.json().get("items"))

    @task(2)
    def nearby(self):
        lat, lon = random.choice(PLACES)
        self.client.get("/api/geo/nearby", params={"lat": lat, "lon": lon, "km": 20}, name="GET /api/geo/nearby")

    @task(1)
    def heatmap(self):
        self.client.get("/api/geo/trends", params={"bbox": "124.5,33.0,131.0,38.7"}, name="GET /api/geo/trends")

    @task(1)
    def lineage(self):
        i = pick_id()
        if i:
            self.client.get(f"/api/remix/{i}/lineage", name="GET /api/remix/{id}/lineage")
            self.client.get(f"/api/remix/{i}/children", name="GET /api/remix/{id}/children")

    @task(1)
    def similar(self):
        i = pick_id()
        if i:
            self.client.get(f"/api/remix/{i}/similar", name="GET /api/remix/{id}/similar")


class Creator(HttpUser):
    """A signed-in creator making remixes end to end."""

    weight = 1
    wait_time = constant_throughput(RATE)

    def on_start(self):
        self.email = f"load-{uuid.uuid4().hex[:12]}@example.com"
        self.password = "load-test-password-123"
        self.token = None
        self.refresh = None
        self.mine = []
        self.clips = itertools.cycle(random.sample(CLIPS, len(CLIPS)) if CLIPS else [])
        r = self.client.post("/api/auth/signup", json={"email": self.email, "password": self.password},
                             name="POST /api/auth/signup")
        if r.status_code == 201:
            self.session(r.json())

    def session(self, body):
        # An API client: bearer tokens, no cookies (cookies would make the
        # server ask for the browser's CSRF token).
        self.client.cookies.clear()
        self.token = body.get("access_token")
        self.refresh = body.get("refresh_token") or self.refresh

    def auth(self):
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def create(self, video_id, parent=None):
        body = {"title": random.choice(["킬링파트 챌린지", "댄스 커버 밈", "브이로그 리믹스", "먹방 챌린지"]) + f" {random.randint(1, 999)}",
                "visibility": "public", "video_id": video_id,
                "location": dict(zip(("lat", "lon"), random.choice(PLACES)))}
        if parent:
            body["parent_id"] = parent
        hdr = dict(self.auth(), **{"Idempotency-Key": uuid.uuid4().hex})
        with self.client.post("/api/remix", json=body, headers=hdr, catch_response=True,
                              name="POST /api/remix (child)" if parent else "POST /api/remix") as r:
            if r.status_code != 202:
                r.failure(f"create: {r.status_code} {r.text[:200]}")
                return None
            return r.json()["id"]

    def follow(self, node_id):
        """Reads the event stream to its last event (the script reports queued→done from the database)."""
        last = None
        with self.client.get(f"/api/remix/{node_id}/events", headers=self.auth(), stream=True, timeout=300,
                             name="GET /api/remix/{id}/events", catch_response=True) as r:
            try:
                for line in r.iter_lines(decode_unicode=True):
                    if line and line.startswith("event:"):
                        last = line.split(":", 1)[1].strip()
                        if last in ("done", "failed"):
                            break
            except Exception as e:  # a broken stream is a failure of this route
                r.failure(f"stream broke: {e}")
                return False
            if last == "done":
                r.success()
            else:
                r.failure(f"pipeline ended with {last!r}")
        return last == "done"

    @task(4)
    def make_remix(self):
        if not self.token or not CLIPS:
            return
        path = next(self.clips)
        with open(path, "rb") as f:
            r = self.client.post("/api/videos", files={"file": (os.path.basename(path), f, "video/mp4")},
                                 headers=self.auth(), name="POST /api/videos")
        if r.status_code not in (200, 201):
            return
        vid = r.json()["id"]
        node = self.create(vid)
        if not node or not self.follow(node):
            return
        self.mine.append((node, vid))
        remember([{"id": node}])
        for name in ("recipe.json", "guide.pdf", "storyboard.png", "captions.srt"):
            self.client.get(f"/api/remix/{node}/files/{name}", headers=self.auth(), name="GET /api/remix/{id}/files/{name}")
        self.client.get(f"/api/remix/{node}", headers=self.auth(), name="GET /api/remix/{id} (own)")

    @task(2)
    def remix_a_remix(self):
        if not self.token or not (self.mine or _ids):
            return
        if self.mine:
            parent, vid = random.choice(self.mine)
        else:
            return
        child = self.create(vid, parent=parent)
        if child and self.follow(child):
            self.mine.append((child, vid))
            self.client.get(f"/api/remix/{child}/files/recipe.json", headers=self.auth(), name="GET /api/remix/{id}/files/{name}")

    @task(3)
    def my_remixes(self):
        if self.token:
            self.client.get("/api/me/remixes", headers=self.auth(), name="GET /api/me/remixes")
            self.client.get("/api/me", headers=self.auth(), name="GET /api/me")

    @task(1)
    def refresh_session(self):
        if not self.refresh:
            return
        r = self.client.post("/api/auth/refresh", json={"refresh_token": self.refresh}, name="POST /api/auth/refresh")
        if r.status_code == 200:
            self.session(r.json())

    @task(1)
    def login(self):
        r = self.client.post("/api/auth/login", json={"email": self.email, "password": self.password}, name="POST /api/auth/login")
        if r.status_code == 200:
            self.session(r.json())
