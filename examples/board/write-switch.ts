import { StorageError, type Storage } from "../../impl/browser.ts";
import { interceptStorage } from "../../impl/storage.ts";

/** `inner`, except that while `refusing()` it refuses writes as S3 refuses a key without write access. */
export function switchableWrites(inner: Storage, refusing: () => boolean): Storage {
  return interceptStorage(inner, (call, send) => {
    if (call.kind === "put" || call.kind === "delete") {
      if (refusing()) {
        return Promise.reject(
          new StorageError("S3 write failed: AccessDenied (HTTP 403): writes are switched off on this board", {
            status: 403,
            code: "AccessDenied",
            retryable: false,
            ambiguous: false,
          }),
        );
      }
    }
    return send();
  });
}
