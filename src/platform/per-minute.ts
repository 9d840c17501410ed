/**
 * Formatting a time in a time zone (Intl) is slow next to the rest of a page, and pages keep
 * showing the same few minutes (now, the sign-in time, the latest records). This remembers a
 * formatter's text per minute. Only for formatters whose text depends on the minute alone; the UK's
 * offsets from UTC are whole hours, so a UTC minute is one UK minute.
 */
const MEMORY = 1000;

export function perMinute(format: (d: Date) => string): (d: Date) => string {
  const texts = new Map<number, string>();
  return (d) => {
    const minute = Math.floor(d.getTime() / 60_000);
    let text = texts.get(minute);
    if (text === undefined) {
      text = format(d);
      if (texts.size >= MEMORY) texts.clear();
      texts.set(minute, text);
    }
    return text;
  };
}
