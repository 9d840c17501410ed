/**
 * The PDS simulator's ordinary, active patients: the ones a burst may change freely. Superseded
 * and invalidated numbers cannot be changed, and the scenario numbers (9992…) would make the
 * subscriber's re-read fail on purpose, so neither is here.
 */
export const BURST_POOL: readonly string[] = [
  "9991000038",
  "9991000046",
  "9991000054",
  "9991000062",
  "9991000070",
  "9991000100",
  "9000000009",
  "9000000025",
  "9000000033",
  "9693632109",
  "9732110317",
  "9733162043",
  "9736363015",
  "9736363023",
  "9736363066",
  "9736363074",
  "5900046192",
  "5900056597",
  "5900057208",
  "5900059073",
  "5900059332",
];
