/** Reading the service's Prometheus metrics from a test. */

/**
 * The sum of a metric's series carrying every label given, e.g.
 * `metricValue(url, "ncrs_launches_total", { outcome: "launched" })` (0 when none is reported yet).
 */
export async function metricValue(
  baseUrl: string,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  return text
    .split("\n")
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .filter((line) => wanted.every((label) => line.slice(0, line.lastIndexOf(" ")).includes(label)))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(" ") + 1)), 0);
}
