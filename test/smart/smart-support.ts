/** A server that only counts the requests it gets: an EHR we never registered. */
import { createServer, type Server } from "node:http";

export class CountingServer {
  requests = 0;
  url = "";
  readonly #server: Server;

  constructor() {
    this.#server = createServer((_request, response) => {
      this.requests++;
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ authorization_endpoint: "http://127.0.0.1:1/authorize" }));
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, "127.0.0.1", resolve));
    const address = this.#server.address();
    if (typeof address !== "object" || !address) throw new Error("no port");
    this.url = `http://127.0.0.1:${address.port}/fhir`;
    return this;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}
