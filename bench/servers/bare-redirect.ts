/** The baseline for `launch-redirect`: a bare Fastify route that reads a form field and answers 302. */
import Fastify from "fastify";

const app = Fastify();
app.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string" }, (_request, body, done) =>
  done(null, Object.fromEntries(new URLSearchParams(body as string))),
);
app.post<{ Body: { launch_id?: string } }>("/launch", async (request, reply) =>
  reply
    .code(302)
    .header(
      "location",
      `https://ncrs.example.nhs.uk/launch?nhsNumber=9991000054&id=${request.body.launch_id ?? ""}`,
    )
    .send(),
);
await app.listen({ port: Number(process.env["PORT"]), host: "127.0.0.1" });
