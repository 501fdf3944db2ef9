/** The conditional probes' verdicts on SDK-level answers (aws-sdk-client-mock). */
import { GetObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { S3Storage } from "../../impl/s3-storage.ts";
import { StatusLog, type ProbeContext } from "./probe-context.ts";
import { conditionalCreate, exclusiveCreate } from "./probes-conditional.ts";

const client = new S3Client({ region: "us-east-1", credentials: { accessKeyId: "a", secretAccessKey: "s" } });
const s3 = mockClient(client);

beforeEach(() => s3.reset());

function serviceError(name: string, httpStatusCode: number): S3ServiceException {
  return new S3ServiceException({ name, $fault: httpStatusCode < 500 ? "client" : "server", $metadata: { httpStatusCode } });
}

function context(): ProbeContext {
  return { storage: new S3Storage(client), bucket: "b", prefix: "p/", statuses: new StatusLog() };
}

/** A store answering every conditional PUT with `status`, as OpenStack Swift's s3api does with 501. */
function refuseConditionalPuts(name: string, status: number): void {
  s3.on(PutObjectCommand).rejects(serviceError(name, status));
  s3.on(GetObjectCommand).rejects(serviceError("NoSuchKey", 404));
}

describe("conditional probes on a store without conditional writes", () => {
  it("call 501 NotImplemented not supported, in the single probe and in the race alike", async () => {
    refuseConditionalPuts("NotImplemented", 501);
    expect(await conditionalCreate(context())).toEqual({
      result: "not supported",
      detail: "If-None-Match: * answered S3 write failed: NotImplemented (HTTP 501)",
    });
    const ctx = context();
    expect(await exclusiveCreate(ctx)).toEqual({
      result: "not supported",
      detail: 'the store does not implement conditional creates (501 NotImplemented). 10 concurrent conditional creates: 10×501; object holds undefined',
    });
    expect(ctx.statuses.sorted()).toEqual([404, 501]);
  });

  it("still call other server errors in a race a failure", async () => {
    refuseConditionalPuts("InternalError", 500);
    expect(await exclusiveCreate(context())).toEqual({
      result: "fail",
      detail: "10 answered with errors instead of 412. 10 concurrent conditional creates: 10×500; object holds undefined",
    });
  });
});
