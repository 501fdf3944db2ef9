/**
 * Serves the board: index.html from this folder and board.ts bundled for
 * the browser by esbuild's server, which rebuilds it in memory when a source
 * file has changed.
 */
import { context } from "esbuild";
import { fileURLToPath } from "node:url";

const BOARD_DIR = fileURLToPath(new URL(".", import.meta.url));

export interface BoardServer {
  /** The page's address, e.g. `http://127.0.0.1:8080/`; its origin is the one a bucket's CORS rules must allow. */
  url: URL;
  close(): Promise<void>;
}

export async function startBoardServer({ host = "127.0.0.1", port = 0 }: { host?: string; port?: number } = {}): Promise<BoardServer> {
  const build = await context({
    entryPoints: [`${BOARD_DIR}board.ts`],
    bundle: true,
    platform: "browser",
    format: "esm",
    // The client's AWS SDK path (s3Config) goes to a chunk that the board, on FetchStorage, never loads.
    splitting: true,
    target: "es2022",
    outdir: BOARD_DIR,
    sourcemap: true,
    write: false,
    logLevel: "error",
  });
  const served = await build.serve({ host, port, servedir: BOARD_DIR });
  return {
    url: new URL(`http://${host}:${served.port}/`),
    close: () => build.dispose(),
  };
}
