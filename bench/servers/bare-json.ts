/** The baseline for `patient-handover`: a bare Fastify route that parses the same JSON body and answers 201. */
import Fastify from "fastify";

const app = Fastify();
app.post<{ Body: { patient?: { id?: string }; windowId?: string } }>("/handover", async (request, reply) =>
  reply.code(201).send({ contextId: "A".repeat(24), windowId: request.body.windowId ?? null }),
);
await app.listen({ port: Number(process.env["PORT"]), host: "127.0.0.1" });
