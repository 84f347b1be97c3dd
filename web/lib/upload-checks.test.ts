import { describe, expect, it } from "vitest";
import { checkDuration, checkFile, createSchema, estimateSeconds } from "./upload-checks";

describe("upload checks", () => {
  it("refuses non-video files and files over the limit", () => {
    expect(checkFile({ name: "a.pdf", type: "application/pdf", size: 10 })?.key).toBe("check_type");
    expect(checkFile({ name: "a.mp4", type: "", size: 10 })).toBeNull();
    expect(checkFile({ name: "a.txt", type: "", size: 10 })?.key).toBe("check_type");
    expect(checkFile({ name: "a.mp4", type: "video/mp4", size: 201 * 1024 * 1024 })).toEqual({ key: "check_size", max: 200 });
    expect(checkFile({ name: "a.mov", type: "video/quicktime", size: 5e6 })).toBeNull();
  });
  it("refuses long videos, allows unknown durations", () => {
    expect(checkDuration(181)?.key).toBe("check_duration");
    expect(checkDuration(30)).toBeNull();
    expect(checkDuration(NaN)).toBeNull();
  });
  it("validates the form with dictionary keys as messages", () => {
    const bad = createSchema.safeParse({ title: "x".repeat(201), url: "ftp://x", region: "", isPublic: true, parent: "" });
    expect(bad.success).toBe(false);
    const keys = bad.success ? [] : bad.error.issues.map((i) => i.message).sort();
    expect(keys).toEqual(["check_title", "check_url"]);
    expect(createSchema.safeParse({ title: "월요병", url: "", region: "11", isPublic: true, parent: "" }).success).toBe(true);
  });
  it("estimates the time left and shrinks it as progress grows", () => {
    const early = estimateSeconds(2, 10, 6);
    const late = estimateSeconds(8, 80, 6);
    expect(early).toBeGreaterThan(late);
    expect(estimateSeconds(0, 0, 60)).toBeGreaterThan(estimateSeconds(0, 0, 6));
    expect(estimateSeconds(100, 99, 6)).toBeGreaterThanOrEqual(1);
  });
});
