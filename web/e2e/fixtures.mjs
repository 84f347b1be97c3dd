// A fixture API for pages the real server cannot show yet, and for the
// hostile-recipe test. Answers follow docs/API.md; ids are fixed UUIDs.
// Everything served from here is labelled "fixture" in the test output.

export const IDS = {
  root: "00000000-0000-4000-8000-000000000001",
  child: "00000000-0000-4000-8000-000000000002",
  grand: "00000000-0000-4000-8000-000000000003",
  other: "00000000-0000-4000-8000-000000000004",
};

const now = "2026-11-27T05:00:00Z";

export function node(id, title, depth, parent = null, extra = {}) {
  return {
    id,
    parent_id: parent,
    root_id: IDS.root,
    path: id,
    depth,
    owner_id: "u1",
    video_id: "v1",
    title,
    status: "done",
    visibility: "public",
    location: { lat: 37.56, lon: 126.98, label: "서울특별시" },
    children: 0,
    descendants: 0,
    created_at: now,
    updated_at: now,
    ...extra,
  };
}

export function analysis() {
  const beats = [];
  for (let t = 0.25; t < 15; t += 0.5) beats.push(Math.round(t * 1000) / 1000);
  const downbeats = beats.filter((_, i) => i % 4 === 0);
  const cutsT = [2.25, 4.25, 6.25, 8.25, 10.25, 12.25];
  const bounds = [0, ...cutsT, 15];
  return {
    version: "1",
    duration_s: 15,
    video: { width: 720, height: 1280, fps: 30 },
    audio: { sample_rate: 44100, channels: 2 },
    tempo: { bpm: 120, confidence: 0.92 },
    meter: 4,
    beats,
    downbeats,
    cuts: cutsT.map((t) => ({ t, kind: "cut", start: t, end: t, confidence: 0.9 })),
    shots: bounds.slice(0, -1).map((s, i) => ({ start: s, end: bounds[i + 1], keyframe_t: (s + bounds[i + 1]) / 2, keyframe: `kf_${String(i + 1).padStart(4, "0")}.jpg` })),
    sections: [
      { label: "intro", start: 0, end: 4.25, start_bar: 1, end_bar: 3, energy: 0.3 },
      { label: "build", start: 4.25, end: 8.25, start_bar: 3, end_bar: 5, energy: 0.6 },
      { label: "drop", start: 8.25, end: 12.25, start_bar: 5, end_bar: 7, energy: 0.95 },
      { label: "outro", start: 12.25, end: 15, start_bar: 7, end_bar: 8, energy: 0.4 },
    ],
    energy: { hop_s: 0.5, values: beats.map((_, i) => (i % 8) / 8), mean_db: -18, peak_db: -3, peak_t: 9 },
    hook: { window_s: 3, cuts: 1, cut_density: 0.33, onset_density: 2, motion: 0.4, score: 0.62 },
    cuts_on_beats: 6,
    // Issue 11: people, framing and on-screen text per source shot.
    perception: {
      shots: bounds.slice(0, -1).map((_, i) => ({ shot: i + 1, people: [1, 1, 2, 0, 4, 1, 1][i], faces: [1, 1, 2, 0, 3, 1, 1][i], framing: ["medium", "closeup", "closeup", "none", "full", "closeup", "medium"][i], facing_camera: i !== 3, camera: "handheld", subject_motion: 0.3, sampled_t: [] })),
      texts: [
        { text: "POV: Monday 8AM", start: 0.2, end: 2.1, box: { x: 0.1, y: 0.1, w: 0.8, h: 0.1 }, position: "top", in_safe_zone: true, lang: "en", confidence: 0.91 },
        { text: "when the beat drops", start: 8.3, end: 10.1, box: { x: 0.1, y: 0.8, w: 0.8, h: 0.1 }, position: "bottom", in_safe_zone: false, lang: "en", confidence: 0.84 },
      ],
      speech: null,
      engines: { people: "opencv-haar", text: "tesseract" },
    },
  };
}

export function recipe(overrides = {}) {
  const a = analysis();
  const bounds = [0, ...a.cuts.map((c) => c.t), 15];
  const films = ["문 열고 들어오며 카메라 응시", "친구 리액션 클로즈업", "손가락 하트 포즈", "비트에 맞춰 점프 컷", "단체 댄스 와이드", "엔딩 윙크", "로고와 함께 마무리"];
  return {
    version: "1",
    concept: {
      title: "월요병 퇴치 댄스 챌린지",
      hook: "월요일 아침, 출근 5분 전 우리의 모습",
      mechanism: "지루한 일상과 과장된 춤의 대비",
      format: "dance-challenge",
      platform: "tiktok",
      aspect: "9:16",
      duration_s: 15,
      format_name: "댄스 챌린지",
      format_reasons: [
        { detail: "컷 6개가 모두 비트에 맞음 (0–15초)", weight: 0.4, evidence: { kind: "cuts", detail: "비트에 맞은 컷 6/6" } },
        { detail: "4명이 풀샷으로 춤춤 (8–10초)", weight: 0.3, evidence: { kind: "people", t: 8.25, detail: "풀샷 · 4명" } },
      ],
      runner_up: { format: "pov-skit", name: "POV 상황극", score: 0.41, reasons: [{ detail: "첫 화면 글자 \"POV\"", weight: 0.2, evidence: { kind: "ocr", t: 0.2, detail: "POV: Monday 8AM" } }] },
      evidence_weak: false,
    },
    audio: { bpm: 120, meter: 4, drop_s: 8.25, drop_bar: "5.1", sound_kind: "120 BPM 신나는 하우스 비트", mood: "경쾌함" },
    shots: bounds.slice(0, -1).map((s, i) => ({
      n: i + 1,
      start: s,
      end: bounds[i + 1],
      start_beat: `${Math.floor(i * 1) + 1}.1`,
      end_beat: `${i + 2}.1`,
      section: ["intro", "intro", "build", "build", "drop", "drop", "outro"][i],
      film: films[i],
      framing: ["미디엄", "클로즈업", "클로즈업", "풀샷", "와이드", "클로즈업", "미디엄"][i],
      action: "비트에 맞춰 동작",
      overtitle: ["월요일 실화?", "헐…", "사랑해", "점프!", "다 같이", "윙크", "끝"][i],
      overtitle_polite: ["월요일 실화예요?", "헐…", "사랑해요", "점프해요!", "다 같이요", "윙크", "끝이에요"][i],
      role: ["hook", "setup", "setup", "turn", "punchline", "reaction", "cta"][i],
      source_text: i === 0 ? "POV: Monday 8AM" : undefined,
      caption: { casual: ["오늘도 출근이야\n진짜 실화냐", "표정 관리 안 됨", "그래도 힘내자", "하나 둘 셋 점프", "다 같이 춰보자", "찡긋", "내일 또 보자"][i], polite: ["오늘도 출근이에요\n정말이에요?", "표정 관리가 안 돼요", "그래도 힘내요", "하나 둘 셋 점프해요", "다 같이 춰봐요", "찡긋해요", "내일 또 봐요"][i] },
      source_shot: i + 1,
      source_keyframe: `keyframe-${String(i + 1).padStart(3, "0")}.jpg`,
      source_keyframe_t: (s + bounds[i + 1]) / 2,
    })),
    adaptations: [
      { source: "POV: Monday 8AM", korean: "월요일 아침 8시 출근길", reason: "한국 시청자에게 같은 상황의 공감대", evidence: { kind: "ocr", t: 0.2, detail: "POV: Monday 8AM" } },
      { source: "사무실 소품", korean: "사원증과 믹스커피", reason: "직장인 밈으로 통용되는 소품", suggestion: true },
    ],
    hashtags: { tiktok: ["#틱톡", "#월요병", "#댄스챌린지"], shorts: ["#Shorts", "#월요병", "#직장인"], reels: ["#릴스", "#월요병", "#댄스", "#직장인밈", "#챌린지"] },
    checklist: ["세로 9:16으로 촬영", "비트 마커에 맞춰 컷"],
    props: ["사원증", "머그컵"],
    difficulty: "easy",
    shoot_minutes: 20,
    edit_minutes: 30,
    provenance: { parts: { timing: "local", concept: "local" }, cost_usd: 0 },
    ...overrides,
  };
}

const FILES = ["guide.pdf", "storyboard.png", "captions.srt", "captions.casual.srt", "captions.polite.srt", "subtitles.9x16.ass", "timeline.otio", "timeline.fcpxml", "timeline.premiere.xml", "timeline.edl", "recipe.json", "recipe.md", "kmeme-bundle.zip"];

function tree() {
  const grand = { ...node(IDS.grand, "손자 리믹스: 부산 사투리 버전", 2, IDS.child), children: [] };
  const child = { ...node(IDS.child, "직장인 버전", 1, IDS.root, { descendants: 1 }), children: [grand] };
  const other = { ...node(IDS.other, "학생 버전", 1, IDS.root), children: [] };
  return { node: { ...node(IDS.root, "월요병 퇴치 댄스", 0, null, { descendants: 3 }), children: [child, other] }, truncated: false };
}

function svgImage(label, hue) {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="180" height="320"><rect width="180" height="320" fill="hsl(${hue},60%,55%)"/><text x="90" y="170" font-size="28" text-anchor="middle" fill="#fff">${label}</text></svg>`;
}

/** answer returns {status, body, contentType} for a fixture API path, or null. */
export function answer(method, url, { hostile = false, admin = true, visitor = false } = {}) {
  const u = new URL(url);
  const p = u.pathname;
  const json = (body, status = 200) => ({ status, contentType: "application/json", body: JSON.stringify(body) });
  if (visitor && (p === "/api/me" || p === "/api/auth/refresh")) return json({ code: "unauthorized", title: "Unauthorized", status: 401 }, 401);
  if (p === "/api/me" && method === "GET")
    return json({ user: { id: "u1", email: "creator@example.com", display_name: "밈장인", role: admin ? "admin" : "user", plan: "free", time_zone: "Asia/Seoul", created_at: now }, quota: { plan: "free", day: now.slice(0, 10), limit: 10, used: 3, left: 7, resets_at: now } });
  if (p === "/api/me/remixes") return json({ items: [node(IDS.root, "월요병 퇴치 댄스", 0, null, { descendants: 3 }), node(IDS.child, "직장인 버전", 1, IDS.root)], next: "" });
  let m = p.match(/^\/api\/remix\/([^/]+)$/);
  if (m && method === "GET") {
    const id = decodeURIComponent(m[1]);
    const n = node(id, id === IDS.root ? "월요병 퇴치 댄스" : "직장인 버전", id === IDS.root ? 0 : 1, id === IDS.root ? null : IDS.root, { descendants: id === IDS.root ? 3 : 1 });
    const r = hostile ? hostileRecipe() : recipe();
    return json({ node: n, analysis: analysis(), recipe: r, files: [...FILES, ...analysis().shots.map((_, i) => `keyframe-${String(i + 1).padStart(3, "0")}.jpg`)].map((name) => ({ name, url: `/api/remix/${id}/files/${name}`, size: 1000, content_type: name.endsWith(".jpg") ? "image/jpeg" : "application/octet-stream" })) });
  }
  m = p.match(/^\/api\/remix\/([^/]+)\/files\/keyframe-(\d+)\.jpg$/);
  if (m) return { status: 200, contentType: "image/svg+xml", body: svgImage(`#${Number(m[2])}`, Number(m[2]) * 50) };
  if (/\/tree$/.test(p)) return json(tree());
  if (/\/lineage$/.test(p)) return json({ items: [node(IDS.root, "월요병 퇴치 댄스", 0)] });
  if (/\/similar$/.test(p)) return json({ items: [{ node: node(IDS.other, "학생 버전", 1, IDS.root), score: 0.91 }] });
  if (/\/events$/.test(p)) return { status: 200, contentType: "text/event-stream", body: 'event: done\ndata: {"stage":"done","percent":100,"status":"done"}\n\n' };
  if (p === "/api/recipes/public")
    return json({
      items: [
        { id: IDS.root, title: "월요병 퇴치 댄스 챌린지", hook: "월요일 아침, 출근 5분 전 우리의 모습", bpm: 120, shoot_minutes: 20, edit_minutes: 30, shots: 7, duration_s: 15, difficulty: "easy", keyframe: `/api/remix/${IDS.root}/files/keyframe-001.jpg`, remixes: 3, created_at: now },
        { id: IDS.child, title: "직장인 월요병 버전", bpm: 98, shoot_minutes: 15, edit_minutes: 20, shots: 5, duration_s: 12, difficulty: "medium", keyframe: `/api/remix/${IDS.child}/files/keyframe-002.jpg`, remixes: 1, created_at: now },
        { id: IDS.other, title: "학생 버전: 시험 기간 밈", bpm: null, shoot_minutes: 10, edit_minutes: 15, shots: 4, duration_s: 9, difficulty: "hard", keyframe: `/api/remix/${IDS.other}/files/keyframe-003.jpg`, remixes: 0, created_at: now },
      ],
    });
  if (p === "/api/search") return json({ items: [{ node: node(IDS.root, "월요병 퇴치 댄스 챌린지", 0), score: 0.88 }, { node: node(IDS.child, "직장인 월요병 버전", 1, IDS.root), score: 0.74 }] });
  if (p === "/api/trending") return json({ items: [{ node: node(IDS.root, "월요병 퇴치 댄스", 0, null, { descendants: 3 }), remixes: 3 }] });
  if (p === "/api/geo/trends")
    return json({ cell_deg: 0.1, cells: [{ lat: 37.56, lon: 126.98, count: 12 }, { lat: 35.17, lon: 129.07, count: 5 }, { lat: 33.5, lon: 126.53, count: 2 }, { lat: 37.27, lon: 127.0, count: 7 }, { lat: 35.87, lon: 128.6, count: 3 }] });
  if (p === "/api/geo/nearby") return json({ items: [{ node: node(IDS.root, "월요병 퇴치 댄스", 0), distance_km: 1.2 }] });
  if (p === "/api/admin/costs") {
    const month = u.searchParams.get("month") ?? "2026-11";
    const k = Number(month.slice(5)) / 12;
    return json({
      month,
      total_usd: 40 * k,
      budget_usd: 81,
      left_usd: 81 - 40 * k,
      calls: Math.round(900 * k),
      by_model: [
        { provider: "gemini", model: "gemini-2.5-flash", calls: Math.round(600 * k), input_tokens: 1_200_000, output_tokens: 90_000, cost_usd: 12 * k },
        { provider: "claude", model: "claude-sonnet-4-5", calls: Math.round(300 * k), input_tokens: 450_000, output_tokens: 120_000, cost_usd: 28 * k },
        { provider: "local", model: "kmeme-local", calls: 500, input_tokens: 0, output_tokens: 0, cost_usd: 0 },
      ],
    });
  }
  return json({ code: "not_found", title: "Not found", status: 404, detail: "fixture has no " + p }, 404);
}

/** HOSTILE strings try every classic injection. */
export const HOSTILE = [
  "<script>window.__pwned=1</script>",
  '<img src=x onerror="window.__pwned=2">',
  '<a href="javascript:window.__pwned=3">클릭</a>',
  '"><svg onload="window.__pwned=4">',
  "<iframe src=\"javascript:parent.__pwned=5\"></iframe>",
];

function hostileRecipe() {
  const r = recipe();
  r.concept.title = HOSTILE[0] + " 제목";
  r.concept.hook = HOSTILE[1];
  r.concept.mechanism = HOSTILE[2];
  r.audio.sound_kind = HOSTILE[3];
  r.shots[0].film = HOSTILE[4];
  r.shots[0].overtitle = HOSTILE[1];
  r.shots[0].caption = { casual: HOSTILE[0], polite: HOSTILE[2] };
  r.adaptations[0] = { source: HOSTILE[3], korean: HOSTILE[1], reason: HOSTILE[0] };
  r.hashtags.tiktok = [HOSTILE[1], "#정상"];
  r.checklist = [HOSTILE[4]];
  return r;
}
