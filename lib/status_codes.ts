// Mirror of enum flox_status in cabi/include/flox.h. Values are stable; tests check that every C
// code has a name here and a text in the library.
export const FloxStatus = {
  OK: 0,
  INVALID_ARG: 1,
  LENGTH_MISMATCH: 2,
  UNSORTED: 3,
  BAD_PRICE: 4,
  BAD_QUANTITY: 5,
  BAD_SIDE: 6,
  BAD_ORDER_TYPE: 7,
  MISSING_PRICE: 8,
  NO_DATA: 9,
  CLOSED: 10,
  NOMEM: 11,
  IO: 12,
  FORMAT: 13,
  UNSUPPORTED: 14,
  NOT_FOUND: 15,
  FULL: 16,
  CALLBACK: 17,
  CANCELLED: 18,
  STATE: 19,
  PARSE: 20,
  BUFFER_TOO_SMALL: 21,
  INTERNAL: 22,
} as const;

export type FloxStatusName = keyof typeof FloxStatus | "UNKNOWN";

/** One past the last code; equals FLOX_STATUS_LAST. */
export const FLOX_STATUS_LAST = 23;

const names: FloxStatusName[] = [];
for (const [name, code] of Object.entries(FloxStatus)) names[code] = name as FloxStatusName;

export function statusName(code: number): FloxStatusName {
  return names[code] ?? "UNKNOWN";
}
