import { createServer, type Socket } from "node:net";
import { describe, expect, it } from "vitest";
import { createS3Client } from "./s3-client.ts";
import { S3Storage } from "./s3-storage.ts";

const credentials = { accessKeyId: "a", secretAccessKey: "s" };

describe("createS3Client", () => {
  it("uses path-style for a custom endpoint and checksums only when required", async () => {
    const client = createS3Client({ endpoint: "http://127.0.0.1:7480", region: "us-east-1", credentials });
    expect(client.config.forcePathStyle).toBe(true);
    expect(await client.config.requestChecksumCalculation()).toBe("WHEN_REQUIRED");
    expect(await client.config.responseChecksumValidation()).toBe("WHEN_REQUIRED");
  });

  it("keeps virtual-hosted style for AWS unless told otherwise", () => {
    expect(createS3Client({ region: "eu-west-1", credentials }).config.forcePathStyle).toBe(false);
    expect(createS3Client({ region: "eu-west-1", credentials, forcePathStyle: true }).config.forcePathStyle).toBe(true);
  });

  it("reports a refused connection as retryable and not ambiguous: nothing was sent", async () => {
    const storage = new S3Storage({ endpoint: "http://127.0.0.1:1", region: "us-east-1", credentials });
    await expect(storage.putObject({ bucket: "b", key: "k", body: "v" })).rejects.toMatchObject({
      name: "StorageError",
      code: "ECONNREFUSED",
      retryable: true,
      ambiguous: false,
    });
  });

  it("gives up on a server that accepts the connection and never answers: an ambiguous timeout, not a hang", async () => {
    const sockets: Socket[] = [];
    const server = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    const storage = new S3Storage({ endpoint: `http://127.0.0.1:${port}`, region: "us-east-1", credentials, requestTimeoutMs: 300, maxAttempts: 1 });
    try {
      await expect(storage.putObject({ bucket: "b", key: "k", body: "v" })).rejects.toMatchObject({
        name: "StorageError",
        retryable: true,
        ambiguous: true,
      });
    } finally {
      sockets.forEach((socket) => socket.destroy());
      server.close();
    }
  });
});
