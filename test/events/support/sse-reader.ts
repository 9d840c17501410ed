/** Reading a server-sent event stream over fetch, as a browser's EventSource would. */

export interface ServerEvent {
  readonly event: string;
  readonly data: string;
}

export interface EventStream {
  readonly status: number;
  readonly headers: Headers;
  /** The next event (comments and keep-alives skipped); rejects if the stream ends first or time runs out. */
  next(timeoutMs?: number): Promise<ServerEvent>;
  close(): void;
}

export async function openEventStream(url: string, cookie: string): Promise<EventStream> {
  const controller = new AbortController();
  const response = await fetch(url, {
    headers: { cookie, accept: "text/event-stream" },
    signal: controller.signal,
  });
  const reader = response.body?.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  const queue: ServerEvent[] = [];
  let ended = false;

  async function fill(): Promise<void> {
    if (!reader) {
      ended = true;
      return;
    }
    const { value, done } = await reader.read();
    if (done) {
      ended = true;
      return;
    }
    buffer += decoder.decode(value, { stream: true });
    let end = buffer.indexOf("\n\n");
    while (end >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const lines = block.split("\n").filter((l) => !l.startsWith(":") && !l.startsWith("retry:"));
      const event = lines.find((l) => l.startsWith("event: "))?.slice(7);
      const data = lines.find((l) => l.startsWith("data: "))?.slice(6);
      if (event !== undefined) queue.push({ event, data: data ?? "" });
      end = buffer.indexOf("\n\n");
    }
  }

  return {
    status: response.status,
    headers: response.headers,
    async next(timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (queue.length === 0) {
        if (ended) throw new Error("the stream ended");
        if (Date.now() > deadline) throw new Error("no event in time");
        await Promise.race([
          fill(),
          new Promise((resolve) => setTimeout(resolve, Math.max(1, deadline - Date.now()))),
        ]);
      }
      return queue.shift() as ServerEvent;
    },
    close() {
      controller.abort();
    },
  };
}
