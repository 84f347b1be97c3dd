import { describe, expect, it } from "vitest";
import { IntlMessageFormat } from "intl-messageformat";
import { DICTS, enumKey, translate, type Key } from "./i18n";

describe("i18n", () => {
  it("every message parses as ICU in both languages", () => {
    for (const [lang, dict] of Object.entries(DICTS)) {
      for (const [k, v] of Object.entries(dict)) {
        expect(() => new IntlMessageFormat(v, lang), `${lang}.${k}`).not.toThrow();
      }
    }
  });
  it("plurals in English, counters in Korean", () => {
    expect(translate("en", "remix_count", { n: 1 })).toBe("1 remix");
    expect(translate("en", "remix_count", { n: 3 })).toBe("3 remixes");
    expect(translate("ko", "remix_count", { n: 3 })).toBe("리믹스 3개");
    expect(translate("ko", "people_n", { n: 2 })).toBe("2명");
  });
  it("enums map to Korean, unknown values never show the raw word", () => {
    expect(translate("ko", enumKey("difficulty", "easy"))).toBe("쉬움");
    expect(translate("ko", enumKey("section", "drop"))).toBe("드롭");
    expect(translate("ko", enumKey("framing", "closeup"))).toBe("클로즈업");
    expect(translate("ko", enumKey("section", "chorus"))).toBe("기타");
    expect(enumKey("difficulty", undefined)).toBe<Key>("enum_other");
  });
});
