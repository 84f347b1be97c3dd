// The 17 시·도 by code and name, without their borders: what the create
// form's place picker needs, so the landing and the form do not load the
// map's outlines (lib/korea-sido.json) and d3-geo. lib/korea.test.ts checks
// this list against the outlines' properties, so the two cannot drift.

/** SidoName is one 시·도's code (the API's and the form's) and its names. */
export interface SidoName {
  code: string;
  name_ko: string;
  name_en: string;
  city: boolean;
}

/** SIDO_NAMES lists the 시·도 in the order the map draws them. */
export const SIDO_NAMES: readonly SidoName[] = [
  { code: "41", name_ko: "경기도", name_en: "Gyeonggi", city: false },
  { code: "43", name_ko: "충청북도", name_en: "North Chungcheong", city: false },
  { code: "44", name_ko: "충청남도", name_en: "South Chungcheong", city: false },
  { code: "46", name_ko: "전라남도", name_en: "South Jeolla", city: false },
  { code: "47", name_ko: "경상북도", name_en: "North Gyeongsang", city: false },
  { code: "48", name_ko: "경상남도", name_en: "South Gyeongsang", city: false },
  { code: "50", name_ko: "제주특별자치도", name_en: "Jeju", city: false },
  { code: "51", name_ko: "강원특별자치도", name_en: "Gangwon", city: false },
  { code: "52", name_ko: "전북특별자치도", name_en: "Jeonbuk", city: false },
  { code: "11", name_ko: "서울특별시", name_en: "Seoul", city: true },
  { code: "26", name_ko: "부산광역시", name_en: "Busan", city: true },
  { code: "27", name_ko: "대구광역시", name_en: "Daegu", city: true },
  { code: "28", name_ko: "인천광역시", name_en: "Incheon", city: true },
  { code: "29", name_ko: "광주광역시", name_en: "Gwangju", city: true },
  { code: "30", name_ko: "대전광역시", name_en: "Daejeon", city: true },
  { code: "31", name_ko: "울산광역시", name_en: "Ulsan", city: true },
  { code: "36", name_ko: "세종특별자치시", name_en: "Sejong", city: true },
];
