import { describe, expect, it } from "vitest";
import { isTerminal, normalizeStage, overallPercent, parseProgress, stageDetail, uploadFile, watchProgress, type EventSourceLike, type XHRLike } from "./progress";

describe("overallPercent", () => {
  it.each([
    ["upload", 0, 0],
    ["upload", 50, 10],
    ["upload", 100, 20],
    ["analyze", 50, 45],
    ["analyze:keyframes", 50, 45],
    ["render:guide.pdf", 50, 90],
    ["plan", 0, 65],
    ["planning", 0, 65],
    ["rendering", 100, 100],
    ["done", 0, 100],
    ["rendering", 250, 100],
    ["unknown", 50, 0],
  ])("%s %d%% → %d", (s, p, want) => expect(overallPercent(s, p)).toBe(want));
  it("follows the worker's per-stage events without going back", () => {
    // The events of one remix as the worker writes them (stage, percent of that stage).
    const events: [string, number][] = [["queued", 0], ["analyze", 0], ["analyze:probe", 0], ["analyze:video", 60], ["retry:analyze", 60], ["analyze", 100],
      ["plan", 0], ["plan", 100], ["render", 0], ["render:preview.mp4", 80], ["done", 100]];
    const bar = events.map(([s, p]) => overallPercent(s, p));
    expect([...bar].sort((a, b) => a - b)).toEqual(bar);
    expect(bar[bar.length - 1]).toBe(100);
    expect(overallPercent("analyze", 100)).toBe(overallPercent("planning", 0));
  });
  it("is monotone across stages", () => {
    const seq = [overallPercent("upload", 100), overallPercent("queued", 0), overallPercent("analyzing", 0), overallPercent("planning", 0), overallPercent("rendering", 0), overallPercent("done", 100)];
    expect([...seq].sort((a, b) => a - b)).toEqual(seq);
  });
});

describe("normalizeStage and stageDetail", () => {
  it.each([
    ["analyze:probe", "analyzing", "probe"],
    ["render:timeline.fcpxml", "rendering", "timeline.fcpxml"],
    ["Planning", "planning", ""],
    ["retry:analyze", "analyzing", "analyze"],
    ["draft", "queued", ""],
  ])("%s → %s / %s", (s, stage, detail) => {
    expect(normalizeStage(s)).toBe(stage);
    expect(stageDetail(s)).toBe(detail);
  });
});

describe("parseProgress", () => {
  it.each([
    ['{"stage":"analyzing","percent":40,"status":"analyzing"}', { stage: "analyzing", percent: 40, status: "analyzing", error: undefined }],
    ['{"stage":"failed","percent":0,"status":"failed","error":"no video stream"}', { stage: "failed", percent: 0, status: "failed", error: "no video stream" }],
    ['{"status":"done"}', { stage: "done", percent: 0, status: "done", error: undefined }],
    ["not json", null],
    ['"string"', null],
    ["{}", null],
  ])("%s", (data, want) => expect(parseProgress(data)).toEqual(want));
  it("knows terminal events", () => {
    expect(isTerminal({ stage: "rendering", percent: 100, status: "done" })).toBe(true);
    expect(isTerminal({ stage: "rendering", percent: 90, status: "rendering" })).toBe(false);
  });
});

class FakeES implements EventSourceLike {
  listeners: Record<string, ((e: MessageEvent) => void)[]> = {};
  closed = false;
  onerror: ((e: Event) => void) | null = null;
  addEventListener(type: string, fn: (e: MessageEvent) => void) {
    (this.listeners[type] ??= []).push(fn);
  }
  close() {
    this.closed = true;
  }
  emit(type: string, data: string) {
    for (const fn of this.listeners[type] ?? []) fn({ data } as MessageEvent);
  }
}

describe("watchProgress", () => {
  it("forwards progress and stops at done", () => {
    const es = new FakeES();
    const got: string[] = [];
    let lost = 0;
    watchProgress("/e", (e) => got.push(`${e.stage}:${e.percent}:${e.status}`), () => lost++, () => es);
    es.emit("progress", '{"stage":"analyzing","percent":10,"status":"analyzing"}');
    es.emit("progress", "garbage");
    es.emit("done", '{"stage":"rendering","percent":100,"status":"rendering"}');
    expect(got).toEqual(["analyzing:10:analyzing", "rendering:100:done"]);
    expect(es.closed).toBe(true);
    es.onerror?.(new Event("error"));
    expect(lost).toBe(0);
  });
  it("reports a failed event with no JSON and a lost stream", () => {
    const es = new FakeES();
    const got: string[] = [];
    let lost = 0;
    const stop = watchProgress("/e", (e) => got.push(e.status), () => lost++, () => es);
    es.onerror?.(new Event("error"));
    expect(lost).toBe(1);
    es.emit("failed", "");
    expect(got).toEqual(["failed"]);
    expect(es.closed).toBe(true);
    stop();
  });
});

class FakeXHR implements XHRLike {
  headers: Record<string, string> = {};
  method = "";
  url = "";
  body: FormData | null = null;
  upload = { onprogress: null as XHRLike["upload"]["onprogress"] };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onabort: (() => void) | null = null;
  status = 0;
  responseText = "";
  withCredentials = false;
  open(m: string, u: string) {
    this.method = m;
    this.url = u;
  }
  setRequestHeader(n: string, v: string) {
    this.headers[n] = v;
  }
  send(b: FormData) {
    this.body = b;
  }
  abort() {
    this.onabort?.();
  }
  respHeaders: Record<string, string> = {};
  getResponseHeader(n: string) {
    return this.respHeaders[n] ?? null;
  }
}

describe("uploadFile", () => {
  it("posts multipart with CSRF and reports percent", async () => {
    const x = new FakeXHR();
    const seen: number[] = [];
    const up = uploadFile("/api/videos", new Blob(["abc"]), "a.mp4", "tok", (p) => seen.push(p), () => x);
    expect(x.method).toBe("POST");
    expect(x.headers["X-CSRF-Token"]).toBe("tok");
    expect(x.withCredentials).toBe(true);
    expect((x.body?.get("file") as File).name).toBe("a.mp4");
    x.upload.onprogress?.({ loaded: 1, total: 4, lengthComputable: true });
    x.upload.onprogress?.({ loaded: 1, total: 0, lengthComputable: false });
    x.status = 201;
    x.responseText = '{"id":"v1"}';
    x.onload?.();
    await expect(up.done).resolves.toEqual({ status: 201, body: { id: "v1" } });
    expect(seen).toEqual([25, 100]);
  });
  it("resolves an error status with its problem body and rejects on network error", async () => {
    const x = new FakeXHR();
    const up = uploadFile("/api/videos", new Blob(["abc"]), "a.mp4", null, () => {}, () => x);
    expect(x.headers["X-CSRF-Token"]).toBeUndefined();
    x.status = 429;
    x.respHeaders["Retry-After"] = "7";
    x.responseText = '{"code":"rate_limited"}';
    x.onload?.();
    await expect(up.done).resolves.toEqual({ status: 429, body: { code: "rate_limited" }, retryAfter: "7" });
    const y = new FakeXHR();
    const up2 = uploadFile("/u", new Blob([]), "b", null, () => {}, () => y);
    y.onerror?.();
    await expect(up2.done).rejects.toThrow("network");
  });
});
