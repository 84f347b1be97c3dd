// Progress of a remix: server-sent events from GET /api/remix/{id}/events
// (auth by cookie, so EventSource works) and the upload's own percentage.
import type { ProgressEvent } from "./types";

/** Stage names in pipeline order; the bar is split among them. */
export const STAGES = ["upload", "queued", "analyzing", "planning", "rendering", "done"] as const;

/** Stage is one step the user sees. */
export type Stage = (typeof STAGES)[number] | "failed";

/** Share of the overall bar each stage spans (upload 0–20 %, …). */
const SPAN: Record<string, [number, number]> = {
  upload: [0, 20],
  queued: [20, 25],
  analyzing: [25, 65],
  planning: [65, 80],
  rendering: [80, 100],
  done: [100, 100],
};

/**
 * overallPercent maps a stage and its own percentage to the whole bar's
 * percentage. The server's events carry the percentage of their own stage
 * (0 as "analyze" begins, 100 when it is committed; the worker's
 * internal/worker/stages.go), the upload's is the upload's own.
 */
export function overallPercent(stage: string, percent: number): number {
  const s = SPAN[normalizeStage(stage)];
  if (!s) return 0;
  const p = Math.min(Math.max(Number.isFinite(percent) ? percent : 0, 0), 100);
  return Math.round(s[0] + ((s[1] - s[0]) * p) / 100);
}

/** normalizeStage maps server stage or status names onto the stages shown. */
export function normalizeStage(stage: string): string {
  // The worker reports sub-steps as "analyze:keyframes", "render:guide.pdf",
  // and a step tried again as "retry:analyze".
  const parts = stage.toLowerCase().split(":");
  const s = parts[0] === "retry" && parts.length > 1 ? parts[1] : parts[0];
  if (s === "analyze" || s === "analysis" || s === "analysing") return "analyzing";
  if (s === "plan") return "planning";
  if (s === "render") return "rendering";
  if (s === "draft" || s === "queue") return "queued";
  return s;
}

/** stageDetail is the sub-step after "stage:", e.g. "guide.pdf", or "". */
export function stageDetail(stage: string): string {
  const i = stage.indexOf(":");
  return i < 0 ? "" : stage.slice(i + 1);
}

/** parseProgress reads one event's data, or null when it is not a progress document. */
export function parseProgress(data: string): ProgressEvent | null {
  try {
    const v: unknown = JSON.parse(data);
    if (!v || typeof v !== "object") return null;
    const o = v as Record<string, unknown>;
    const stage = typeof o.stage === "string" ? o.stage : typeof o.status === "string" ? o.status : "";
    if (!stage) return null;
    return {
      stage,
      percent: typeof o.percent === "number" ? o.percent : 0,
      status: typeof o.status === "string" ? o.status : stage,
      error: typeof o.error === "string" && o.error ? o.error : undefined,
    };
  } catch {
    return null;
  }
}

/** isTerminal says whether an event ends the stream. */
export function isTerminal(e: ProgressEvent): boolean {
  return e.status === "done" || e.status === "failed" || e.stage === "done" || e.stage === "failed";
}

/** EventSourceLike is the part of EventSource used here (tests pass a fake). */
export interface EventSourceLike {
  addEventListener(type: string, fn: (e: MessageEvent) => void): void;
  close(): void;
  onerror: ((e: Event) => void) | null;
}

/**
 * watchProgress follows a remix's events until done or failed and returns a
 * stop function. onEvent gets every progress event; the terminal one last.
 */
export function watchProgress(
  url: string,
  onEvent: (e: ProgressEvent) => void,
  onLost: () => void,
  make: (url: string) => EventSourceLike = (u) => new EventSource(u, { withCredentials: true }) as unknown as EventSourceLike,
): () => void {
  const es = make(url);
  let closed = false;
  const stop = () => {
    if (!closed) {
      closed = true;
      es.close();
    }
  };
  const handle = (kind: string) => (m: MessageEvent) => {
    const e = parseProgress(String(m.data));
    if (!e) {
      if (kind === "done" || kind === "failed") {
        onEvent({ stage: kind, status: kind, percent: kind === "done" ? 100 : 0 });
        stop();
      }
      return;
    }
    if (kind === "done" || kind === "failed") e.status = kind;
    onEvent(e);
    if (isTerminal(e)) stop();
  };
  for (const kind of ["progress", "done", "failed", "message"]) es.addEventListener(kind, handle(kind));
  es.onerror = () => {
    // EventSource reconnects by itself; only tell the caller so it can
    // fall back to polling the node when the stream is gone for good.
    if (!closed) onLost();
  };
  return stop;
}

/** XHRLike is the part of XMLHttpRequest used for uploads (tests pass a fake). */
export interface XHRLike {
  open(method: string, url: string): void;
  setRequestHeader(name: string, value: string): void;
  send(body: FormData): void;
  abort(): void;
  upload: { onprogress: ((e: { loaded: number; total: number; lengthComputable: boolean }) => void) | null };
  onload: (() => void) | null;
  onerror: (() => void) | null;
  onabort: (() => void) | null;
  status: number;
  responseText: string;
  withCredentials: boolean;
  getResponseHeader(name: string): string | null;
}

/** UploadResult is the server's answer to an upload. */
export interface UploadResult {
  status: number;
  body: unknown;
  /** Retry-After header, raw, on 429/503. */
  retryAfter?: string;
}

/**
 * uploadFile posts a file as multipart field "file", reporting the upload
 * percentage. fetch cannot report upload progress, hence XMLHttpRequest.
 */
export function uploadFile(
  url: string,
  file: Blob,
  filename: string,
  csrf: string | null,
  onPercent: (p: number) => void,
  make: () => XHRLike = () => new XMLHttpRequest() as unknown as XHRLike,
): { done: Promise<UploadResult>; abort: () => void } {
  const xhr = make();
  const done = new Promise<UploadResult>((resolve, reject) => {
    xhr.open("POST", url);
    xhr.withCredentials = true;
    xhr.setRequestHeader("Accept", "application/json");
    if (csrf) xhr.setRequestHeader("X-CSRF-Token", csrf);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) onPercent(Math.min(100, Math.round((e.loaded / e.total) * 100)));
    };
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch {
        body = null;
      }
      if (xhr.status >= 200 && xhr.status < 300) onPercent(100);
      const retryAfter = xhr.getResponseHeader("Retry-After") ?? undefined;
      resolve(retryAfter ? { status: xhr.status, body, retryAfter } : { status: xhr.status, body });
    };
    xhr.onerror = () => reject(new Error("network"));
    xhr.onabort = () => reject(new Error("aborted"));
    const fd = new FormData();
    fd.append("file", file, filename);
    xhr.send(fd);
  });
  return { done, abort: () => xhr.abort() };
}
