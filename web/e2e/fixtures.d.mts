// Types of fixtures.mjs for the unit test that checks every fixture answer
// against lib/schemas.ts (lib/fixtures.test.ts).

export declare const IDS: { root: string; child: string; grand: string; other: string };
export declare const HOSTILE: string[];

export interface FixtureAnswer {
  status: number;
  contentType: string;
  body: string;
}

export interface FixtureOptions {
  hostile?: boolean;
  admin?: boolean;
  visitor?: boolean;
}

export declare function answer(method: string, url: string, opts?: FixtureOptions): FixtureAnswer;
export declare function recipe(overrides?: Record<string, unknown>): unknown;
export declare function analysis(): unknown;
