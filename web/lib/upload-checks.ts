// Client-side checks of a video before it is uploaded: type, size and
// duration, so a creator hears "too long" in a second rather than after a
// 200 MB upload. The server checks again (magic bytes + ffprobe).
import { z } from "zod";

export const MAX_UPLOAD_MB = 200;
export const MAX_DURATION_S = 180;
const VIDEO_EXT = /\.(mp4|m4v|mov|webm|mkv|avi|ts)$/i;

export type FileProblem = { key: "check_type" | "check_size" | "check_duration"; max?: number };

/** checkFile says what is wrong with a file's type or size, or null. */
export function checkFile(f: { name: string; type: string; size: number }): FileProblem | null {
  const typeOk = f.type.startsWith("video/") || (f.type === "" || f.type === "application/octet-stream" ? VIDEO_EXT.test(f.name) : false);
  if (!typeOk) return { key: "check_type" };
  if (f.size > MAX_UPLOAD_MB * 1024 * 1024) return { key: "check_size", max: MAX_UPLOAD_MB };
  return null;
}

/** checkDuration says whether a measured duration is too long (NaN: unknown, allowed). */
export function checkDuration(seconds: number): FileProblem | null {
  return Number.isFinite(seconds) && seconds > MAX_DURATION_S ? { key: "check_duration", max: MAX_DURATION_S } : null;
}

/** probeDuration reads a local file's duration through a <video> element
 * (NaN when the browser cannot read it; the server decides then). */
export function probeDuration(file: File, timeoutMs = 4000): Promise<number> {
  return new Promise((resolve) => {
    if (typeof document === "undefined" || typeof URL.createObjectURL !== "function") return resolve(NaN);
    const v = document.createElement("video");
    const url = URL.createObjectURL(file);
    let done = false;
    const finish = (d: number) => {
      if (done) return;
      done = true;
      URL.revokeObjectURL(url);
      resolve(d);
    };
    v.preload = "metadata";
    v.muted = true;
    v.onloadedmetadata = () => finish(v.duration);
    v.onerror = () => finish(NaN);
    window.setTimeout(() => finish(NaN), timeoutMs);
    v.src = url;
  });
}

/** The form's fields other than the file; messages are dictionary keys. */
export const createSchema = z.object({
  title: z.string().max(200, { message: "check_title" }),
  url: z
    .string()
    .trim()
    .refine((s) => s === "" || /^https?:\/\/\S+$/i.test(s), { message: "check_url" }),
  region: z.string(),
  isPublic: z.boolean(),
  parent: z.string().trim(),
});
export type CreateValues = z.infer<typeof createSchema>;

/** estimateSeconds guesses the time left from the elapsed time and the
 * overall percentage (with a floor from the video's length before any
 * progress is known). */
export function estimateSeconds(elapsedS: number, percent: number, durationS: number): number {
  const prior = 8 + 1.2 * (Number.isFinite(durationS) && durationS > 0 ? durationS : 10);
  if (percent <= 3) return Math.max(1, Math.round(prior - elapsedS));
  const byRate = (elapsedS * (100 - percent)) / percent;
  const w = Math.min(1, percent / 40); // trust the measured rate more as it grows
  return Math.max(1, Math.round(w * byRate + (1 - w) * Math.max(0, prior - elapsedS)));
}
